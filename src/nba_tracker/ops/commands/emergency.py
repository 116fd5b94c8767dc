"""``ops emergency stop|start``: the guide's emergency stop, and its exact undo.

The ECS service goes to 0 (its desired count and autoscaling bounds remembered in SSM),
the Aurora cluster stops, and MWAA is disabled the Terraform way (or deleted with
``--delete-mwaa``). ``start`` puts back exactly what ``stop`` saw. Either twice is harmless.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from nba_tracker.ops import lifecycle
from nba_tracker.ops.core import OpsContext, ops_command

NAME = "emergency"
app = typer.Typer(
    help="Emergency stop of the whole environment, and its undo.", no_args_is_help=True
)

MWAA_STEP = 'cd infra/terraform/environments/{env} && terraform apply -var="enable_mwaa=false"'


def _target(ctx: OpsContext) -> lifecycle.Target:
    n = ctx.names
    return lifecycle.Target(n.cluster, n.service, n.db_cluster, n.emergency_state_parameter)


def _clients(ctx: OpsContext) -> dict[str, Any]:
    return {s: ctx.client(s) for s in ("ecs", "rds", "ssm", "application-autoscaling")}


def _plan(ctx: OpsContext, action: str) -> list[dict[str, str]]:
    n = ctx.names
    verb = "to 0 (remember desired count and autoscaling bounds)" if action == "stop" else "back"
    return [
        {"resource": f"ecs:{n.service}", "result": "planned", "detail": f"scale {verb}"},
        {"resource": f"rds:{n.db_cluster}", "result": "planned", "detail": f"{action} cluster"},
    ]


def _finish(ctx: OpsContext, results: list[dict[str, str]], title: str) -> None:
    ctx.emit(results, columns=["resource", "result", "detail"], title=title)
    if any(r["result"] == "error" for r in results):
        raise typer.Exit(1)


@app.command("stop")
@ops_command(changes_aws=True)
def stop(
    ctx: OpsContext,
    delete_mwaa: Annotated[
        bool,
        typer.Option(
            "--delete-mwaa",
            help="Delete the MWAA environment instead of printing the Terraform step.",
        ),
    ] = False,
) -> None:
    """ECS to 0, Aurora stopped, MWAA disabled."""
    ctx.confirm(f"stop {ctx.names.prefix} (ECS to 0, Aurora stopped)")
    if ctx.dry_run:
        results = _plan(ctx, "stop")
    else:
        results = [r.as_dict() for r in lifecycle.stop(_clients(ctx), _target(ctx))]
    if delete_mwaa:
        ctx.confirm(f"delete the MWAA environment {ctx.names.mwaa_env}")
        ctx.change("mwaa", "delete_environment", Name=ctx.names.mwaa_env)
        results.append(
            {
                "resource": f"mwaa:{ctx.names.mwaa_env}",
                "result": "changed",
                "detail": "deleting (Terraform recreates it with enable_mwaa=true)",
            }
        )
    else:
        results.append(
            {
                "resource": f"mwaa:{ctx.names.mwaa_env}",
                "result": "manual",
                "detail": MWAA_STEP.format(env=ctx.names.env),
            }
        )
    _finish(ctx, results, "Emergency stop")


@app.command("start")
@ops_command(changes_aws=True)
def start(ctx: OpsContext) -> None:
    """Undo ``stop``: Aurora started, ECS back to its remembered count and bounds."""
    if ctx.dry_run:
        results = _plan(ctx, "start")
    else:
        results = [r.as_dict() for r in lifecycle.start(_clients(ctx), _target(ctx))]
    results.append(
        {
            "resource": f"mwaa:{ctx.names.mwaa_env}",
            "result": "manual",
            "detail": 'terraform apply -var="enable_mwaa=true" if it was disabled',
        }
    )
    _finish(ctx, results, "Emergency start")
