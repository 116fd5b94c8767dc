"""Monitoring and alerts (guide: 監視とアラート): dashboard, alarms, SNS subscribers.

The dashboard and alarms are rendered from the one shared definition
(``infra/monitoring/monitoring.json``) that Terraform reads too; nothing here
describes a metric of its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from nba_tracker.aws_errors import error_code
from nba_tracker.ops.core import InvalidInput, OpsContext, OpsError
from nba_tracker.ops.monitoring import definition

# Deliberately plain: one @, no spaces, a dotted domain. SNS sends a confirmation
# mail anyway, so this only catches typos before they become a pending subscription.
_EMAIL = re.compile(r"[^@\s]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+")

PENDING = "PendingConfirmation"
_DESCRIBE_BATCH = 100  # describe_alarms takes at most 100 names


def check_email(address: str) -> str:
    value = address.strip()
    if len(value) > 254 or not _EMAIL.fullmatch(value):
        raise InvalidInput(f"{address!r} is not an e-mail address")
    return value


def _load() -> dict[str, Any]:
    try:
        return definition.load_definition()
    except (OSError, ValueError) as exc:
        raise OpsError(str(exc)) from exc


def find_topic_arn(ctx: OpsContext) -> str:
    """The alerts topic Terraform created: from --tf-outputs, else looked up by name."""
    if ctx.names.sns_topic_arn:
        return ctx.names.sns_topic_arn
    for page in ctx.client("sns").get_paginator("list_topics").paginate():
        for topic in page.get("Topics", []):
            arn = topic["TopicArn"]
            if arn.rsplit(":", 1)[-1] == ctx.names.sns_topic:
                return str(arn)
    raise OpsError(
        f"SNS topic {ctx.names.sns_topic} not found in {ctx.names.region}; "
        "it is created by Terraform (infra/terraform)"
    )


@dataclass
class Scope:
    """What the definition is rendered with for this environment, and what was left out."""

    names: dict[str, str]
    services: list[str]
    skipped: list[dict[str, str]] = field(default_factory=list)


def _not_found(exc: ClientError) -> bool:
    code = error_code(exc)
    return "NotFound" in code


def _arn_suffix(ctx: OpsContext, operation: str, key: str, name: str) -> str | None:
    """CloudWatch's dimension: ``app/<name>/<id>`` (ALB) or ``targetgroup/<name>/<id>``."""
    try:
        found = getattr(ctx.client("elbv2"), operation)(Names=[name])
    except ClientError as exc:
        if _not_found(exc):
            return None
        raise
    items = found.get(key, [])
    if not items:
        return None
    resource = str(items[0][key[:-1] + "Arn"]).rsplit(":", 1)[-1]
    return resource.removeprefix("loadbalancer/")


def _mwaa_exists(ctx: OpsContext) -> bool:
    try:
        ctx.client("mwaa").get_environment(Name=ctx.names.mwaa_env)
    except ClientError as exc:
        if _not_found(exc):
            return False
        raise
    return True


def scope(ctx: OpsContext, mwaa: bool | None = None) -> Scope:
    """Fill the ALB suffixes (Terraform outputs, else a lookup by name) and leave out the
    services this environment does not run (no ALB yet, MWAA disabled).

    ``mwaa`` None asks MWAA whether the environment exists; True/False decides without asking.
    """
    names = ctx.names.as_dict()
    services = list(definition.SERVICES)
    skipped: list[dict[str, str]] = []
    alb = ctx.names.alb_suffix or _arn_suffix(
        ctx, "describe_load_balancers", "LoadBalancers", ctx.names.alb_name
    )
    group = ctx.names.target_group_suffix or _arn_suffix(
        ctx, "describe_target_groups", "TargetGroups", ctx.names.target_group_name
    )
    if alb and group:
        names.update(alb_suffix=alb, target_group_suffix=group)
    else:
        # The renderer wants every placeholder filled even for services it leaves out.
        names.update(alb_suffix="-", target_group_suffix="-")
        services.remove("alb")
        skipped.append(
            {
                "kind": "alb",
                "name": ctx.names.alb_name,
                "action": "skipped: load balancer not found",
            }
        )
    if not (_mwaa_exists(ctx) if mwaa is None else mwaa):
        services.remove("mwaa")
        why = "skipped: environment not found" if mwaa is None else "skipped: --no-mwaa"
        skipped.append({"kind": "mwaa", "name": ctx.names.mwaa_env, "action": why})
    return Scope(names, services, skipped)


def deploy(ctx: OpsContext, mwaa: bool | None = None) -> list[dict[str, str]]:
    """Put the dashboard, the metric filters and every alarm of the shared definition."""
    defn = _load()
    topic_arn = find_topic_arn(ctx)
    where = scope(ctx, mwaa)
    verb = "would put" if ctx.dry_run else "put"
    done: list[dict[str, str]] = []

    body = definition.render_dashboard(defn, where.names, where.services)
    name = definition.dashboard_name(defn, where.names)
    ctx.change(
        "cloudwatch",
        "put_dashboard",
        DashboardName=name,
        DashboardBody=json.dumps(body, separators=(",", ":")),
    )
    done.append({"kind": "dashboard", "name": name, "action": verb})

    for params in definition.render_metric_filters(defn, where.names, where.services):
        ctx.change("logs", "put_metric_filter", **params)
        done.append({"kind": "metric filter", "name": params["filterName"], "action": verb})

    for params in definition.render_alarms(defn, where.names, topic_arn, where.services):
        ctx.change("cloudwatch", "put_metric_alarm", **params)
        done.append({"kind": "alarm", "name": params["AlarmName"], "action": verb})
    return done + where.skipped


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def alarm_states(ctx: OpsContext, mwaa: bool | None = None) -> list[dict[str, Any]]:
    """Every alarm the definition calls for here, with its state; absent ones say so.

    Asking by exact name (not by prefix) keeps dev from listing prod's alarms.
    """
    defn = _load()
    where = scope(ctx, mwaa)
    wanted = [
        a["AlarmName"]
        for a in definition.render_alarms(
            defn, where.names, ctx.names.sns_topic_arn, where.services
        )
    ]
    found: dict[str, dict[str, Any]] = {}
    cloudwatch = ctx.client("cloudwatch")
    for batch in _batches(wanted, _DESCRIBE_BATCH):
        for page in cloudwatch.get_paginator("describe_alarms").paginate(AlarmNames=batch):
            for alarm in page.get("MetricAlarms", []):
                found[alarm["AlarmName"]] = alarm
    rows: list[dict[str, Any]] = []
    for name in wanted:
        alarm = found.get(name)
        if alarm is None:
            rows.append({"alarm": name, "state": "NOT DEPLOYED", "since": None, "reason": ""})
            continue
        rows.append(
            {
                "alarm": name,
                "state": alarm.get("StateValue"),
                "since": alarm.get("StateUpdatedTimestamp"),
                "reason": alarm.get("StateReason", ""),
            }
        )
    return rows


def subscriptions(ctx: OpsContext, topic_arn: str | None = None) -> list[dict[str, str]]:
    arn = topic_arn or find_topic_arn(ctx)
    rows: list[dict[str, str]] = []
    pages = ctx.client("sns").get_paginator("list_subscriptions_by_topic")
    for page in pages.paginate(TopicArn=arn):
        for sub in page.get("Subscriptions", []):
            pending = sub.get("SubscriptionArn") == PENDING
            rows.append(
                {
                    "protocol": sub.get("Protocol", ""),
                    "endpoint": sub.get("Endpoint", ""),
                    "status": "pending confirmation" if pending else "confirmed",
                    "subscription": "" if pending else sub.get("SubscriptionArn", ""),
                }
            )
    return rows


def subscribe_email(ctx: OpsContext, address: str) -> dict[str, str]:
    """Subscribe an address once; a second run reports it instead of subscribing again."""
    email = check_email(address)
    arn = find_topic_arn(ctx)
    for row in subscriptions(ctx, arn):
        if row["protocol"] == "email" and row["endpoint"].lower() == email.lower():
            return {**row, "action": "already subscribed"}
    response = ctx.change(
        "sns",
        "subscribe",
        TopicArn=arn,
        Protocol="email",
        Endpoint=email,
        ReturnSubscriptionArn=True,
    )
    if ctx.dry_run:
        return {"protocol": "email", "endpoint": email, "status": "", "action": "would subscribe"}
    return {
        "protocol": "email",
        "endpoint": email,
        "status": "pending confirmation",
        "subscription": response.get("SubscriptionArn", ""),
        "action": "subscribed: confirm from the e-mail AWS sends",
    }
