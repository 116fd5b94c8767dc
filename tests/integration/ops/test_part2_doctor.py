"""ops doctor on the moto server; MWAA, which moto lacks, through botocore's Stubber with
the GetEnvironment response shape of the API reference (said here, as the test does)."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber
from typer.testing import CliRunner

from nba_tracker.ops import doctor
from nba_tracker.ops.commands import app
from nba_tracker.ops.core import build_context
from nba_tracker.ops.naming import resource_names
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


@pytest.mark.parametrize(
    ("reason", "cause"),
    [
        (
            "CannotPullContainerError: pull image manifest has been retried 5 time(s)",
            "could not be pulled",
        ),
        ("Essential container in task exited: OutOfMemoryError: Container killed", "out of memory"),
        ("Task failed ELB health checks in (target-group arn:aws:…)", "health check"),
        (
            "ResourceInitializationError: AccessDenied: not authorized to perform secretsmanager:GetSecretValue",
            "lacks a permission",
        ),
    ],
)
def test_stop_reasons_are_classified(reason: str, cause: str) -> None:
    classified = doctor._classify(reason)
    assert classified is not None
    assert cause in classified[0]


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
