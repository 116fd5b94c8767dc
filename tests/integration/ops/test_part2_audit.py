"""ops audit and ops secrets rotate on the moto server."""

from __future__ import annotations

import json
from typing import Any

import boto3
from typer.testing import CliRunner

from nba_tracker.ops.cli import app
from nba_tracker.ops.naming import resource_names

NAMES = resource_names("dev")
REGION = NAMES.region


def test_open_ssh_is_high_and_fails_the_audit(aws: str, aurora: dict[str, Any]) -> None:
    iam = boto3.client("iam", region_name=REGION)
    iam.create_user(UserName="deployer")  # just created: nothing to flag
    iam.create_access_key(UserName="deployer")
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ssh = ec2.create_security_group(GroupName="bastion", Description="x", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=ssh,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    web = ec2.create_security_group(GroupName="alb", Description="x", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=web,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name=NAMES.db_secret, SecretString="not-a-real-password"
    )
    boto3.client("logs", region_name=REGION).create_log_group(logGroupName="/forever")
    out = CliRunner().invoke(app, ["audit", "--json"])
    assert out.exit_code == 1, out.output
    findings = json.loads(out.stdout)["items"]
    by_seen = {f["seen"]: f["severity"] for f in findings}
    assert any("on 22" in seen and sev == "high" for seen, sev in by_seen.items())
    assert any("on 443" in seen and sev == "low" for seen, sev in by_seen.items())
    assert any("rotation is not enabled" in seen for seen in by_seen)
    assert any("/forever" in seen for seen in by_seen)
    assert by_seen[f"cluster {NAMES.db_cluster} is not encrypted"] == "high"
    assert not any("deployer" in seen for seen in by_seen)
    assert all(f["action"] for f in findings)


def test_rotate_refuses_without_rotation(aws: str) -> None:
    boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name=NAMES.db_secret, SecretString="not-a-real-password"
    )
    out = CliRunner().invoke(app, ["secrets", "rotate", "--yes"])
    assert out.exit_code == 1
    assert "no rotation configured" in out.output
