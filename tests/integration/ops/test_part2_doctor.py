"""ops doctor on the moto server; MWAA, which moto lacks, through botocore's Stubber with
the GetEnvironment response shape of the API reference (said here, as the test does)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from typer.testing import CliRunner

from nba_tracker.ops.cli import app
from nba_tracker.ops.core import build_context
from nba_tracker.ops.naming import resource_names
from nba_tracker.ops.troubleshooting import aws as doctor
from tests.integration.ops.conftest import DB_PASSWORD
from tests.support.aws import create_aurora

NAMES = resource_names("dev")
REGION = NAMES.region


@pytest.fixture
def broken_service(aws: str) -> None:
    """A service whose image tag is not in ECR and whose last task could not pull it."""
    ecr = boto3.client("ecr", region_name=REGION)
    repo = ecr.create_repository(repositoryName=NAMES.ecr_repository)["repository"]["repositoryUri"]
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.create_cluster(clusterName=NAMES.cluster)
    ecs.register_task_definition(
        family=NAMES.service,
        containerDefinitions=[{"name": "app", "image": f"{repo}:v42", "memory": 512}],
    )
    ecs.create_service(
        cluster=NAMES.cluster,
        serviceName=NAMES.service,
        taskDefinition=NAMES.service,
        desiredCount=2,
    )


def test_ecs_missing_image_is_named(broken_service: None) -> None:
    out = CliRunner().invoke(app, ["doctor", "ecs", "--json"])
    assert out.exit_code == 2, out.output
    findings = json.loads(out.stdout)["items"]
    seen = " ".join(f["seen"] for f in findings if f["severity"] == "high")
    assert "is not in ECR" in seen
    assert "0 of 2 tasks running" in seen


def test_a_task_stopped_by_cannotpullcontainer_is_named_a_missing_image(
    broken_service: None,
) -> None:
    ecs = boto3.client("ecs", region_name=REGION)
    task = ecs.run_task(
        cluster=NAMES.cluster,
        taskDefinition=NAMES.service,
        group=f"service:{NAMES.service}",
        startedBy="ecs-svc/1",
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-1"]}},
    )["tasks"][0]["taskArn"]
    ecs.stop_task(
        cluster=NAMES.cluster,
        task=task,
        reason="CannotPullContainerError: pull image manifest has been retried 5 time(s): "
        "failed to resolve ref nba-tracker-dev:v42: not found",
    )
    out = CliRunner().invoke(app, ["doctor", "ecs", "--json"])
    assert out.exit_code == 2, out.output
    stopped = [f for f in json.loads(out.stdout)["items"] if "stopped task" in f["seen"]]
    assert len(stopped) == 1
    assert stopped[0]["severity"] == "high"
    assert "missing ECR image" in stopped[0]["seen"]
    assert "rollback" in stopped[0]["action"]


@pytest.fixture
def database_behind_service(
    client: Callable[[str], Any], aurora: dict[str, Any], network: dict[str, Any]
) -> dict[str, Any]:
    """Aurora, its secret, and an ECS service whose security group may reach 5432."""
    ec2 = client("ec2")
    app_sg = ec2.create_security_group(
        GroupName=f"{NAMES.prefix}-ecs", Description="ecs", VpcId=network["vpc"]
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=network["db_sg"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "UserIdGroupPairs": [{"GroupId": app_sg}],
            }
        ],
    )
    ecs = client("ecs")
    ecs.create_cluster(clusterName=NAMES.cluster)
    ecs.register_task_definition(
        family=NAMES.service, containerDefinitions=[{"name": "app", "image": "app", "memory": 512}]
    )
    ecs.create_service(
        cluster=NAMES.cluster,
        serviceName=NAMES.service,
        taskDefinition=NAMES.service,
        desiredCount=1,
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": network["subnets"], "securityGroups": [app_sg]}
        },
    )
    return {"app_sg": app_sg}


def db_findings() -> tuple[int, list[dict[str, str]]]:
    out = CliRunner().invoke(app, ["doctor", "db", "--json"])
    return out.exit_code, json.loads(out.stdout)["items"]


def test_a_healthy_database_passes(
    database_behind_service: dict[str, Any], app_config: dict[str, Any]
) -> None:
    code, findings = db_findings()
    assert code == 0, findings
    assert any("may reach 5432" in f["seen"] for f in findings)
    assert any("user matches" in f["seen"] for f in findings)
    assert DB_PASSWORD not in json.dumps(findings)


def test_a_database_paused_at_zero_acu_and_a_wrong_user_are_named(
    client: Callable[[str], Any], database_behind_service: dict[str, Any]
) -> None:
    client("rds").modify_db_cluster(
        DBClusterIdentifier=NAMES.db_cluster,
        ServerlessV2ScalingConfiguration={"MinCapacity": 0, "MaxCapacity": 2.0},
        ApplyImmediately=True,
    )
    client("cloudwatch").put_metric_data(
        Namespace="AWS/RDS",
        MetricData=[
            {
                "MetricName": "ServerlessDatabaseCapacity",
                "Dimensions": [{"Name": "DBClusterIdentifier", "Value": NAMES.db_cluster}],
                "Value": 0.0,
            }
        ],
    )
    client("secretsmanager").create_secret(
        Name=NAMES.db_secret, SecretString=json.dumps({"username": "admin", "password": "x"})
    )
    code, findings = db_findings()
    assert code == 2
    by_severity = {f["severity"]: f["seen"] for f in findings if f["severity"] != "ok"}
    assert "paused at 0 ACU" in by_severity.get("warning", ""), findings
    assert "'admin' is not the cluster's master user 'tracker'" in by_severity["high"]


def test_no_ingress_from_the_service_on_5432_is_high(
    client: Callable[[str], Any],
    database_behind_service: dict[str, Any],
    network: dict[str, Any],
    app_config: dict[str, Any],
) -> None:
    client("ec2").revoke_security_group_ingress(
        GroupId=network["db_sg"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "UserIdGroupPairs": [{"GroupId": database_behind_service["app_sg"]}],
            }
        ],
    )
    code, findings = db_findings()
    assert code == 2
    assert any("reach port 5432" in f["seen"] and f["severity"] == "high" for f in findings)


def test_db_stopped_and_unreachable(aws: str) -> None:
    rds = boto3.client("rds", region_name=REGION)
    create_aurora(rds, NAMES.db_cluster)
    rds.stop_db_cluster(DBClusterIdentifier=NAMES.db_cluster)
    out = CliRunner().invoke(app, ["doctor", "db", "--json"])
    assert out.exit_code == 2, out.output
    seen = [f["seen"] for f in json.loads(out.stdout)["items"]]
    assert any("stopped" in s for s in seen)
    assert any("secret" in s for s in seen)


def test_mwaa_update_error_and_missing_dags(aws: str) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(
        Bucket=NAMES.mwaa_bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    s3.put_object(Bucket=NAMES.mwaa_bucket, Key="requirements.txt", Body=b"typer\n")
    ctx = build_context("dev")
    mwaa = boto3.client("mwaa", region_name=REGION)
    ctx._clients["mwaa"] = mwaa
    stub = Stubber(mwaa)
    # GetEnvironment response shape from the Amazon MWAA API reference.
    stub.add_response(
        "get_environment",
        {
            "Environment": {
                "Name": NAMES.mwaa_env,
                "Status": "UPDATE_FAILED",
                "LastUpdate": {
                    "Status": "FAILED",
                    "Error": {
                        "ErrorCode": "INCORRECT_CONFIGURATION",
                        "ErrorMessage": "requirements.txt: could not install typer",
                    },
                },
            }
        },
        {"Name": NAMES.mwaa_env},
    )
    with stub:
        findings = doctor.check_mwaa(ctx)
    assert doctor.exit_code(findings) == 2
    text = " ".join(f.seen for f in findings)
    assert "INCORRECT_CONFIGURATION" in text
    assert "nba_rss_scraper.py missing" in text
