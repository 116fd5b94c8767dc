"""The guide's troubleshooting section, read the way an experienced operator would:
inspect, name the likely cause, say what to do. Each check returns findings; the worst
severity sets the exit code."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from nba_tracker.aws_errors import error_code
from nba_tracker.ops.core import Finding, OpsContext, Severity, describe_aws_error


def exit_code(findings: list[Finding]) -> int:
    """0 when nothing needs a look, 1 for a warning, 2 when something is broken."""
    return max((Severity(f.severity).rank for f in findings), default=0)


# Stop reasons as ECS writes them, mapped to the guide's common causes.
_CAUSES = (
    (
        re.compile(
            r"CannotPullContainer|pull image|manifest .* not found|repository .* not found", re.I
        ),
        "the image could not be pulled (missing ECR image or tag)",
        "push the image (docs/deploy.md step 4) or roll back: nba-tracker ops rollback",
    ),
    (
        re.compile(r"AccessDenied|not authorized|is not authorized to perform", re.I),
        "the task or execution role lacks a permission",
        "check the role policies in infra/terraform/modules/ecs_service and re-apply",
    ),
    (
        re.compile(r"OutOfMemory|exit code:? 137|OOM", re.I),
        "the container ran out of memory",
        "raise task_memory in terraform.tfvars and re-apply",
    ),
    (
        re.compile(r"ELB health checks?|health check", re.I),
        "the load balancer's health check on /health failed",
        "read the task's logs (ops logs tail ecs); /health answers 503 when the database is unreachable",
    ),
)


def _classify(text: str) -> tuple[str, str] | None:
    for pattern, cause, action in _CAUSES:
        if pattern.search(text):
            return cause, action
    return None


def check_ecs(ctx: OpsContext) -> list[Finding]:
    ecs = ctx.client("ecs")
    n = ctx.names
    try:
        services = ecs.describe_services(cluster=n.cluster, services=[n.service]).get(
            "services", []
        )
    except ClientError as exc:
        if error_code(exc) != "ClusterNotFoundException":
            raise
        services = []
    if not services or services[0].get("status") == "INACTIVE":
        return [
            Finding(
                "ecs",
                Severity.HIGH,
                f"service {n.service} not found in cluster {n.cluster}",
                "terraform apply in infra/terraform/environments/" + n.env,
            )
        ]
    service = services[0]
    desired, running = int(service["desiredCount"]), int(service.get("runningCount", 0))
    findings: list[Finding] = []
    if desired == 0:
        findings.append(
            Finding(
                "ecs",
                Severity.WARNING,
                "desired count is 0 (stopped)",
                "nba-tracker ops emergency start, or ops scale ecs --count N",
            )
        )
    elif running < desired:
        findings.append(
            Finding(
                "ecs",
                Severity.HIGH,
                f"{running} of {desired} tasks running",
                "see the stopped tasks below",
            )
        )
    else:
        findings.append(Finding("ecs", Severity.OK, f"{running} of {desired} tasks running", "-"))
    stopped = ecs.list_tasks(cluster=n.cluster, serviceName=n.service, desiredStatus="STOPPED").get(
        "taskArns", []
    )
    if stopped:
        for task in ecs.describe_tasks(cluster=n.cluster, tasks=stopped[:10]).get("tasks", []):
            reasons = [task.get("stoppedReason", "")]
            for container in task.get("containers", []):
                reasons.append(container.get("reason", ""))
                if container.get("exitCode") == 137:
                    reasons.append("exit code 137")
            text = "; ".join(r for r in reasons if r)
            cause = _classify(text)
            if cause:
                findings.append(
                    Finding(
                        "ecs", Severity.HIGH, f"stopped task: {text[:200]} → {cause[0]}", cause[1]
                    )
                )
            elif text:
                findings.append(Finding("ecs", Severity.INFO, f"stopped task: {text[:200]}", "-"))
    findings += _check_image(ctx, service)
    findings += _check_targets(ctx, service)
    return findings


def _target_group_arn(ctx: OpsContext, service: dict[str, Any]) -> str | None:
    for balancer in service.get("loadBalancers", []):
        if balancer.get("targetGroupArn"):
            return str(balancer["targetGroupArn"])
    try:
        groups = ctx.client("elbv2").describe_target_groups(Names=[ctx.names.target_group_name])
    except ClientError as exc:
        if error_code(exc) == "TargetGroupNotFound":
            return None
        raise
    found = groups.get("TargetGroups", [])
    return str(found[0]["TargetGroupArn"]) if found else None


def _check_targets(ctx: OpsContext, service: dict[str, Any]) -> list[Finding]:
    """Tasks that start but fail the ALB's /health check are replaced over and over."""
    arn = _target_group_arn(ctx, service)
    if arn is None:
        return []
    health = ctx.client("elbv2").describe_target_health(TargetGroupArn=arn)
    targets = health.get("TargetHealthDescriptions", [])
    unhealthy = [t for t in targets if t.get("TargetHealth", {}).get("State") == "unhealthy"]
    if not unhealthy:
        return [Finding("ecs", Severity.OK, f"{len(targets)} target(s), none unhealthy", "-")]
    first = unhealthy[0].get("TargetHealth", {})
    return [
        Finding(
            "ecs",
            Severity.HIGH,
            f"{len(unhealthy)} of {len(targets)} targets unhealthy: "
            f"{first.get('Reason', '?')} {first.get('Description', '')}".strip()
            + " → the load balancer's health check on /health failed",
            "ops doctor db (/health answers 503 without the database); ops logs tail ecs",
        )
    ]


def _check_image(ctx: OpsContext, service: dict[str, Any]) -> list[Finding]:
    definition = service.get("taskDefinition")
    if not definition:
        return []
    containers = (
        ctx.client("ecs")
        .describe_task_definition(taskDefinition=definition)["taskDefinition"]
        .get("containerDefinitions", [])
    )
    findings = []
    # The task's containers (app, dispatcher) share one image: one finding, not one each.
    for image in dict.fromkeys(c.get("image", "") for c in containers):
        repo_part, _, tag = image.rpartition(":")
        if ".dkr.ecr." not in image or "/" not in repo_part:
            continue
        repository = repo_part.split("/", 1)[1]
        try:
            ctx.client("ecr").describe_images(
                repositoryName=repository, imageIds=[{"imageTag": tag}]
            )
        except ClientError as exc:
            if error_code(exc) in {"ImageNotFoundException", "RepositoryNotFoundException"}:
                findings.append(
                    Finding(
                        "ecs",
                        Severity.HIGH,
                        f"image {repository}:{tag} is not in ECR",
                        "push it (docs/deploy.md step 4) or nba-tracker ops rollback",
                    )
                )
            else:
                raise
    return findings


def check_db(ctx: OpsContext) -> list[Finding]:
    n = ctx.names
    rds = ctx.client("rds")
    try:
        cluster = rds.describe_db_clusters(DBClusterIdentifier=n.db_cluster)["DBClusters"][0]
    except ClientError as exc:
        if error_code(exc) == "DBClusterNotFoundFault":
            return [
                Finding("db", Severity.HIGH, f"cluster {n.db_cluster} not found", "terraform apply")
            ]
        raise
    findings: list[Finding] = []
    status = cluster.get("Status", "unknown")
    if status == "stopped":
        findings.append(
            Finding(
                "db",
                Severity.HIGH,
                "the cluster is stopped (nightly stop or emergency stop)",
                "nba-tracker ops emergency start",
            )
        )
    elif status != "available":
        findings.append(
            Finding("db", Severity.WARNING, f"cluster status {status}", "wait, then check again")
        )
    else:
        findings.append(Finding("db", Severity.OK, "cluster available", "-"))
    scaling = cluster.get("ServerlessV2ScalingConfiguration") or {}
    if scaling.get("MinCapacity") == 0:
        if status == "available" and _paused(ctx, n.db_cluster):
            findings.append(
                Finding(
                    "db",
                    Severity.WARNING,
                    "paused at 0 ACU: the first connection waits while it resumes and may time out",
                    "retry after ~15 s, or ops scale db --min-acu 0.5 to never pause",
                )
            )
        else:
            findings.append(
                Finding(
                    "db",
                    Severity.INFO,
                    "minimum 0 ACU: the cluster pauses when idle; the first "
                    "connection after a pause waits while it resumes",
                    "ops scale db --min-acu 0.5 if that delay matters",
                )
            )
    findings += _check_ingress(ctx, cluster)
    findings += _check_secret(ctx, cluster)
    return findings


def _service_security_groups(ctx: OpsContext) -> list[str]:
    try:
        services = ctx.client("ecs").describe_services(
            cluster=ctx.names.cluster, services=[ctx.names.service]
        )["services"]
    except ClientError:
        return []  # no service: the ECS check reports that
    if not services:
        return []
    network = services[0].get("networkConfiguration", {}).get("awsvpcConfiguration", {})
    return list(network.get("securityGroups", []))


def _check_ingress(ctx: OpsContext, cluster: dict[str, Any]) -> list[Finding]:
    db_groups = [g["VpcSecurityGroupId"] for g in cluster.get("VpcSecurityGroups", [])]
    app_groups = set(_service_security_groups(ctx))
    if not db_groups or not app_groups:
        return [
            Finding(
                "db", Severity.INFO, "security groups not known for the cluster or the service", "-"
            )
        ]
    groups = ctx.client("ec2").describe_security_groups(GroupIds=db_groups)["SecurityGroups"]
    for group in groups:
        for rule in group.get("IpPermissions", []):
            low, high = rule.get("FromPort", 0), rule.get("ToPort", 65535)
            sources = {p["GroupId"] for p in rule.get("UserIdGroupPairs", [])}
            if (
                rule.get("IpProtocol") in {"-1", "tcp"}
                and low <= 5432 <= high
                and sources & app_groups
            ):
                return [
                    Finding("db", Severity.OK, "the service's security group may reach 5432", "-")
                ]
    return [
        Finding(
            "db",
            Severity.HIGH,
            "no ingress rule lets the service's security group reach port 5432",
            "fix the aurora module's allowed_security_group_ids and re-apply",
        )
    ]


def _check_secret(ctx: OpsContext, cluster: dict[str, Any]) -> list[Finding]:
    """The secret is read as the service reads it; its user must be the cluster's master
    user (the guide's "credentials mismatch"). Values are never shown."""
    secret = (cluster.get("MasterUserSecret") or {}).get("SecretArn") or ctx.names.db_secret
    try:
        value = ctx.client("secretsmanager").get_secret_value(SecretId=secret)
    except ClientError as exc:
        return [
            Finding(
                "db",
                Severity.HIGH,
                f"database secret {secret} not readable: {error_code(exc)}",
                "check the secret and the execution role's secretsmanager:GetSecretValue",
            )
        ]
    try:
        document = json.loads(value.get("SecretString") or "{}")
    except json.JSONDecodeError:
        document = None
    if not isinstance(document, dict) or "password" not in document:
        return [
            Finding(
                "db",
                Severity.HIGH,
                f"database secret {secret} is not JSON with a password",
                'store {"username": …, "password": …} as Terraform does',
            )
        ]
    user, master = document.get("username"), cluster.get("MasterUsername")
    if user and master and user != master:
        return [
            Finding(
                "db",
                Severity.HIGH,
                f"the secret's user {user!r} is not the cluster's master user {master!r}",
                "put the right user in the secret, or reset the password to the secret's",
            )
        ]
    return [Finding("db", Severity.OK, "database secret readable, user matches the cluster", "-")]


def _paused(ctx: OpsContext, cluster_id: str) -> bool:
    """Serverless v2 at 0 ACU right now: the latest ServerlessDatabaseCapacity is 0."""
    now = datetime.now(UTC)
    points = (
        ctx.client("cloudwatch")
        .get_metric_statistics(
            Namespace="AWS/RDS",
            MetricName="ServerlessDatabaseCapacity",
            Dimensions=[{"Name": "DBClusterIdentifier", "Value": cluster_id}],
            StartTime=now - timedelta(minutes=30),
            EndTime=now + timedelta(minutes=1),  # the newest point may be this very second
            Period=300,
            Statistics=["Maximum"],
        )
        .get("Datapoints", [])
    )
    if not points:
        return False
    return float(max(points, key=lambda p: p["Timestamp"])["Maximum"]) == 0.0


def check_mwaa(ctx: OpsContext) -> list[Finding]:
    findings, environment = _check_environment(ctx)
    return findings + _check_dag_bucket(ctx, environment)


def _check_environment(ctx: OpsContext) -> tuple[list[Finding], dict[str, Any]]:
    """The environment's status and last update error; the environment, {} when absent."""
    n = ctx.names
    try:
        env: dict[str, Any] = ctx.client("mwaa").get_environment(Name=n.mwaa_env)["Environment"]
    except ClientError as exc:
        if error_code(exc) != "ResourceNotFoundException":
            raise
        absent = Finding(
            "mwaa",
            Severity.INFO,
            f"no MWAA environment {n.mwaa_env} (enable_mwaa=false?)",
            'terraform apply -var="enable_mwaa=true" to collect on schedule',
        )
        return [absent], {}
    findings: list[Finding] = []
    status = env.get("Status", "UNKNOWN")
    error = (env.get("LastUpdate") or {}).get("Error") or {}
    if error:
        findings.append(
            Finding(
                "mwaa",
                Severity.HIGH,
                f"last update failed: {error.get('ErrorCode')}: {error.get('ErrorMessage')}",
                "fix the cause (often requirements.txt), then terraform apply",
            )
        )
    if status != "AVAILABLE":
        findings.append(
            Finding(
                "mwaa",
                Severity.HIGH if "FAILED" in status else Severity.WARNING,
                f"environment status {status}",
                "wait, or read the scheduler log (ops logs tail mwaa-scheduler)",
            )
        )
    else:
        findings.append(Finding("mwaa", Severity.OK, "environment available", "-"))
    return findings, env


def _check_dag_bucket(ctx: OpsContext, environment: dict[str, Any]) -> list[Finding]:
    """The DAG file and requirements.txt where the environment reads them (Terraform's
    paths by default)."""
    s3 = ctx.client("s3")
    bucket = ctx.names.mwaa_bucket
    dag_path = str(environment.get("DagS3Path") or "dags").strip("/")
    requirements = str(environment.get("RequirementsS3Path") or "requirements.txt")
    try:
        keys = [
            o["Key"]
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            for o in page.get("Contents", [])
        ]
    except ClientError as exc:
        return [
            Finding("mwaa", Severity.HIGH, f"bucket {bucket}: {error_code(exc)}", "terraform apply")
        ]
    findings = []
    dags = [k for k in keys if k.startswith(f"{dag_path}/") and k.endswith(".py")]
    if f"{dag_path}/nba_rss_scraper.py" not in dags:
        findings.append(
            Finding(
                "mwaa",
                Severity.HIGH,
                f"{dag_path}/nba_rss_scraper.py missing in s3://{bucket}",
                f"aws s3 sync airflow/dags s3://{bucket}/{dag_path}/ (docs/airflow.md)",
            )
        )
    if requirements not in keys:
        findings.append(
            Finding(
                "mwaa",
                Severity.WARNING,
                f"{requirements} missing in s3://{bucket}: the DAGs' dependencies are not installed",
                "upload airflow/requirements.txt (docs/airflow.md)",
            )
        )
    if not findings:
        findings.append(
            Finding("mwaa", Severity.OK, f"{len(dags)} DAG file(s) and {requirements} present", "-")
        )
    return findings


CHECKS = {"ecs": check_ecs, "db": check_db, "mwaa": check_mwaa}


def run(ctx: OpsContext, which: str) -> list[Finding]:
    """Every check asked for. An AWS API that answers an error (MWAA unavailable in the
    region, access denied, throttled …) is a finding of that check, and the others
    still run: a doctor that stops at the first broken service hides the rest."""
    names = list(CHECKS) if which == "all" else [which]
    findings: list[Finding] = []
    for name in names:
        try:
            findings += CHECKS[name](ctx)
        except (ClientError, BotoCoreError, ResponseParserError) as exc:
            findings.append(
                Finding(
                    name,
                    Severity.HIGH,
                    f"could not check: {describe_aws_error(exc)}",
                    "fix access to this service, then run this check again",
                )
            )
    return findings
