"""The shared monitoring definition: what it covers, and that what it renders is what
CloudWatch and CloudWatch Logs accept (boto3 against a moto server over HTTP)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from nba_tracker.ops.monitoring import definition as md
from tests.infra.conftest import INFRA

DEFINITION = INFRA / "monitoring" / "monitoring.json"
TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:nba-tracker-alerts"

# The operations guide's metrics, by service, in the guide's words.
GUIDE_METRICS = {
    "ecs": {"CPUUtilization", "MemoryUtilization", "RunningTaskCount", "HealthyTargetCount"},
    "rds": {
        "DatabaseConnections",
        "CPUUtilization",
        "FreeableMemory",
        "ReadLatency",
        "WriteLatency",
    },
    "alb": {
        "RequestCount",
        "TargetResponseTime",
        "HTTPCode_Target_4XX_Count",
        "HTTPCode_Target_5XX_Count",
    },
    "mwaa": {
        "SchedulerHeartbeat",
        "DAGProcessingSuccess",
        "TaskInstanceSuccess",
        "TaskInstanceFailed",
        "WorkerCount",
    },
    "app": {"ArticlesNew", "FeedsFailed", "FeedsTotal", "CollectionSeconds", "ErrorLogLines"},
}
NAMESPACES = {
    "AWS/ECS",
    "ECS/ContainerInsights",
    "AWS/RDS",
    "AWS/ApplicationELB",
    "AmazonMWAA",
    "NBATracker",
}


def names(env: str = "dev") -> dict[str, str]:
    prefix = f"nba-tracker-{env}"
    return {
        "env": env,
        "project": "nba-tracker",
        "region": "ap-northeast-1",
        "cluster": prefix,
        "service": prefix,
        "db_cluster": prefix,
        "alb": f"app/{prefix}/0123456789abcdef",
        "target_group": f"targetgroup/{prefix}/fedcba9876543210",
        "mwaa_env": prefix,
        "ecs_log_group": f"/aws/ecs/{prefix}",
    }


@pytest.fixture(scope="module")
def defn() -> dict[str, Any]:
    return md.load_definition(DEFINITION)


def metric_entries(widget: dict[str, Any]) -> list[list[Any]]:
    return list(widget["properties"].get("metrics", []))


def test_default_path_is_the_repository_copy() -> None:
    assert md.default_definition_path() == DEFINITION.resolve()
    assert md.load_definition() == md.load_definition(DEFINITION)


def test_placeholders_are_ones_both_renderers_fill(defn: dict[str, Any]) -> None:
    text = DEFINITION.read_text()
    # Terraform's templatefile would read these as escapes or directives.
    assert "%{" not in text and "$${" not in text
    assert md._placeholders_in(defn) <= set(md.PLACEHOLDERS)
    readme = (INFRA / "monitoring" / "README.md").read_text()
    for placeholder in md.PLACEHOLDERS:
        assert f"`${{{placeholder}}}`" in readme, f"README.md does not document ${{{placeholder}}}"


def test_unknown_placeholder_is_refused(tmp_path: Path, defn: dict[str, Any]) -> None:
    broken = json.loads(DEFINITION.read_text())
    broken["alarms"][0]["alarm"]["AlarmName"] = "${alarm_prefix}-${nope}"
    path = tmp_path / "monitoring.json"
    path.write_text(json.dumps(broken))
    with pytest.raises(ValueError, match="nope"):
        md.load_definition(path)


def test_names_accept_resource_names_attributes(defn: dict[str, Any]) -> None:
    class Names:
        env = "prod"
        project = "nba-tracker"
        region = "ap-northeast-1"
        cluster = service = db_cluster = mwaa_env = "nba-tracker-prod"
        alb_suffix = "app/nba-tracker-prod/1"
        target_group_suffix = "targetgroup/nba-tracker-prod/2"
        ecs_log_group = "/aws/ecs/nba-tracker-prod"

    values = md.placeholder_values(Names())
    assert values["alb"] == "app/nba-tracker-prod/1"
    assert values["alarm_prefix"] == "nba-tracker-prod"
    assert md.dashboard_name(defn, Names()) == "NBATracker-Prod"
    with pytest.raises(ValueError, match="alb"):
        md.placeholder_values({k: v for k, v in names().items() if k != "alb"})


@pytest.mark.parametrize(
    ("env", "dashboard", "cpu_alarm"),
    [
        ("dev", "NBATracker-Dev", "nba-tracker-ecs-cpu-high"),
        ("prod", "NBATracker-Prod", "nba-tracker-prod-ecs-cpu-high"),
    ],
)
def test_names_follow_the_guide(
    defn: dict[str, Any], env: str, dashboard: str, cpu_alarm: str
) -> None:
    assert md.dashboard_name(defn, names(env)) == dashboard
    alarms = {a["AlarmName"]: a for a in md.render_alarms(defn, names(env), TOPIC)}
    cpu = alarms[cpu_alarm]
    assert (cpu["Namespace"], cpu["MetricName"], cpu["Statistic"]) == (
        "AWS/ECS",
        "CPUUtilization",
        "Average",
    )
    assert (cpu["Period"], cpu["EvaluationPeriods"], cpu["Threshold"]) == (300, 2, 80)
    assert cpu["ComparisonOperator"] == "GreaterThanThreshold"
    assert cpu["AlarmActions"] == [TOPIC]


def test_dashboard_covers_every_guide_metric(defn: dict[str, Any]) -> None:
    body = md.render_dashboard(defn, names())
    json.dumps(body)  # serialisable as DashboardBody
    assert body["widgets"], "no widgets"
    seen: dict[str, set[str]] = {}
    namespaces: set[str] = set()
    for widget in body["widgets"]:
        assert widget["type"] in {"metric", "text"}
        assert 1 <= widget["width"] <= 24 and widget["height"] >= 1
        if widget["type"] == "text":
            assert widget["properties"]["markdown"].startswith("## ")
            continue
        props = widget["properties"]
        assert props["region"] == "ap-northeast-1" and props["title"]
        for entry in metric_entries(widget):
            options = entry[-1] if isinstance(entry[-1], dict) else {}
            fields = [x for x in entry if isinstance(x, str)]
            if not fields:
                assert "expression" in options and "id" in options
                continue
            namespace, metric, *dims = fields
            assert len(dims) % 2 == 0, f"dimension without value in {entry}"
            assert "${" not in json.dumps(entry), entry
            namespaces.add(namespace)
            seen.setdefault(props["title"], set()).update({metric, options.get("label", metric)})
    covered = set().union(*seen.values())
    for service, metrics in GUIDE_METRICS.items():
        assert metrics <= covered, f"{service}: {metrics - covered} missing"
    assert namespaces >= NAMESPACES


def test_reliability_alarms(defn: dict[str, Any]) -> None:
    alarms = {a["AlarmName"]: a for a in md.render_alarms(defn, names(), TOPIC)}
    quiet = alarms["nba-tracker-no-new-articles"]
    assert quiet["Namespace"] == "NBATracker" and quiet["MetricName"] == "ArticlesNew"
    assert quiet["Dimensions"] == [{"Name": "Environment", "Value": "dev"}]
    assert quiet["Statistic"] == "Sum" and quiet["Period"] * quiet["EvaluationPeriods"] == 7200
    assert quiet.get("DatapointsToAlarm", quiet["EvaluationPeriods"]) == quiet["EvaluationPeriods"]
    assert (quiet["Threshold"], quiet["ComparisonOperator"]) == (1, "LessThanThreshold")
    assert quiet["TreatMissingData"] == "breaching"

    failing = alarms["nba-tracker-feeds-failing"]
    by_id = {m["Id"]: m for m in failing["Metrics"]}
    assert by_id["failed"]["MetricStat"]["Metric"]["MetricName"] == "FeedsFailed"
    assert by_id["total"]["MetricStat"]["Metric"]["MetricName"] == "FeedsTotal"
    returned = [m for m in failing["Metrics"] if m["ReturnData"]]
    assert len(returned) == 1 and "failed / total" in returned[0]["Expression"]
    assert (failing["Threshold"], failing["ComparisonOperator"]) == (0.5, "GreaterThanThreshold")


def test_required_alarms_exist(defn: dict[str, Any]) -> None:
    rendered = md.render_alarms(defn, names(), TOPIC)
    wanted = {
        ("AWS/ECS", "CPUUtilization"),
        ("AWS/ECS", "MemoryUtilization"),
        ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"),
        ("AWS/ApplicationELB", "TargetResponseTime"),
        ("AWS/RDS", "CPUUtilization"),
        ("AWS/RDS", "DatabaseConnections"),
        ("AWS/RDS", "FreeableMemory"),
        ("AmazonMWAA", "SchedulerHeartbeat"),
        ("AmazonMWAA", "TaskInstanceFailures"),
    }
    assert wanted <= {(a.get("Namespace"), a.get("MetricName")) for a in rendered}
    latency = next(a for a in rendered if a.get("MetricName") == "TargetResponseTime")
    assert latency["ExtendedStatistic"] == "p95"


def test_services_filter(defn: dict[str, Any]) -> None:
    without_mwaa = md.render_alarms(defn, names(), TOPIC, services={"ecs", "alb", "rds", "app"})
    assert without_mwaa and not [a for a in without_mwaa if a.get("Namespace") == "AmazonMWAA"]
    widgets = md.render_dashboard(defn, names(), services={"ecs"})["widgets"]
    assert {w["properties"].get("metrics", [["AWS/ECS"]])[0][0] for w in widgets} <= {
        "AWS/ECS",
        "ECS/ContainerInsights",
        "AWS/ApplicationELB",
    }


@pytest.mark.aws
@pytest.mark.parametrize("env", ["dev", "prod"])
def test_cloudwatch_accepts_the_rendered_definition(
    moto_endpoint: str, defn: dict[str, Any], env: str
) -> None:
    region = "ap-northeast-1"
    cloudwatch = boto3.client("cloudwatch", region_name=region, endpoint_url=moto_endpoint)
    logs = boto3.client("logs", region_name=region, endpoint_url=moto_endpoint)
    sns = boto3.client("sns", region_name=region, endpoint_url=moto_endpoint)
    topic = sns.create_topic(Name="nba-tracker-alerts")["TopicArn"]

    dashboard = md.dashboard_name(defn, names(env))
    cloudwatch.put_dashboard(
        DashboardName=dashboard, DashboardBody=json.dumps(md.render_dashboard(defn, names(env)))
    )
    stored = cloudwatch.get_dashboard(DashboardName=dashboard)
    assert json.loads(stored["DashboardBody"]) == md.render_dashboard(defn, names(env))

    alarms = md.render_alarms(defn, names(env), topic)
    for params in alarms:  # botocore validates every parameter against the service model
        cloudwatch.put_metric_alarm(**params)
    described = {
        a["AlarmName"]: a
        for page in cloudwatch.get_paginator("describe_alarms").paginate(
            AlarmNamePrefix=alarms[0]["AlarmName"].split("-")[0]
        )
        for a in page["MetricAlarms"]
    }
    for params in alarms:
        alarm = described[params["AlarmName"]]
        assert alarm["AlarmActions"] == [topic]
        assert alarm["Threshold"] == params["Threshold"]
        assert alarm["ComparisonOperator"] == params["ComparisonOperator"]

    logs.create_log_group(logGroupName=names(env)["ecs_log_group"])
    for params in md.render_metric_filters(defn, names(env)):
        logs.put_metric_filter(**params)
        found = logs.describe_metric_filters(logGroupName=params["logGroupName"])["metricFilters"]
        assert [f["filterName"] for f in found] == [params["filterName"]]
        assert found[0]["filterPattern"] == '{ $.level = "ERROR" }'


def test_league_log_agreement_is_on_the_dashboard_and_alarmed(defn: dict[str, Any]) -> None:
    alarms = {a["AlarmName"]: a for a in md.render_alarms(defn, names(), TOPIC)}
    low = alarms["nba-tracker-league-log-agreement-low"]
    # The metric the league-log reader writes in its EMF line (ingest/league_log.py).
    assert (low["Namespace"], low["MetricName"]) == ("NBATracker", "LogAgreementPercent")
    assert (low["Threshold"], low["ComparisonOperator"]) == (50, "LessThanThreshold")
    # No log read (no data) is not a drop in label quality.
    assert low["TreatMissingData"] == "notBreaching"
    widgets = md.render_dashboard(defn, names())["widgets"]
    plotted = {
        entry[1]
        for w in widgets
        for entry in w["properties"].get("metrics", [])
        if isinstance(entry[0], str) and entry[0] == "NBATracker"
    }
    assert {"LogAgreementPercent", "LogUnreported"} <= plotted
