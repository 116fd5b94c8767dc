"""Scaling (guide: スケーリング): ECS desired count, ECS autoscaling, Aurora Serverless v2 ACUs.

Every limit is checked before a client exists; lowering capacity asks first.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from nba_tracker.ops.core import InvalidInput, OpsContext, OpsError

# The guide runs 1–10 tasks; far above that is more likely a typo than a plan.
MAX_TASKS = 100

# Aurora Serverless v2: half-ACU steps, max 256 (128 on older engine versions, checked
# against the engine when AWS reports it), max at least 1. A min of 0 means auto-pause,
# which only some engine versions support; that too is checked against the engine.
ACU_STEP = 0.5
ACU_MIN = 0.5
ACU_MAX = 256.0
ACU_MAX_FLOOR = 1.0
AUTO_PAUSE_SECONDS = (300, 86_400)

ECS_DIMENSION = "ecs:service:DesiredCount"
CPU_METRIC = "ECSServiceAverageCPUUtilization"


def check_count(count: int, option: str = "--count") -> int:
    if count < 0 or count > MAX_TASKS:
        raise InvalidInput(f"{option} {count} is out of range 0–{MAX_TASKS}")
    return count


def check_autoscaling(min_tasks: int, max_tasks: int, cpu_target: float) -> None:
    check_count(min_tasks, "--min")
    check_count(max_tasks, "--max")
    if max_tasks < 1:
        raise InvalidInput("--max must be at least 1")
    if min_tasks > max_tasks:
        raise InvalidInput(f"--min {min_tasks} is greater than --max {max_tasks}")
    if not 1 <= cpu_target <= 100:
        raise InvalidInput(f"--cpu-target {cpu_target:g} must be a CPU percentage, 1–100")


def _half_steps(value: float, option: str) -> None:
    if (value / ACU_STEP) != int(value / ACU_STEP):
        raise InvalidInput(f"{option} {value:g} is not a multiple of {ACU_STEP} ACU")


def check_acu(min_acu: float, max_acu: float, pause_after_seconds: int | None = None) -> None:
    _half_steps(min_acu, "--min-acu")
    _half_steps(max_acu, "--max-acu")
    if min_acu != 0 and not ACU_MIN <= min_acu <= ACU_MAX:
        raise InvalidInput(
            f"--min-acu {min_acu:g} must be 0 (auto-pause) or between {ACU_MIN:g} and {ACU_MAX:g}"
        )
    if not ACU_MAX_FLOOR <= max_acu <= ACU_MAX:
        raise InvalidInput(
            f"--max-acu {max_acu:g} must be between {ACU_MAX_FLOOR:g} and {ACU_MAX:g}"
        )
    if min_acu > max_acu:
        raise InvalidInput(f"--min-acu {min_acu:g} is greater than --max-acu {max_acu:g}")
    if pause_after_seconds is not None:
        if min_acu != 0:
            raise InvalidInput("--pause-after only applies with --min-acu 0")
        low, high = AUTO_PAUSE_SECONDS
        if not low <= pause_after_seconds <= high:
            raise InvalidInput(f"--pause-after must be between {low // 60}m and {high // 3600}h")


def _service(ctx: OpsContext) -> dict[str, Any]:
    found = ctx.client("ecs").describe_services(
        cluster=ctx.names.cluster, services=[ctx.names.service]
    )
    services = [s for s in found.get("services", []) if s.get("status") != "INACTIVE"]
    if not services:
        raise OpsError(f"ECS service {ctx.names.service} not found in cluster {ctx.names.cluster}")
    return dict(services[0])


def _scalable_target(ctx: OpsContext) -> dict[str, Any] | None:
    found = ctx.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="ecs",
        ResourceIds=[ctx.names.autoscaling_resource_id],
        ScalableDimension=ECS_DIMENSION,
    )
    targets = found.get("ScalableTargets", [])
    return dict(targets[0]) if targets else None


def scale_service(ctx: OpsContext, count: int, *, wait: bool = False) -> dict[str, Any]:
    check_count(count)
    service = _service(ctx)
    previous = int(service.get("desiredCount", 0))
    note = ""
    target = _scalable_target(ctx)
    if target and not target["MinCapacity"] <= count <= target["MaxCapacity"]:
        note = (
            f"autoscaling keeps {target['MinCapacity']}–{target['MaxCapacity']} tasks and will "
            "move this back; change it with `ops scale autoscaling`"
        )
    row = {"service": ctx.names.service, "previous": previous, "desired": count, "note": note}
    if count == previous:
        return {**row, "action": "unchanged"}
    if count < previous:
        ctx.confirm(f"scale {ctx.names.service} down from {previous} to {count} tasks")
    ctx.change(
        "ecs",
        "update_service",
        cluster=ctx.names.cluster,
        service=ctx.names.service,
        desiredCount=count,
    )
    if ctx.dry_run:
        return {**row, "action": "would update"}
    if wait:
        ctx.wait(
            "ecs",
            "services_stable",
            f"waiting for {ctx.names.service} to run {count} task(s)",
            cluster=ctx.names.cluster,
            services=[ctx.names.service],
            delay=15,
            max_attempts=80,
        )
    return {**row, "running": _service(ctx).get("runningCount"), "action": "updated"}


def set_autoscaling(
    ctx: OpsContext, min_tasks: int, max_tasks: int, cpu_target: float
) -> dict[str, Any]:
    """Register the service as a scalable target and track average CPU."""
    check_autoscaling(min_tasks, max_tasks, cpu_target)
    service = _service(ctx)
    desired = int(service.get("desiredCount", 0))
    previous = _scalable_target(ctx)
    if desired > max_tasks:
        ctx.confirm(f"let autoscaling cut {ctx.names.service} from {desired} to {max_tasks} tasks")
    resource = {
        "ServiceNamespace": "ecs",
        "ResourceId": ctx.names.autoscaling_resource_id,
        "ScalableDimension": ECS_DIMENSION,
    }
    ctx.change(
        "application-autoscaling",
        "register_scalable_target",
        **resource,
        MinCapacity=min_tasks,
        MaxCapacity=max_tasks,
    )
    ctx.change(
        "application-autoscaling",
        "put_scaling_policy",
        **resource,
        PolicyName=ctx.names.ecs_scaling_policy,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": float(cpu_target),
            "PredefinedMetricSpecification": {"PredefinedMetricType": CPU_METRIC},
        },
    )
    return {
        "service": ctx.names.service,
        "previous": f"{previous['MinCapacity']}–{previous['MaxCapacity']}" if previous else "none",
        "tasks": f"{min_tasks}–{max_tasks}",
        "cpu_target": f"{cpu_target:g}%",
        "policy": ctx.names.ecs_scaling_policy,
        "action": "would set" if ctx.dry_run else "set",
    }


def _engine_limits(ctx: OpsContext, cluster: dict[str, Any]) -> dict[str, Any]:
    """Serverless v2 limits AWS reports for the cluster's engine version ({} if unknown).

    Only a clearer message: when AWS cannot say, modify_db_cluster still rejects what the
    engine does not support.
    """
    try:
        versions = ctx.client("rds").describe_db_engine_versions(
            Engine=cluster["Engine"], EngineVersion=cluster["EngineVersion"]
        )
    except (ClientError, BotoCoreError, ResponseParserError):
        return {}
    for version in versions.get("DBEngineVersions", []):
        support = version.get("ServerlessV2FeaturesSupport")
        if support:
            return dict(support)
    return {}


def scale_database(
    ctx: OpsContext, min_acu: float, max_acu: float, pause_after_seconds: int | None = None
) -> dict[str, Any]:
    check_acu(min_acu, max_acu, pause_after_seconds)
    found = ctx.client("rds").describe_db_clusters(DBClusterIdentifier=ctx.names.db_cluster)
    cluster = found["DBClusters"][0]
    current = cluster.get("ServerlessV2ScalingConfiguration") or {}
    # Older engine versions stop at 128 ACU and cannot pause; ask only when it matters.
    needs_check = min_acu == 0 or max_acu > 128
    limits = _engine_limits(ctx, cluster) if needs_check else {}
    version = f"{cluster['Engine']} {cluster['EngineVersion']}"
    if min_acu == 0 and limits.get("MinCapacity", 0) > 0:
        raise OpsError(
            f"{version} does not support auto-pause; the lowest --min-acu is {limits['MinCapacity']:g}"
        )
    if limits.get("MaxCapacity") and max_acu > limits["MaxCapacity"]:
        raise OpsError(f"{version} allows at most {limits['MaxCapacity']:g} ACU")
    wanted: dict[str, Any] = {"MinCapacity": min_acu, "MaxCapacity": max_acu}
    if pause_after_seconds is not None:
        wanted["SecondsUntilAutoPause"] = pause_after_seconds
    row = {
        "cluster": ctx.names.db_cluster,
        "previous": _acu_range(current),
        "acu": _acu_range(wanted),
    }
    if all(current.get(k) == v for k, v in wanted.items()):
        return {**row, "action": "unchanged"}
    if max_acu < current.get("MaxCapacity", 0) or min_acu < current.get("MinCapacity", 0):
        ctx.confirm(f"lower {ctx.names.db_cluster} capacity to {_acu_range(wanted)}")
    ctx.change(
        "rds",
        "modify_db_cluster",
        DBClusterIdentifier=ctx.names.db_cluster,
        ServerlessV2ScalingConfiguration=wanted,
        ApplyImmediately=True,
    )
    return {**row, "action": "would modify" if ctx.dry_run else "modified"}


def _acu_range(config: dict[str, Any]) -> str:
    if "MinCapacity" not in config:
        return "not serverless v2"
    text = f"{config['MinCapacity']:g}–{config['MaxCapacity']:g} ACU"
    if config.get("MinCapacity") == 0 and config.get("SecondsUntilAutoPause"):
        text += f", pause after {config['SecondsUntilAutoPause']}s"
    return text
