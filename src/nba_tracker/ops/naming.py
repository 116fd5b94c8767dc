"""Every AWS resource name the runbook touches, derived in one place from project + env.

Terraform creates the resources with the same rules (``infra/terraform``); when a
deployment differs, ``terraform output -json`` overrides individual names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from nba_tracker.resources import TERMINOLOGY

PROJECT = "nba-tracker"
DEFAULT_REGION = "ap-northeast-1"
ENVIRONMENTS = ("dev", "prod")

# terraform output name -> ResourceNames field it overrides
_TF_OUTPUT_FIELDS = {
    "cluster_name": "cluster",
    "service_name": "service",
    "db_cluster_id": "db_cluster",
    "mwaa_dag_bucket": "mwaa_bucket",
    "sns_topic_arn": "sns_topic_arn",
    "ecr_repository_url": "ecr_repository_url",
    "db_secret_arn": "db_secret",
    "logs_bucket": "logs_bucket",
    "alb_dns_name": "alb_dns_name",
    "ecs_security_group_id": "ecs_security_group_id",
    "db_security_group_id": "db_security_group_id",
    "alb_arn_suffix": "alb_suffix",
    "target_group_arn_suffix": "target_group_suffix",
}


@dataclass(frozen=True)
class ResourceNames:
    env: str
    region: str = DEFAULT_REGION
    project: str = PROJECT
    prefix: str = ""
    cluster: str = ""
    service: str = ""
    db_cluster: str = ""
    db_secret: str = ""
    ssm_path: str = ""
    ecr_repository: str = ""
    ecr_repository_url: str = ""
    ecs_log_group: str = ""
    mwaa_env: str = ""
    mwaa_task_log_group: str = ""
    mwaa_scheduler_log_group: str = ""
    mwaa_bucket: str = ""
    logs_bucket: str = ""
    sns_topic: str = ""
    sns_topic_arn: str = ""
    dashboard: str = ""
    alarm_prefix: str = ""
    terminology: str = ""
    scheduler_state_parameter: str = ""
    emergency_state_parameter: str = ""
    alb_dns_name: str = ""
    ecs_security_group_id: str = ""
    db_security_group_id: str = ""
    manual_snapshot_prefix: str = ""
    restored_db_cluster: str = ""
    ecs_scaling_policy: str = ""
    alb_name: str = ""
    target_group_name: str = ""
    # CloudWatch's ALB dimensions ("app/<name>/<id>"): AWS picks the id, so these come
    # from Terraform outputs or a lookup by alb_name / target_group_name.
    alb_suffix: str = ""
    target_group_suffix: str = ""

    @property
    def autoscaling_resource_id(self) -> str:
        return f"service/{self.cluster}/{self.service}"

    def log_group(self, which: str) -> str:
        """``ecs``, ``mwaa-task`` or ``mwaa-scheduler`` → the log group name."""
        groups = {
            "ecs": self.ecs_log_group,
            "mwaa-task": self.mwaa_task_log_group,
            "mwaa-scheduler": self.mwaa_scheduler_log_group,
        }
        if which not in groups:
            raise ValueError(f"unknown log source {which!r}; choose one of {', '.join(groups)}")
        return groups[which]

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def resource_names(env: str, region: str = DEFAULT_REGION, project: str = PROJECT) -> ResourceNames:
    if env not in ENVIRONMENTS:
        raise ValueError(f"unknown environment {env!r}; choose one of {', '.join(ENVIRONMENTS)}")
    prefix = f"{project}-{env}"
    return ResourceNames(
        env=env,
        region=region,
        project=project,
        prefix=prefix,
        cluster=prefix,
        service=prefix,
        db_cluster=prefix,
        db_secret=f"{prefix}-db-password",
        ssm_path=f"/{project}/{env}",
        ecr_repository=prefix,
        ecs_log_group=f"/aws/ecs/{prefix}",
        mwaa_env=prefix,
        # The guide writes /aws/mwaa/{prefix}/task, but MWAA names its log groups itself
        # (airflow-<environment>-<Type>) and cannot be told otherwise.
        mwaa_task_log_group=f"airflow-{prefix}-Task",
        mwaa_scheduler_log_group=f"airflow-{prefix}-Scheduler",
        mwaa_bucket=f"{prefix}-mwaa",
        logs_bucket=f"{prefix}-logs",
        # The guide names one topic for every environment; prod gets its own suffix
        # so a dev alarm never pages the prod on-call.
        sns_topic=f"{project}-alerts" if env == "dev" else f"{project}-{env}-alerts",
        dashboard=f"NBATracker-{env.capitalize()}",
        alarm_prefix=project if env == "dev" else prefix,
        terminology=TERMINOLOGY,
        scheduler_state_parameter=f"/{project}/{env}/scheduler/state",
        emergency_state_parameter=f"/{project}/{env}/emergency/state",
        # Same rule as the topic: the guide's name for dev, the env in it for prod.
        manual_snapshot_prefix=f"{project}-manual" if env == "dev" else f"{prefix}-manual",
        restored_db_cluster=f"{prefix}-restored",
        ecs_scaling_policy="cpu-scaling-policy",
        alb_name=prefix,
        target_group_name=prefix,
    )


def with_terraform_outputs(names: ResourceNames, outputs_file: Path) -> ResourceNames:
    """Override names with the values of ``terraform output -json``."""
    try:
        raw: dict[str, Any] = json.loads(outputs_file.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read Terraform outputs from {outputs_file}: {exc}") from exc
    overrides: dict[str, str] = {}
    for output, field_name in _TF_OUTPUT_FIELDS.items():
        entry = raw.get(output)
        value = entry.get("value") if isinstance(entry, dict) else entry
        if isinstance(value, str) and value:
            overrides[field_name] = value
    if "ecr_repository_url" in overrides:
        overrides["ecr_repository"] = overrides["ecr_repository_url"].rsplit("/", 1)[-1]
    return replace(names, **overrides)
