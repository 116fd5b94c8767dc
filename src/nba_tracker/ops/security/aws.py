"""The guide's security audit: unused or old credentials, root use, security groups open
to the internet, secrets not rotated, unencrypted storage, log groups kept forever."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from nba_tracker.ops.backup.app_config import db_secret_id
from nba_tracker.ops.core import Finding, OpsContext, OpsError, Severity

STALE = timedelta(days=90)
WEB_PORTS = {80, 443}


def _age(value: str | None, now: datetime) -> timedelta | None:
    if not value or value in {"N/A", "no_information", "not_supported"}:
        return None
    try:
        return now - datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def credential_findings(ctx: OpsContext, now: datetime | None = None) -> list[Finding]:
    iam = ctx.client("iam")
    now = now or datetime.now(UTC)
    for _ in range(20):
        if iam.generate_credential_report().get("State") == "COMPLETE":
            break
        time.sleep(1)
    content = iam.get_credential_report()["Content"]
    text = content.decode() if isinstance(content, bytes) else str(content)
    findings: list[Finding] = []
    for row in csv.DictReader(io.StringIO(text)):
        user = row.get("user", "?")
        if user == "<root_account>":
            findings += _root_findings(row, now)
            continue
        created = _age(row.get("user_creation_time"), now)
        if row.get("password_enabled") == "true":
            # Never used: counted from the user's creation, so a new user is not flagged.
            used = _age(row.get("password_last_used"), now) or created
            if used is None or used > STALE:
                findings.append(
                    Finding(
                        "iam",
                        Severity.MEDIUM,
                        f"{user}: console password unused for 90+ days",
                        f"aws iam delete-login-profile --user-name {user}",
                    )
                )
        for n in ("1", "2"):
            if row.get(f"access_key_{n}_active") != "true":
                continue
            rotated = _age(row.get(f"access_key_{n}_last_rotated"), now)
            used = _age(row.get(f"access_key_{n}_last_used_date"), now) or rotated
            if used is None or used > STALE:
                findings.append(
                    Finding(
                        "iam",
                        Severity.MEDIUM,
                        f"{user}: access key {n} unused for 90+ days",
                        f"deactivate and delete it (aws iam delete-access-key --user-name {user})",
                    )
                )
            if rotated is not None and rotated > STALE:
                findings.append(
                    Finding(
                        "iam",
                        Severity.MEDIUM,
                        f"{user}: access key {n} is {rotated.days} days old",
                        "rotate it (create a new key, switch, delete the old one)",
                    )
                )
    return findings


def _root_findings(row: dict[str, str], now: datetime) -> list[Finding]:
    findings = []
    used = _age(row.get("password_last_used"), now)
    if used is not None and used < STALE:
        findings.append(
            Finding(
                "iam",
                Severity.HIGH,
                f"the root user signed in {used.days} day(s) ago",
                "use IAM roles; lock the root credentials away with MFA",
            )
        )
    if "true" in (row.get("access_key_1_active"), row.get("access_key_2_active")):
        findings.append(
            Finding(
                "iam",
                Severity.HIGH,
                "the root user has an active access key",
                "delete root access keys",
            )
        )
    if row.get("mfa_active") == "false":
        findings.append(
            Finding("iam", Severity.HIGH, "the root user has no MFA", "enable MFA on root")
        )
    return findings


def security_group_findings(ctx: OpsContext) -> list[Finding]:
    findings: list[Finding] = []
    for page in ctx.client("ec2").get_paginator("describe_security_groups").paginate():
        for group in page.get("SecurityGroups", []):
            for rule in group.get("IpPermissions", []):
                open_v4 = any(r.get("CidrIp") == "0.0.0.0/0" for r in rule.get("IpRanges", []))
                open_v6 = any(r.get("CidrIpv6") == "::/0" for r in rule.get("Ipv6Ranges", []))
                if not (open_v4 or open_v6):
                    continue
                low, high = rule.get("FromPort"), rule.get("ToPort")
                ports = (
                    "all ports"
                    if rule.get("IpProtocol") == "-1" or low is None
                    else (str(low) if low == high else f"{low}-{high}")
                )
                public_web = low == high and low in WEB_PORTS
                findings.append(
                    Finding(
                        "ec2",
                        Severity.LOW if public_web else Severity.HIGH,
                        f"{group['GroupId']} ({group.get('GroupName')}) open to "
                        f"{'0.0.0.0/0' if open_v4 else '::/0'} on {ports}",
                        "expected only on the ALB"
                        if public_web
                        else "restrict the source to the VPC or a security group",
                    )
                )
    return findings


def secret_findings(ctx: OpsContext, now: datetime | None = None) -> list[Finding]:
    now = now or datetime.now(UTC)
    findings: list[Finding] = []
    for page in ctx.client("secretsmanager").get_paginator("list_secrets").paginate():
        for secret in page.get("SecretList", []):
            name = secret["Name"]
            if not secret.get("RotationEnabled"):
                findings.append(
                    Finding(
                        "secrets",
                        Severity.MEDIUM,
                        f"{name}: rotation is not enabled",
                        "enable rotation (RDS-managed secrets rotate themselves)",
                    )
                )
                continue
            last = secret.get("LastRotatedDate")
            if last is not None and now - last > STALE:
                findings.append(
                    Finding(
                        "secrets",
                        Severity.MEDIUM,
                        f"{name}: last rotated {(now - last).days} days ago",
                        "nba-tracker ops secrets rotate",
                    )
                )
    return findings


def encryption_findings(ctx: OpsContext) -> list[Finding]:
    findings: list[Finding] = []
    for cluster in ctx.client("rds").describe_db_clusters().get("DBClusters", []):
        if not cluster.get("StorageEncrypted"):
            findings.append(
                Finding(
                    "rds",
                    Severity.HIGH,
                    f"cluster {cluster['DBClusterIdentifier']} is not encrypted",
                    "restore a snapshot copy into an encrypted cluster",
                )
            )
    for page in ctx.client("ec2").get_paginator("describe_volumes").paginate():
        for volume in page.get("Volumes", []):
            if not volume.get("Encrypted"):
                findings.append(
                    Finding(
                        "ec2",
                        Severity.HIGH,
                        f"volume {volume['VolumeId']} is not encrypted",
                        "snapshot, copy encrypted, replace; enable EBS encryption by default",
                    )
                )
    for page in ctx.client("logs").get_paginator("describe_log_groups").paginate():
        for group in page.get("logGroups", []):
            if not group.get("retentionInDays"):
                findings.append(
                    Finding(
                        "logs",
                        Severity.LOW,
                        f"log group {group['logGroupName']} is kept forever",
                        "set a retention (Terraform sets 30 days for the tracker's groups)",
                    )
                )
    return findings


def audit(ctx: OpsContext) -> list[Finding]:
    return [
        *credential_findings(ctx),
        *security_group_findings(ctx),
        *secret_findings(ctx),
        *encryption_findings(ctx),
    ]


def rotate_db_secret(ctx: OpsContext) -> dict[str, Any]:
    sm = ctx.client("secretsmanager")
    secret_id = db_secret_id(ctx)
    try:
        secret = sm.describe_secret(SecretId=secret_id)
    except ClientError as exc:
        raise OpsError(f"secret {secret_id}: {exc.response.get('Error', {}).get('Code')}") from None
    if not secret.get("RotationLambdaARN") and not secret.get("RotationEnabled"):
        raise OpsError(
            f"{secret['Name']} has no rotation configured; nothing was rotated "
            "(RDS-managed master secrets rotate on their own schedule)"
        )
    ctx.change("secretsmanager", "rotate_secret", SecretId=secret["ARN"])
    return {"secret": secret["Name"], "rotation": "started"}
