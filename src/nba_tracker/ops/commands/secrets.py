"""``ops secrets rotate``: start rotation of the database password secret."""

from __future__ import annotations

import typer

from nba_tracker.ops import security
from nba_tracker.ops.core import OpsContext, ops_command

NAME = "secrets"
app = typer.Typer(help="Secrets Manager.", no_args_is_help=True)


@app.command("rotate")
@ops_command(changes_aws=True)
def rotate(ctx: OpsContext) -> None:
    """Rotate the DB password secret; refuses when it has no rotation configured."""
    ctx.confirm(f"rotate {ctx.names.db_secret}")
    ctx.emit([security.rotate_db_secret(ctx)], title="Secret rotation")
