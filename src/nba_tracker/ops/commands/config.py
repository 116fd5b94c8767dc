"""``ops config``: export and import the app's secret and SSM parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nba_tracker.ops import app_config
from nba_tracker.ops.core import OpsContext, err_console, ops_command

NAME = "config"
app = typer.Typer(
    help="Back up and restore the DB secret and SSM parameters (values never printed).",
    no_args_is_help=True,
)

COLUMNS = ["kind", "name", "type", "action"]


@app.command("export")
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


@app.command("import")
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
