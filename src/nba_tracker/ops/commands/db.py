"""``ops db``: Aurora snapshots and restore."""

from __future__ import annotations

from typing import Annotated

import typer

from nba_tracker.ops import backup
from nba_tracker.ops.core import OpsContext, ops_command

NAME = "db"
app = typer.Typer(help="Aurora cluster snapshots and restore.", no_args_is_help=True)
snapshot_app = typer.Typer(
    help="Manual snapshots of the environment's cluster.", no_args_is_help=True
)
app.add_typer(snapshot_app, name="snapshot")

SNAPSHOT_COLUMNS = ["snapshot", "type", "status", "created", "engine", "size_gb"]


@snapshot_app.command("create")
@ops_command(changes_aws=True)
def create(
    ctx: OpsContext,
    wait: Annotated[
        bool, typer.Option("--wait/--no-wait", help="Wait until it is available.")
    ] = True,
) -> None:
    """Take a manual snapshot named <project>-manual-YYYYmmddHHMMSS."""
    row = backup.create_snapshot(ctx, wait=wait)
    ctx.emit([row], columns=[c for c in SNAPSHOT_COLUMNS if c in row], title="Snapshot")


@snapshot_app.command("list")
@ops_command()
def list_snapshots(ctx: OpsContext) -> None:
    """Snapshots of the cluster, newest first."""
    ctx.emit(backup.list_snapshots(ctx), columns=SNAPSHOT_COLUMNS, title=ctx.names.db_cluster)


@app.command("restore")
@ops_command(changes_aws=True)
def restore(
    ctx: OpsContext,
    snapshot: Annotated[str, typer.Argument(help="Snapshot identifier (or shared snapshot ARN).")],
    as_name: Annotated[
        str | None,
        typer.Option("--as", help="New cluster name (default <project>-<env>-restored)."),
    ] = None,
    instance: Annotated[
        bool, typer.Option("--instance/--no-instance", help="Add a db.serverless instance.")
    ] = True,
) -> None:
    """Restore a snapshot as a NEW cluster, wait for it, and print its endpoint."""
    row = backup.restore(ctx, snapshot, as_name, with_instance=instance)
    ctx.emit(
        [row],
        columns=["cluster", "status", "endpoint", "port", "instance", "note"],
        title="Restore",
    )
