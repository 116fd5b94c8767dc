"""``ops rollback [--to TAG]`` and ``ops rollback release TAG``."""

from __future__ import annotations

from typing import Annotated

import typer

from nba_tracker.ops import release as releases
from nba_tracker.ops.core import OpsContext, ops_command

NAME = "rollback"
app = typer.Typer(
    help="Put the previous image back as latest (ECR API, no docker) and redeploy.",
    invoke_without_command=True,
)

NoWait = Annotated[
    bool, typer.Option("--no-wait", help="Do not wait for the service to be stable.")
]


@app.callback()
@ops_command(changes_aws=True)
def rollback(
    ctx: OpsContext,
    command: typer.Context,
    to: Annotated[
        str | None, typer.Option("--to", help="Tag to roll back to (default previous-version).")
    ] = None,
    no_wait: NoWait = False,
) -> None:
    """Roll back: ``latest`` ← ``--to`` (default ``previous-version``), then redeploy."""
    if command.invoked_subcommand:
        return
    ctx.confirm(f"roll {ctx.names.service} back to {to or releases.PREVIOUS}")
    result = releases.rollback(ctx, to, wait=not no_wait)
    ctx.emit([result], title="Rollback")


@app.command("release")
@ops_command(changes_aws=True)
def release(
    ctx: OpsContext,
    tag: Annotated[str, typer.Argument(help="Image tag to run.")],
    no_wait: NoWait = False,
) -> None:
    """Run TAG: ``previous-version`` ← current ``latest``, ``latest`` ← TAG, redeploy."""
    result = releases.release(ctx, tag, wait=not no_wait)
    ctx.emit([result], title="Release")
