"""The scheduled stop/start Lambda, called with boto3 clients on the moto server
(moto cannot execute Lambda code without docker, so the handler is called directly)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from nba_tracker.lambdas.scheduler import ConfigError, SchedulerConfig, handler
from nba_tracker.ops.naming import resource_names

NAMES = resource_names("dev")
REGION = NAMES.region
ENV = {
    "CLUSTER_NAME": NAMES.cluster,
    "SERVICE_NAME": NAMES.service,
    "DB_CLUSTER_ID": NAMES.db_cluster,
    "STATE_PARAMETER": NAMES.scheduler_state_parameter,
}


@pytest.fixture
def environment(aws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The dev environment as Terraform leaves it: 3 tasks, autoscaling 1–10, Aurora up."""
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.create_cluster(clusterName=NAMES.cluster)
    ecs.register_task_definition(
        family=NAMES.service,
        containerDefinitions=[{"name": "app", "image": "nba-tracker:latest", "memory": 512}],
    )
    ecs.create_service(
        cluster=NAMES.cluster,
        serviceName=NAMES.service,
        taskDefinition=NAMES.service,
        desiredCount=3,
    )
    boto3.client("application-autoscaling", region_name=REGION).register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=NAMES.autoscaling_resource_id,
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=1,
        MaxCapacity=10,
    )
    # Terraform creates the state parameter empty, as a SecureString the function owns.
    boto3.client("ssm", region_name=REGION).put_parameter(
        Name=NAMES.scheduler_state_parameter, Type="SecureString", Value="{}"
    )
    boto3.client("rds", region_name=REGION).create_db_cluster(
        DBClusterIdentifier=NAMES.db_cluster,
        Engine="aurora-postgresql",
        MasterUsername="tracker",
        MasterUserPassword="not-a-real-password-1",
    )


def state() -> dict[str, Any]:
    service = boto3.client("ecs", region_name=REGION).describe_services(
        cluster=NAMES.cluster, services=[NAMES.service]
    )["services"][0]
    target = boto3.client("application-autoscaling", region_name=REGION).describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=[NAMES.autoscaling_resource_id]
    )["ScalableTargets"][0]
    cluster = boto3.client("rds", region_name=REGION).describe_db_clusters(
        DBClusterIdentifier=NAMES.db_cluster
    )["DBClusters"][0]
    return {
        "desired": service["desiredCount"],
        "min": target["MinCapacity"],
        "max": target["MaxCapacity"],
        "db": cluster["Status"],
    }


def test_stop_then_start_restores_exactly_what_was_there(environment: None) -> None:
    assert state() == {"desired": 3, "min": 1, "max": 10, "db": "available"}
    stopped = handler({"action": "stop"})
    assert stopped["ok"]
    assert [r["result"] for r in stopped["results"]] == ["changed", "changed"]
    assert state() == {"desired": 0, "min": 0, "max": 10, "db": "stopped"}

    again = handler({"action": "stop"})  # the rule fired twice: harmless
    assert again["ok"]
    assert [r["result"] for r in again["results"]] == ["no_action", "no_action"]

    started = handler({"action": "start"})
    assert started["ok"]
    assert state() == {"desired": 3, "min": 1, "max": 10, "db": "available"}
    assert [r["result"] for r in handler({"action": "start"})["results"]] == [
        "no_action",
        "no_action",
    ]


def test_each_action_logs_one_json_line_per_resource(
    environment: None, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    handler({"action": "stop"})
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["resource"] for line in lines] == [
        f"ecs:{NAMES.service}",
        f"rds:{NAMES.db_cluster}",
    ]
    assert all(line["action"] == "stop" for line in lines)


def test_missing_environment_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="DB_CLUSTER_ID"):
        SchedulerConfig.from_env({k: v for k, v in ENV.items() if k != "DB_CLUSTER_ID"})


def test_unknown_action_is_refused(environment: None) -> None:
    with pytest.raises(ValueError, match="stop' or 'start'"):
        handler({"action": "reboot"})


def test_a_missing_cluster_is_reported_not_raised(
    aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    result = handler({"action": "stop"})
    assert not result["ok"]
    assert {r["result"] for r in result["results"]} == {"error"}


def test_ops_emergency_stop_and_start(environment: None) -> None:
    from typer.testing import CliRunner

    from nba_tracker.ops.cli import app

    runner = CliRunner()
    dry = runner.invoke(app, ["emergency", "stop", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert state()["desired"] == 3  # a dry run changes nothing
    stopped = runner.invoke(app, ["emergency", "stop", "--yes", "--json"])
    assert stopped.exit_code == 0, stopped.output
    assert "enable_mwaa=false" in stopped.output
    assert state() == {"desired": 0, "min": 0, "max": 10, "db": "stopped"}
    assert runner.invoke(app, ["emergency", "stop", "--yes"]).exit_code == 0  # twice: harmless
    started = runner.invoke(app, ["emergency", "start", "--yes"])
    assert started.exit_code == 0, started.output
    assert state() == {"desired": 3, "min": 1, "max": 10, "db": "available"}


def test_the_morning_start_leaves_an_emergency_stop_alone(environment: None) -> None:
    from typer.testing import CliRunner

    from nba_tracker.ops.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["emergency", "stop", "--yes"]).exit_code == 0
    morning = handler({"action": "start"})
    assert [r["result"] for r in morning["results"]] == ["no_action", "no_action"]
    assert "emergency stop" in morning["results"][0]["detail"]
    assert state() == {"desired": 0, "min": 0, "max": 10, "db": "stopped"}
    assert runner.invoke(app, ["emergency", "start", "--yes"]).exit_code == 0
    assert state() == {"desired": 3, "min": 1, "max": 10, "db": "available"}
    # The hold is gone: the next night and morning work as before.
    handler({"action": "stop"})
    handler({"action": "start"})
    assert state() == {"desired": 3, "min": 1, "max": 10, "db": "available"}


def test_an_emergency_after_the_nightly_stop_restores_the_daytime_count(
    environment: None,
) -> None:
    from typer.testing import CliRunner

    from nba_tracker.ops.cli import app

    handler({"action": "stop"})  # 22:00
    runner = CliRunner()
    assert runner.invoke(app, ["emergency", "stop", "--yes"]).exit_code == 0  # harmless
    assert runner.invoke(app, ["emergency", "start", "--yes"]).exit_code == 0
    assert state() == {"desired": 3, "min": 1, "max": 10, "db": "available"}
    parameter = boto3.client("ssm", region_name=REGION).get_parameter(
        Name=NAMES.scheduler_state_parameter
    )["Parameter"]
    assert parameter["Type"] == "SecureString"  # overwritten in place, never retyped
