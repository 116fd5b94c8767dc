"""Commands of the guide's section メンテナンス作業 / Maintenance (rows 23–24)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from nba_tracker.ops.core import OpsContext, ops_command
from nba_tracker.ops.maintenance import aws as maintenance

maintenance_app = typer.Typer(
    help="The maintenance checklist and the database's maintenance window.", no_args_is_help=True
)
window_app = typer.Typer(help="Aurora's weekly maintenance window (UTC).", no_args_is_help=True)
maintenance_app.add_typer(window_app, name="window")


@maintenance_app.command("check")
@ops_command()
def check(ctx: OpsContext) -> None:
    """Verify the guide's checklist where it can be; exit 1 when an item fails."""
    rows = maintenance.checklist(ctx)
    ctx.emit(rows, columns=["item", "state", "detail"], title=f"Maintenance: {ctx.names.prefix}")
    if any(r["state"] == "fail" for r in rows):
        raise typer.Exit(1)


@window_app.command("set")
@ops_command(changes_aws=True)
def set_window(
    ctx: OpsContext,
    window: Annotated[
        str, typer.Argument(help="ddd:hh:mm-ddd:hh:mm in UTC, e.g. sun:15:00-sun:16:00")
    ],
) -> None:
    """Set the window (the guide's is sun:15:00-sun:16:00 UTC, Monday 00:00 JST)."""
    ctx.emit(
        [maintenance.set_window(ctx, maintenance.parse_window(window))], title="Maintenance window"
    )


# Registered by nba_tracker.ops.cli under these names.
GROUPS: dict[str, typer.Typer] = {"maintenance": maintenance_app}
COMMANDS: list[Callable[..., object]] = []
