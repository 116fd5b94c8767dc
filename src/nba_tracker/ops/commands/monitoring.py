"""``ops monitoring``: the dashboard and alarms of the shared monitoring definition."""

from __future__ import annotations

from typing import Annotated

import typer

from nba_tracker.ops import monitoring
from nba_tracker.ops.core import OpsContext, ops_command

MwaaOpt = Annotated[
    bool | None,
    typer.Option(
        "--mwaa/--no-mwaa",
        help="Include the MWAA widgets and alarms (default: if the environment exists).",
        show_default=False,
    ),
]

NAME = "monitoring"
app = typer.Typer(
    help="CloudWatch dashboard and alarms from infra/monitoring/monitoring.json.",
    no_args_is_help=True,
)


@app.command("deploy")
@ops_command(changes_aws=True)
def deploy(ctx: OpsContext, mwaa: MwaaOpt = None) -> None:
    """Put the dashboard, metric filters and alarms (alarm actions go to the alerts topic)."""
    with ctx.status("putting the dashboard and alarms"):
        rows = monitoring.deploy(ctx, mwaa)
    ctx.emit(rows, columns=["kind", "name", "action"], title=f"Monitoring for {ctx.names.env}")


@app.command("status")
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
