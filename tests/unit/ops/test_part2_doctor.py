"""ops doctor's reading of what AWS answers, without a server.

moto has no MWAA backend and never reports a target as unhealthy, so those answers come
from botocore's Stubber, in the response shapes of the MWAA (GetEnvironment) and Elastic
Load Balancing v2 (DescribeTargetHealth) API references.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from nba_tracker.ops.core import OpsContext, build_context
from nba_tracker.ops.troubleshooting import aws as doctor

TG_ARN = "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:targetgroup/nba-tracker-dev/0123456789abcdef"


def stubbed(ctx: OpsContext, service: str) -> Stubber:
    client = boto3.client(
        service, region_name="ap-northeast-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    ctx._clients[service] = client
    return Stubber(client)


@pytest.mark.parametrize(
    ("reason", "cause"),
    [
        (
            "CannotPullContainerError: pull image manifest has been retried 5 time(s)",
            "missing ECR image",
        ),
        ("Essential container in task exited: OutOfMemoryError: Container killed", "out of memory"),
        ("Essential container in task exited; exit code 137", "out of memory"),
        ("Task failed ELB health checks in (target-group arn:aws:…)", "health check"),
        (
            "ResourceInitializationError: AccessDenied: not authorized to perform "
            "secretsmanager:GetSecretValue",
            "lacks a permission",
        ),
    ],
)
def test_stop_reasons_name_the_guide_s_causes(reason: str, cause: str) -> None:
    classified = doctor._classify(reason)
    assert classified is not None
    assert cause in classified[0]


def test_an_unknown_stop_reason_is_not_guessed() -> None:
    assert doctor._classify("Scaling activity initiated by deployment ecs-svc/1") is None


def test_unhealthy_targets_are_a_failing_health_check() -> None:
    ctx = build_context("dev")
    stub = stubbed(ctx, "elbv2")
    stub.add_response(
        "describe_target_health",
        {
            "TargetHealthDescriptions": [
                {
                    "Target": {"Id": "10.20.1.15", "Port": 8000},
                    "HealthCheckPort": "8000",
                    "TargetHealth": {
                        "State": "unhealthy",
                        "Reason": "Target.ResponseCodeMismatch",
                        "Description": "Health checks failed with these codes: [503]",
                    },
                },
                {
                    "Target": {"Id": "10.20.2.31", "Port": 8000},
                    "TargetHealth": {"State": "healthy"},
                },
            ]
        },
        {"TargetGroupArn": TG_ARN},
    )
    service: dict[str, Any] = {"loadBalancers": [{"targetGroupArn": TG_ARN}]}
    with stub:
        findings = doctor._check_targets(ctx, service)
    assert [f.severity for f in findings] == ["high"]
    assert "1 of 2 targets unhealthy: Target.ResponseCodeMismatch" in findings[0].seen
    assert "[503]" in findings[0].seen
    assert "ops doctor db" in findings[0].action


def mwaa_environment(status: str, **extra: Any) -> dict[str, Any]:
    return {"Environment": {"Name": "nba-tracker-dev", "Status": status, **extra}}


def test_mwaa_update_error_is_high() -> None:
    ctx = build_context("dev")
    stub = stubbed(ctx, "mwaa")
    stub.add_response(
        "get_environment",
        mwaa_environment(
            "UPDATE_FAILED",
            LastUpdate={
                "Status": "FAILED",
                "Error": {
                    "ErrorCode": "INCORRECT_CONFIGURATION",
                    "ErrorMessage": "requirements.txt: could not install typer",
                },
            },
        ),
        {"Name": "nba-tracker-dev"},
    )
    with stub:
        findings, _ = doctor._check_environment(ctx)
    assert doctor.exit_code(findings) == 2
    assert "INCORRECT_CONFIGURATION" in " ".join(f.seen for f in findings)


def test_mwaa_switched_off_is_information_not_an_error() -> None:
    ctx = build_context("dev")
    stub = stubbed(ctx, "mwaa")
    stub.add_client_error(
        "get_environment",
        service_error_code="ResourceNotFoundException",
        service_message="Environment nba-tracker-dev not found",
        http_status_code=404,
    )
    with stub:
        findings, environment = doctor._check_environment(ctx)
    assert environment == {}
    assert [f.severity for f in findings] == ["info"]
    assert "enable_mwaa" in findings[0].action


def test_exit_code_is_the_worst_finding() -> None:
    def finding(severity: str) -> doctor.Finding:
        return doctor.Finding("ecs", severity, "seen", "-")

    assert doctor.exit_code([finding("ok"), finding("info")]) == 0
    assert doctor.exit_code([finding("ok"), finding("warning")]) == 1
    assert doctor.exit_code([finding("warning"), finding("high"), finding("ok")]) == 2
