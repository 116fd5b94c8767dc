"""The IAM part of ops audit reads the credential report. moto writes every user as just
created, so the ages that matter (90+ days) come from botocore's Stubber answering
GenerateCredentialReport / GetCredentialReport in the IAM API reference's shapes, with a
report in the documented CSV columns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
from botocore.stub import Stubber

from nba_tracker.ops.core import build_context
from nba_tracker.ops.security import aws as security

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
COLUMNS = (
    "user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,"
    "access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date"
)


def ago(days: int) -> str:
    return (NOW - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def report(*rows: str) -> bytes:
    return ("\n".join([COLUMNS, *rows]) + "\n").encode()


def audit_of(content: bytes) -> list[security.Finding]:
    ctx = build_context("dev")
    iam = boto3.client(
        "iam", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    ctx._clients["iam"] = iam
    stub = Stubber(iam)
    stub.add_response("generate_credential_report", {"State": "COMPLETE"}, {})
    stub.add_response(
        "get_credential_report",
        {"Content": content, "ReportFormat": "text/csv", "GeneratedTime": NOW},
        {},
    )
    with stub:
        return security.credential_findings(ctx, now=NOW)


def test_root_use_and_root_keys_are_high() -> None:
    findings = audit_of(
        report(
            f"<root_account>,arn:aws:iam::1:root,{ago(900)},not_supported,{ago(3)},true,"
            f"true,{ago(400)},{ago(2)},false,N/A,N/A"
        )
    )
    assert {f.seen: f.severity for f in findings} == {
        "the root user signed in 3 day(s) ago": "high",
        "the root user has an active access key": "high",
    }


def test_old_and_unused_credentials_are_flagged_new_ones_are_not() -> None:
    findings = audit_of(
        report(
            # Key created 200 days ago, last used 120 days ago; password used last week.
            f"deployer,arn:aws:iam::1:user/deployer,{ago(400)},true,{ago(7)},true,"
            f"true,{ago(200)},{ago(120)},false,N/A,N/A",
            # Created 5 days ago, password and key never used yet: nothing to say.
            f"newcomer,arn:aws:iam::1:user/newcomer,{ago(5)},true,no_information,true,"
            f"true,{ago(5)},N/A,false,N/A,N/A",
            # Password never used in a year.
            f"ghost,arn:aws:iam::1:user/ghost,{ago(365)},true,no_information,false,"
            "false,N/A,N/A,false,N/A,N/A",
        )
    )
    seen = sorted(f.seen for f in findings)
    assert seen == [
        "deployer: access key 1 is 200 days old",
        "deployer: access key 1 unused for 90+ days",
        "ghost: console password unused for 90+ days",
    ]
    assert {f.severity for f in findings} == {"medium"}
    assert all(f.action for f in findings)
