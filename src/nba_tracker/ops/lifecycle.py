"""Stop and start the environment: the ECS service (desired count and autoscaling bounds)
and the Aurora cluster. Shared by the scheduled Lambda and ``ops emergency``; boto3 only,
so the Lambda can be zipped with nothing else.

Every step checks the current state first and returns what it did, so running stop or
start twice does no harm.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from botocore.exceptions import ClientError

from nba_tracker.aws_errors import error_code, error_message

HOLD = "hold"


class Outcome(StrEnum):
    """What one stop or start step did (instance-scheduler's three results)."""

    CHANGED = "changed"
    NO_ACTION = "no_action"  # already in the wanted state: running twice does no harm
    ERROR = "error"  # AWS refused, or the resource is missing or busy


@dataclass(frozen=True)
class StepResult:
    resource: str
    result: Outcome
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {k: str(v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class Target:
    cluster: str
    service: str
    db_cluster: str
    state_parameter: str

    @property
    def scalable_resource(self) -> str:
        return f"service/{self.cluster}/{self.service}"


def _read_state(ssm: Any, name: str) -> tuple[dict[str, Any], bool]:
    """The saved state and whether the parameter exists at all."""
    try:
        value = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    except ClientError as exc:
        if error_code(exc) == "ParameterNotFound":
            return {}, False
        raise
    try:
        state = json.loads(value or "{}")
    except json.JSONDecodeError:
        state = {}
    return (state if isinstance(state, dict) else {}), True


def _write_state(ssm: Any, name: str, state: dict[str, Any], exists: bool) -> None:
    if exists:
        # Terraform creates the parameter as a SecureString under its own key: overwrite
        # the value only, keeping the type and key it was given.
        ssm.put_parameter(Name=name, Value=json.dumps(state), Overwrite=True)
    else:
        ssm.put_parameter(Name=name, Value=json.dumps(state), Type="String", Overwrite=True)


def set_hold(ssm: Any, parameter: str, reason: str) -> StepResult:
    """Make scheduled starts keep their hands off (an emergency stop must survive 08:00)."""
    state, exists = _read_state(ssm, parameter)
    if state.get(HOLD):
        return StepResult(
            f"ssm:{parameter}", Outcome.NO_ACTION, f"start already held: {state[HOLD]}"
        )
    _write_state(ssm, parameter, {**state, HOLD: reason}, exists)
    return StepResult(f"ssm:{parameter}", Outcome.CHANGED, f"scheduled start held: {reason}")


def parameter_exists(ssm: Any, parameter: str) -> bool:
    return _read_state(ssm, parameter)[1]


def clear_hold(ssm: Any, parameter: str) -> StepResult | None:
    """Lift a hold; ``None`` when there was none."""
    state, exists = _read_state(ssm, parameter)
    if not exists or HOLD not in state:
        return None
    del state[HOLD]
    _write_state(ssm, parameter, state, exists)
    return StepResult(f"ssm:{parameter}", Outcome.CHANGED, "scheduled start no longer held")


def _scalable_target(autoscaling: Any, target: Target) -> dict[str, Any] | None:
    found = autoscaling.describe_scalable_targets(
        ServiceNamespace="ecs",
        ResourceIds=[target.scalable_resource],
        ScalableDimension="ecs:service:DesiredCount",
    ).get("ScalableTargets", [])
    return found[0] if found else None


def stop_service(ecs: Any, autoscaling: Any, ssm: Any, target: Target) -> StepResult:
    service = ecs.describe_services(cluster=target.cluster, services=[target.service])["services"]
    if not service:
        return StepResult(f"ecs:{target.service}", Outcome.ERROR, "service not found")
    desired = int(service[0]["desiredCount"])
    scalable = _scalable_target(autoscaling, target)
    if desired == 0 and (scalable is None or scalable["MinCapacity"] == 0):
        return StepResult(f"ecs:{target.service}", Outcome.NO_ACTION, "already stopped (desired 0)")
    state, exists = _read_state(ssm, target.state_parameter)
    state["ecs"] = {"desired": desired}
    if scalable is not None:
        state["ecs"]["min"] = scalable["MinCapacity"]
        state["ecs"]["max"] = scalable["MaxCapacity"]
        # Autoscaling would bring the service back to its minimum: the minimum goes to 0 too.
        autoscaling.register_scalable_target(
            ServiceNamespace="ecs",
            ResourceId=target.scalable_resource,
            ScalableDimension="ecs:service:DesiredCount",
            MinCapacity=0,
            MaxCapacity=scalable["MaxCapacity"],
        )
    _write_state(ssm, target.state_parameter, state, exists)
    ecs.update_service(cluster=target.cluster, service=target.service, desiredCount=0)
    bounds = f", autoscaling min {scalable['MinCapacity']} → 0" if scalable is not None else ""
    return StepResult(f"ecs:{target.service}", Outcome.CHANGED, f"desired {desired} → 0{bounds}")


def start_service(ecs: Any, autoscaling: Any, ssm: Any, target: Target) -> StepResult:
    service = ecs.describe_services(cluster=target.cluster, services=[target.service])["services"]
    if not service:
        return StepResult(f"ecs:{target.service}", Outcome.ERROR, "service not found")
    saved = _read_state(ssm, target.state_parameter)[0].get("ecs") or {}
    desired_now = int(service[0]["desiredCount"])
    desired = int(saved.get("desired", max(desired_now, 1)))
    if "min" in saved:
        autoscaling.register_scalable_target(
            ServiceNamespace="ecs",
            ResourceId=target.scalable_resource,
            ScalableDimension="ecs:service:DesiredCount",
            MinCapacity=int(saved["min"]),
            MaxCapacity=int(saved["max"]),
        )
    if desired_now == desired:
        return StepResult(
            f"ecs:{target.service}", Outcome.NO_ACTION, f"already running ({desired})"
        )
    ecs.update_service(cluster=target.cluster, service=target.service, desiredCount=desired)
    return StepResult(
        f"ecs:{target.service}", Outcome.CHANGED, f"desired {desired_now} → {desired}"
    )


def stop_database(rds: Any, target: Target) -> StepResult:
    return _move_database(target, "stop", rds.stop_db_cluster, rds)


def start_database(rds: Any, target: Target) -> StepResult:
    return _move_database(target, "start", rds.start_db_cluster, rds)


# verb → (the state it moves the cluster from, the states where it is done, the state
# the cluster is in once asked)
_DATABASE_MOVES = {
    "stop": ("available", {"stopped", "stopping"}, "stopping"),
    "start": ("stopped", {"available", "starting"}, "starting"),
}


def _move_database(target: Target, verb: str, move: Any, rds: Any) -> StepResult:
    resource = f"rds:{target.db_cluster}"
    movable, done, moving = _DATABASE_MOVES[verb]
    clusters = rds.describe_db_clusters(DBClusterIdentifier=target.db_cluster)["DBClusters"]
    status = clusters[0]["Status"]
    if status in done:
        return StepResult(resource, Outcome.NO_ACTION, f"already {status}")
    if status != movable:
        return StepResult(resource, Outcome.ERROR, f"cannot {verb} while {status}")
    move(DBClusterIdentifier=target.db_cluster)
    return StepResult(resource, Outcome.CHANGED, moving)


def _guarded(step: Any, resource: str, *args: Any) -> StepResult:
    try:
        return step(*args)
    except ClientError as exc:
        return StepResult(resource, Outcome.ERROR, f"{error_code(exc)}: {error_message(exc)}")


def stop(clients: dict[str, Any], target: Target) -> list[StepResult]:
    """The service first (it would fail without its database), then the database."""
    return [
        _guarded(
            stop_service,
            f"ecs:{target.service}",
            clients["ecs"],
            clients["application-autoscaling"],
            clients["ssm"],
            target,
        ),
        _guarded(stop_database, f"rds:{target.db_cluster}", clients["rds"], target),
    ]


def start(clients: dict[str, Any], target: Target) -> list[StepResult]:
    """The database first, then the service that needs it; nothing while a hold is set."""
    try:
        held = _read_state(clients["ssm"], target.state_parameter)[0].get(HOLD)
    except ClientError:
        held = None  # an unreadable state must not block a start; start_service reports it
    if held:
        detail = f"held: {held} (lift it with nba-tracker ops emergency start)"
        return [
            StepResult(f"rds:{target.db_cluster}", Outcome.NO_ACTION, detail),
            StepResult(f"ecs:{target.service}", Outcome.NO_ACTION, detail),
        ]
    return [
        _guarded(start_database, f"rds:{target.db_cluster}", clients["rds"], target),
        _guarded(
            start_service,
            f"ecs:{target.service}",
            clients["ecs"],
            clients["application-autoscaling"],
            clients["ssm"],
            target,
        ),
    ]
