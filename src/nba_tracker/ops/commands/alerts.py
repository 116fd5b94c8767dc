"""``ops alerts``: who the alerts topic e-mails."""

from __future__ import annotations

from typing import Annotated

import typer

from nba_tracker.ops import monitoring
from nba_tracker.ops.core import OpsContext, ops_command

NAME = "alerts"
app = typer.Typer(help="Subscribers of the SNS alerts topic.", no_args_is_help=True)


@app.command("subscribe")
@ops_command(changes_aws=True)
def subscribe(
    ctx: OpsContext,
    email: Annotated[str, typer.Option("--email", help="Address to notify.")],
) -> None:
    """Subscribe an e-mail address; AWS mails it a link that must be confirmed."""
    row = monitoring.subscribe_email(ctx, email)
    ctx.emit([row], columns=["endpoint", "status", "action"], title=ctx.names.sns_topic)


@app.command("list")
@ops_command()
def list_subscribers(ctx: OpsContext) -> None:
    """Subscriptions of the alerts topic and whether they are confirmed."""
    rows = monitoring.subscriptions(ctx)
    ctx.emit(rows, columns=["protocol", "endpoint", "status"], title=ctx.names.sns_topic)
