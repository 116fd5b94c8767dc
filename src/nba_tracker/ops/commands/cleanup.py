"""``ops cleanup``: unused resources, listed by default, deleted with ``--apply --yes``."""

from __future__ import annotations

from typing import Annotated

import typer

from nba_tracker.ops.cleanup import cleanup as find_and_delete
from nba_tracker.ops.core import OpsContext, ops_command

NAME = "cleanup"
app = typer.Typer(
    help="Unattached EBS volumes, snapshots beyond 10, untagged images.",
    invoke_without_command=True,
)


@app.callback()
@ops_command(changes_aws=True)
def cleanup(
    ctx: OpsContext,
    apply: Annotated[
        bool, typer.Option("--apply", help="Delete them (default: only list).")
    ] = False,
    keep: Annotated[
        int, typer.Option("--keep", min=1, max=100, help="Manual snapshots to keep.")
    ] = 10,
) -> None:
    """List what is unused; with --apply (and --yes or a confirmation) delete it."""
    if not apply:
        ctx.dry_run = True
    else:
        ctx.confirm(f"delete unused resources of {ctx.names.prefix}")
    rows = find_and_delete(ctx, keep_snapshots=keep)
    title = "Deleted" if apply else "Unused (run with --apply --yes to delete)"
    ctx.emit(rows, columns=["kind", "name", "detail"], title=title)
