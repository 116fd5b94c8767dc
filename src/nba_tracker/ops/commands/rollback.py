"""``ops rollback [--to TAG]``: the guide's rollback, as one command."""

from __future__ import annotations

from typing import Annotated

import typer

from nba_tracker.ops import rollback as releases
from nba_tracker.ops.core import OpsContext, ops_command

NoWait = Annotated[
    bool, typer.Option("--no-wait", help="Do not wait for the service to be stable.")
]


@ops_command(changes_aws=True)
def rollback(
    ctx: OpsContext,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Tag to roll back to (default previous-version, else the image pushed "
            "before latest).",
        ),
    ] = None,
    no_wait: NoWait = False,
) -> None:
    """Put the previous image back as latest (ECR API, no docker), redeploy, wait."""
    ctx.confirm(f"roll {ctx.names.service} back to {to or releases.PREVIOUS}")
    result = releases.rollback(ctx, to, wait=not no_wait)
    ctx.emit([result], title="Rollback")


COMMANDS = [rollback]
