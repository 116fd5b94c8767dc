"""The guide's troubleshooting section, read the way an experienced operator would:
inspect, name the likely cause, say what to do. Each check returns findings; the worst
severity sets the exit code."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from botocore.exceptions import ClientError

from nba_tracker.ops.core import OpsContext

SEVERITY_RANK = {"ok": 0, "info": 0, "warning": 1, "high": 2}


@dataclass(frozen=True)
class Finding:
    area: str
    severity: str  # ok | info | warning | high
    seen: str
    action: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def exit_code(findings: list[Finding]) -> int:
    return max((SEVERITY_RANK[f.severity] for f in findings), default=0)


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


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
        if _code(exc) != "ClusterNotFoundException":
            raise
        services = []
    if not services or services[0].get("status") == "INACTIVE":
        return [
            Finding(
                "ecs",
                "high",
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
                "warning",
                "desired count is 0 (stopped)",
                "nba-tracker ops emergency start, or ops scale ecs --count N",
            )
        )
    elif running < desired:
        findings.append(
            Finding(
                "ecs",
                "high",
                f"{running} of {desired} tasks running",
                "see the stopped tasks below",
            )
        )
    else:
        findings.append(Finding("ecs", "ok", f"{running} of {desired} tasks running", "-"))
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
                    Finding("ecs", "high", f"stopped task: {text[:200]} → {cause[0]}", cause[1])
                )
            elif text:
                findings.append(Finding("ecs", "info", f"stopped task: {text[:200]}", "-"))
    findings += _check_image(ctx, service)
    return findings


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
    for container in containers:
        image = container.get("image", "")
        repo_part, _, tag = image.rpartition(":")
        if ".dkr.ecr." not in image or "/" not in repo_part:
            continue
        repository = repo_part.split("/", 1)[1]
        try:
            ctx.client("ecr").describe_images(
                repositoryName=repository, imageIds=[{"imageTag": tag}]
            )
        except ClientError as exc:
            if _code(exc) in {"ImageNotFoundException", "RepositoryNotFoundException"}:
                findings.append(
                    Finding(
                        "ecs",
                        "high",
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
        if _code(exc) == "DBClusterNotFoundFault":
            return [Finding("db", "high", f"cluster {n.db_cluster} not found", "terraform apply")]
        raise
    findings: list[Finding] = []
    status = cluster.get("Status", "unknown")
    if status == "stopped":
        findings.append(
            Finding(
                "db",
                "high",
                "the cluster is stopped (nightly stop or emergency stop)",
                "nba-tracker ops emergency start",
            )
        )
    elif status != "available":
        findings.append(
            Finding("db", "warning", f"cluster status {status}", "wait, then check again")
        )
    else:
        findings.append(Finding("db", "ok", "cluster available", "-"))
    scaling = cluster.get("ServerlessV2ScalingConfiguration") or {}
    if scaling.get("MinCapacity") == 0:
        findings.append(
            Finding(
                "db",
                "info",
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
            Finding("db", "info", "security groups not known for the cluster or the service", "-")
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
                return [Finding("db", "ok", "the service's security group may reach 5432", "-")]
    return [
        Finding(
            "db",
            "high",
            "no ingress rule lets the service's security group reach port 5432",
            "fix the aurora module's allowed_security_group_ids and re-apply",
        )
    ]


def _check_secret(ctx: OpsContext, cluster: dict[str, Any]) -> list[Finding]:
    secret = (cluster.get("MasterUserSecret") or {}).get("SecretArn") or ctx.names.db_secret
    try:
        ctx.client("secretsmanager").describe_secret(SecretId=secret)
    except ClientError as exc:
        return [
            Finding(
                "db",
                "high",
                f"database secret {secret} not readable: {_code(exc)}",
                "check the secret and the execution role's secretsmanager:GetSecretValue",
            )
        ]
    return [Finding("db", "ok", "database secret present", "-")]


def check_mwaa(ctx: OpsContext) -> list[Finding]:
    n = ctx.names
    findings: list[Finding] = []
    try:
        env = ctx.client("mwaa").get_environment(Name=n.mwaa_env)["Environment"]
    except ClientError as exc:
        if _code(exc) == "ResourceNotFoundException":
            findings.append(
                Finding(
                    "mwaa",
                    "info",
                    f"no MWAA environment {n.mwaa_env} (enable_mwaa=false?)",
                    'terraform apply -var="enable_mwaa=true" to collect on schedule',
                )
            )
        else:
            raise
    else:
        status = env.get("Status", "UNKNOWN")
        error = (env.get("LastUpdate") or {}).get("Error") or {}
        if error:
            findings.append(
                Finding(
                    "mwaa",
                    "high",
                    f"last update failed: {error.get('ErrorCode')}: {error.get('ErrorMessage')}",
                    "fix the cause, then terraform apply",
                )
            )
        if status != "AVAILABLE":
            findings.append(
                Finding(
                    "mwaa",
                    "high" if "FAILED" in status else "warning",
                    f"environment status {status}",
                    "wait, or read the scheduler log",
                )
            )
        else:
            findings.append(Finding("mwaa", "ok", "environment available", "-"))
    findings += _check_dag_bucket(ctx)
    return findings


def _check_dag_bucket(ctx: OpsContext) -> list[Finding]:
    s3 = ctx.client("s3")
    bucket = ctx.names.mwaa_bucket
    try:
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    except ClientError as exc:
        return [Finding("mwaa", "high", f"bucket {bucket}: {_code(exc)}", "terraform apply")]
    findings = []
    dags = [k for k in keys if k.startswith("dags/") and k.endswith(".py")]
    if "dags/nba_rss_scraper.py" not in dags:
        findings.append(
            Finding(
                "mwaa",
                "high",
                f"dags/nba_rss_scraper.py missing in s3://{bucket}",
                f"aws s3 sync airflow/dags s3://{bucket}/dags/ (docs/airflow.md)",
            )
        )
    if "requirements.txt" not in keys:
        findings.append(
            Finding(
                "mwaa", "warning", "requirements.txt missing", "upload airflow/requirements.txt"
            )
        )
    if not findings:
        findings.append(
            Finding("mwaa", "ok", f"{len(dags)} DAG file(s) and requirements.txt present", "-")
        )
    return findings


CHECKS = {"ecs": check_ecs, "db": check_db, "mwaa": check_mwaa}


def run(ctx: OpsContext, which: str) -> list[Finding]:
    names = list(CHECKS) if which == "all" else [which]
    findings: list[Finding] = []
    for name in names:
        findings += CHECKS[name](ctx)
    return findings
