"""Commands of the guide's section 緊急時の対応 / Emergency (rows 14–15)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from nba_tracker.ops import lifecycle
from nba_tracker.ops.core import OpsContext, ops_command
from nba_tracker.ops.emergency import rollback as releases

emergency_app = typer.Typer(
    help="Emergency stop of the whole environment, and its undo.", no_args_is_help=True
)

MWAA_STEP = 'cd infra/terraform/environments/{env} && terraform apply -var="enable_mwaa=false"'


def _target(ctx: OpsContext) -> lifecycle.Target:
    n = ctx.names
    parameter = (
        n.scheduler_state_parameter
        if lifecycle.parameter_exists(ctx.client("ssm"), n.scheduler_state_parameter)
        else n.emergency_state_parameter
    )
    return lifecycle.Target(n.cluster, n.service, n.db_cluster, parameter)


def _clients(ctx: OpsContext) -> dict[str, Any]:
    return {s: ctx.client(s) for s in ("ecs", "rds", "ssm", "application-autoscaling")}


def _plan(ctx: OpsContext, action: str) -> list[dict[str, str]]:
    n = ctx.names
    verb = "to 0 (remember desired count and autoscaling bounds)" if action == "stop" else "back"
    return [
        {"resource": f"ecs:{n.service}", "result": "planned", "detail": f"scale {verb}"},
        {"resource": f"rds:{n.db_cluster}", "result": "planned", "detail": f"{action} cluster"},
        {
            "resource": "scheduled start",
            "result": "planned",
            "detail": "hold" if action == "stop" else "lift the hold",
        },
    ]


def _finish(ctx: OpsContext, results: list[dict[str, str]], title: str) -> None:
    ctx.emit(results, columns=["resource", "result", "detail"], title=title)
    if any(r["result"] == lifecycle.Outcome.ERROR for r in results):
        raise typer.Exit(1)


@emergency_app.command("stop")
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
        target = _target(ctx)
        steps = lifecycle.stop(_clients(ctx), target)
        when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%MZ")
        steps.append(
            lifecycle.set_hold(ctx.client("ssm"), target.state_parameter, f"emergency stop {when}")
        )
        results = [r.as_dict() for r in steps]
    if delete_mwaa:
        ctx.confirm(f"delete the MWAA environment {ctx.names.mwaa_env}")
        ctx.change("mwaa", "delete_environment", Name=ctx.names.mwaa_env)
        results.append(
            {
                "resource": f"mwaa:{ctx.names.mwaa_env}",
                "result": lifecycle.Outcome.CHANGED,
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


@emergency_app.command("start")
@ops_command(changes_aws=True)
def start(ctx: OpsContext) -> None:
    """Undo ``stop``: Aurora started, ECS back to its remembered count and bounds."""
    if ctx.dry_run:
        results = _plan(ctx, "start")
    else:
        target = _target(ctx)
        lifted = lifecycle.clear_hold(ctx.client("ssm"), target.state_parameter)
        results = [r.as_dict() for r in lifecycle.start(_clients(ctx), target)]
        if lifted is not None:
            results.append(lifted.as_dict())
    results.append(
        {
            "resource": f"mwaa:{ctx.names.mwaa_env}",
            "result": "manual",
            "detail": 'terraform apply -var="enable_mwaa=true" if it was disabled',
        }
    )
    _finish(ctx, results, "Emergency start")


NoWait = Annotated[
    bool, typer.Option("--no-wait", help="Do not wait for the service to be stable.")
]


@ops_command(changes_aws=True)
def rollback(
    ctx: OpsContext,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Tag to roll back to (default previous-version, else the image pushed "
            "before latest).",
        ),
    ] = None,
    no_wait: NoWait = False,
) -> None:
    """Put the previous image back as latest (ECR API, no docker), redeploy, wait."""
    ctx.confirm(f"roll {ctx.names.service} back to {to or releases.PREVIOUS}")
    result = releases.rollback(ctx, to, wait=not no_wait)
    ctx.emit([result], title="Rollback")


@ops_command(changes_aws=True)
def release(
    ctx: OpsContext,
    tag: Annotated[str, typer.Argument(help="Image tag to run.")],
    no_wait: NoWait = False,
) -> None:
    """Run TAG: previous-version ← current latest, latest ← TAG, redeploy, wait."""
    ctx.confirm(f"run {tag} on {ctx.names.service}")
    result = releases.release(ctx, tag, wait=not no_wait)
    ctx.emit([result], title="Release")


# Registered by nba_tracker.ops.cli under these names.
GROUPS: dict[str, typer.Typer] = {"emergency": emergency_app}
COMMANDS: list[Callable[..., object]] = [rollback, release]
