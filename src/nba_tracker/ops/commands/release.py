"""``ops release TAG``: the forward step that ``ops rollback`` undoes."""

from __future__ import annotations

from typing import Annotated

import typer

from nba_tracker.ops import rollback as releases
from nba_tracker.ops.commands.rollback import NoWait
from nba_tracker.ops.core import OpsContext, ops_command


@ops_command(changes_aws=True)
def release(
    ctx: OpsContext,
    tag: Annotated[str, typer.Argument(help="Image tag to run.")],
    no_wait: NoWait = False,
) -> None:
    """Run TAG: previous-version ← current latest, latest ← TAG, redeploy, wait."""
    ctx.confirm(f"run {tag} on {ctx.names.service}")
    result = releases.release(ctx, tag, wait=not no_wait)
    ctx.emit([result], title="Release")


COMMANDS = [release]
