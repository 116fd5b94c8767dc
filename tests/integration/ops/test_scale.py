"""``ops scale``: ECS desired count, ECS autoscaling, Aurora Serverless v2 ACUs (guide rows 9–10)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.ops.conftest import Run

pytestmark = pytest.mark.aws


def desired(client: Any, names: Any) -> int:
    svc = client("ecs").describe_services(cluster=names.cluster, services=[names.service])
    return int(svc["services"][0]["desiredCount"])


def acu(client: Any, names: Any) -> dict[str, Any]:
    cluster = client("rds").describe_db_clusters(DBClusterIdentifier=names.db_cluster)
    return dict(cluster["DBClusters"][0]["ServerlessV2ScalingConfiguration"])


def test_scale_up_sets_the_desired_count(
    run: Run, client: Any, names: Any, ecs_service: Any
) -> None:
    result = run("scale", "ecs", "--count", "3", "--json")
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)["items"][0]
    assert (row["previous"], row["desired"], row["action"]) == (2, 3, "updated")
    assert desired(client, names) == 3


def test_scale_down_asks_first_and_refuses_without_a_terminal(
    run: Run, client: Any, names: Any, ecs_service: Any
) -> None:
    result = run("scale", "ecs", "--count", "0")
    assert result.exit_code == 3
    assert "--yes" in result.stderr
    assert desired(client, names) == 2
    assert run("scale", "ecs", "--count", "0", "--yes").exit_code == 0
    assert desired(client, names) == 0


def test_dry_run_prints_the_call_and_changes_nothing(
    run: Run, client: Any, names: Any, ecs_service: Any
) -> None:
    result = run("scale", "ecs", "--count", "5", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert (
        "ecs.update_service(cluster='nba-tracker-dev', service='nba-tracker-dev', desiredCount=5)"
        in result.stdout
    )
    assert desired(client, names) == 2


@pytest.mark.parametrize("count", ["-1", "101", "three"])
def test_bad_count_never_reaches_aws(
    run: Run, client: Any, names: Any, ecs_service: Any, requests_sent: Any, count: str
) -> None:
    with requests_sent() as sent:
        result = run("scale", "ecs", "--count", count, "--yes")
    assert result.exit_code == 2
    assert sent == []
    assert desired(client, names) == 2


def test_missing_service_is_one_line(run: Run, aws: str) -> None:
    result = run("scale", "ecs", "--count", "1")
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert "Traceback" not in result.stderr


def test_count_outside_autoscaling_range_is_flagged(
    run: Run, client: Any, names: Any, ecs_service: Any
) -> None:
    assert run("scale", "autoscaling", "--min", "1", "--max", "4").exit_code == 0
    row = json.loads(run("scale", "ecs", "--count", "8", "--json").stdout)["items"][0]
    assert "autoscaling keeps 1–4" in row["note"]


def test_autoscaling_registers_target_and_cpu_policy(
    run: Run, client: Any, names: Any, ecs_service: Any
) -> None:
    result = run("scale", "autoscaling", "--min", "1", "--max", "10", "--cpu-target", "70")
    assert result.exit_code == 0, result.stderr
    aas = client("application-autoscaling")
    target = aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"][0]
    assert target["ResourceId"] == "service/nba-tracker-dev/nba-tracker-dev"
    assert (target["MinCapacity"], target["MaxCapacity"]) == (1, 10)
    policy = aas.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"][0]
    assert policy["PolicyName"] == "cpu-scaling-policy"
    config = policy["TargetTrackingScalingPolicyConfiguration"]
    assert config["TargetValue"] == 70.0
    assert config["PredefinedMetricSpecification"]["PredefinedMetricType"] == (
        "ECSServiceAverageCPUUtilization"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--min", "5", "--max", "2"],
        ["--min", "-1", "--max", "2"],
        ["--max", "0", "--min", "0"],
        ["--cpu-target", "0"],
        ["--cpu-target", "150"],
    ],
)
def test_bad_autoscaling_never_reaches_aws(
    run: Run, client: Any, ecs_service: Any, requests_sent: Any, args: list[str]
) -> None:
    with requests_sent() as sent:
        result = run("scale", "autoscaling", *args)
    assert result.exit_code == 2, result.stdout
    assert sent == []
    assert (
        client("application-autoscaling").describe_scalable_targets(ServiceNamespace="ecs")[
            "ScalableTargets"
        ]
        == []
    )


def test_db_capacity_is_modified(run: Run, client: Any, names: Any, aurora: Any) -> None:
    result = run("scale", "db", "--min-acu", "1", "--max-acu", "4", "--json")
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)["items"][0]
    assert row["previous"] == "0.5–2 ACU"
    assert row["acu"] == "1–4 ACU"
    assert acu(client, names) == {"MinCapacity": 1.0, "MaxCapacity": 4.0}


def test_db_capacity_lowering_asks_first(run: Run, client: Any, names: Any, aurora: Any) -> None:
    assert run("scale", "db", "--min-acu", "0.5", "--max-acu", "1").exit_code == 3
    assert acu(client, names)["MaxCapacity"] == 2.0
    assert run("scale", "db", "--min-acu", "0.5", "--max-acu", "1", "--yes").exit_code == 0
    assert acu(client, names)["MaxCapacity"] == 1.0


def test_db_auto_pause(run: Run, client: Any, names: Any, aurora: Any) -> None:
    result = run("scale", "db", "--min-acu", "0", "--max-acu", "2", "--pause-after", "10m", "--yes")
    assert result.exit_code == 0, result.stderr
    assert acu(client, names) == {
        "MinCapacity": 0.0,
        "MaxCapacity": 2.0,
        "SecondsUntilAutoPause": 600,
    }


@pytest.mark.parametrize(
    "args",
    [
        ["--min-acu", "0.3", "--max-acu", "2"],
        ["--min-acu", "0.75", "--max-acu", "2"],
        ["--min-acu", "4", "--max-acu", "2"],
        ["--min-acu", "0.5", "--max-acu", "512"],
        ["--min-acu", "0.5", "--max-acu", "0.5"],
        ["--min-acu", "0.5", "--max-acu", "2", "--pause-after", "10m"],
        ["--min-acu", "0", "--max-acu", "2", "--pause-after", "1m"],
        ["--min-acu", "0", "--max-acu", "2", "--pause-after", "soon"],
    ],
)
def test_bad_acu_never_reaches_aws(
    run: Run, client: Any, names: Any, aurora: Any, requests_sent: Any, args: list[str]
) -> None:
    with requests_sent() as sent:
        result = run("scale", "db", *args, "--yes")
    assert result.exit_code == 2, result.stdout
    assert sent == []
    assert acu(client, names) == {"MinCapacity": 0.5, "MaxCapacity": 2.0}
