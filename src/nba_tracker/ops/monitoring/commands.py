"""Commands of the guide's section 監視とアラート / Monitoring and alerts (guide rows 1–3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from nba_tracker.ops.core import OpsContext, ops_command
from nba_tracker.ops.monitoring import aws as monitoring

MwaaOpt = Annotated[
    bool | None,
    typer.Option(
        "--mwaa/--no-mwaa",
        help="Include the MWAA widgets and alarms (default: if the environment exists).",
        show_default=False,
    ),
]

monitoring_app = typer.Typer(
    help="CloudWatch dashboard and alarms from infra/monitoring/monitoring.json.",
    no_args_is_help=True,
)


@monitoring_app.command("deploy")
@ops_command(changes_aws=True)
def deploy(ctx: OpsContext, mwaa: MwaaOpt = None) -> None:
    """Put the dashboard, metric filters and alarms (alarm actions go to the alerts topic)."""
    with ctx.status("putting the dashboard and alarms"):
        rows = monitoring.deploy(ctx, mwaa)
    ctx.emit(rows, columns=["kind", "name", "action"], title=f"Monitoring for {ctx.names.env}")


@monitoring_app.command("status")
@ops_command()
def status(ctx: OpsContext, mwaa: MwaaOpt = None) -> None:
    """Every alarm of the definition and its state (NOT DEPLOYED if it is missing)."""
    rows = monitoring.alarm_states(ctx, mwaa)
    firing = sum(1 for r in rows if r["state"] == "ALARM")
    missing = sum(1 for r in rows if r["state"] == "NOT DEPLOYED")
    ctx.emit(
        rows,
        columns=["alarm", "state", "since", "reason"],
        title=f"Alarms for {ctx.names.env}",
        extra={"in_alarm": firing, "not_deployed": missing},
    )


alerts_app = typer.Typer(help="Subscribers of the SNS alerts topic.", no_args_is_help=True)


@alerts_app.command("subscribe")
@ops_command(changes_aws=True)
def subscribe(
    ctx: OpsContext,
    email: Annotated[str, typer.Option("--email", help="Address to notify.")],
) -> None:
    """Subscribe an e-mail address; AWS mails it a link that must be confirmed."""
    row = monitoring.subscribe_email(ctx, email)
    ctx.emit([row], columns=["endpoint", "status", "action"], title=ctx.names.sns_topic)


@alerts_app.command("list")
@ops_command()
def list_subscribers(ctx: OpsContext) -> None:
    """Subscriptions of the alerts topic and whether they are confirmed."""
    rows = monitoring.subscriptions(ctx)
    ctx.emit(rows, columns=["protocol", "endpoint", "status"], title=ctx.names.sns_topic)


# Registered by nba_tracker.ops.cli under these names.
GROUPS: dict[str, typer.Typer] = {"monitoring": monitoring_app, "alerts": alerts_app}
COMMANDS: list[Callable[..., object]] = []
