"""Commands of the guide's section バックアップとリストア / Backup and restore (rows 6–8)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from nba_tracker.ops.backup import app_config
from nba_tracker.ops.backup import aws as backup
from nba_tracker.ops.core import OpsContext, err_console, ops_command

db_app = typer.Typer(help="Aurora cluster snapshots and restore.", no_args_is_help=True)
snapshot_app = typer.Typer(
    help="Manual snapshots of the environment's cluster.", no_args_is_help=True
)
db_app.add_typer(snapshot_app, name="snapshot")

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


@db_app.command("restore")
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


config_app = typer.Typer(
    help="Back up and restore the DB secret and SSM parameters (values never printed).",
    no_args_is_help=True,
)

COLUMNS = ["kind", "name", "type", "action"]


@config_app.command("export")
@ops_command()
def export(
    ctx: OpsContext,
    file: Annotated[Path, typer.Argument(help="JSON file to create (mode 0600).")],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write the secret and every parameter under /<project>/<env> to FILE, readable by you only."""
    with ctx.status(f"exporting the config of {ctx.names.env}"):
        rows = app_config.export_config(ctx, file, force=force)
    ctx.emit(rows, columns=COLUMNS[:3], title=f"Exported to {file} (mode 0600)")


@config_app.command("import")
@ops_command(changes_aws=True)
def import_(
    ctx: OpsContext,
    file: Annotated[Path, typer.Argument(help="A file written by `ops config export`.")],
) -> None:
    """Put the secret and parameters of FILE back; unchanged values are left alone."""
    doc = app_config.load_export(ctx, file)
    if not app_config.is_private(file):
        err_console.print(f"[yellow]warning:[/] {file} is readable by other users; chmod 600 it")
    steps = app_config.plan_import(ctx, doc)
    rows = app_config.apply_import(ctx, steps)
    ctx.emit(rows, columns=COLUMNS, title=f"Config of {ctx.names.env}")


# Registered by nba_tracker.ops.cli under these names.
GROUPS: dict[str, typer.Typer] = {"db": db_app, "config": config_app}
COMMANDS: list[Callable[..., object]] = []
