"""Commands of the guide's section スケーリング / Scaling (rows 9–10)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from nba_tracker.ops.core import OpsContext, ops_command
from nba_tracker.ops.logs.aws import parse_duration
from nba_tracker.ops.scaling import aws as scaling

scale_app = typer.Typer(help="Scale the service and the database.", no_args_is_help=True)


@scale_app.command("ecs")
@ops_command(changes_aws=True)
def ecs(
    ctx: OpsContext,
    count: Annotated[int, typer.Option("--count", help=f"Desired tasks, 0–{scaling.MAX_TASKS}.")],
    wait: Annotated[bool, typer.Option("--wait", help="Wait until the service is stable.")] = False,
) -> None:
    """Set the service's desired task count (asks before scaling down)."""
    row = scaling.scale_service(ctx, count, wait=wait)
    ctx.emit([row], title=ctx.names.service)


@scale_app.command("autoscaling")
@ops_command(changes_aws=True)
def autoscaling(
    ctx: OpsContext,
    min_tasks: Annotated[int, typer.Option("--min", help="Fewest tasks.")] = 1,
    max_tasks: Annotated[int, typer.Option("--max", help="Most tasks.")] = 10,
    cpu_target: Annotated[
        float, typer.Option("--cpu-target", help="Average CPU % to hold.")
    ] = 70.0,
) -> None:
    """Register the service for autoscaling and track average CPU (guide: 1–10 tasks, 70 %)."""
    row = scaling.set_autoscaling(ctx, min_tasks, max_tasks, cpu_target)
    ctx.emit([row], title=ctx.names.service)


@scale_app.command("db")
@ops_command(changes_aws=True)
def db(
    ctx: OpsContext,
    min_acu: Annotated[float, typer.Option("--min-acu", help="0 (auto-pause) or 0.5–256.")] = 0.5,
    max_acu: Annotated[float, typer.Option("--max-acu", help="1–256.")] = 2.0,
    pause_after: Annotated[
        str | None,
        typer.Option("--pause-after", help="With --min-acu 0: idle time before pausing, 5m–24h."),
    ] = None,
) -> None:
    """Set the Aurora Serverless v2 capacity range (applied immediately)."""
    seconds = (
        int(parse_duration(pause_after, "--pause-after").total_seconds()) if pause_after else None
    )
    row = scaling.scale_database(ctx, min_acu, max_acu, seconds)
    ctx.emit([row], title=ctx.names.db_cluster)


# Registered by nba_tracker.ops.cli under these names.
GROUPS: dict[str, typer.Typer] = {"scale": scale_app}
COMMANDS: list[Callable[..., object]] = []
