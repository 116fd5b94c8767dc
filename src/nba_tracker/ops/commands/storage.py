"""``ops storage lifecycle apply``: the logs bucket's lifecycle from the repo's definition."""

from __future__ import annotations

import typer

from nba_tracker.ops.core import OpsContext, ops_command
from nba_tracker.ops.storage import apply_lifecycle

NAME = "storage"
app = typer.Typer(help="S3 storage of the environment.", no_args_is_help=True)
lifecycle_app = typer.Typer(help="Lifecycle of the logs bucket.", no_args_is_help=True)
app.add_typer(lifecycle_app, name="lifecycle")


@lifecycle_app.command("apply")
@ops_command(changes_aws=True)
def apply(ctx: OpsContext) -> None:
    """Put infra/storage/logs-lifecycle.json on the logs bucket (what Terraform applies)."""
    rows = apply_lifecycle(ctx)
    ctx.emit(rows, title=f"Lifecycle of s3://{ctx.names.logs_bucket}")
