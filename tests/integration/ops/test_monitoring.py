"""``ops monitoring`` and ``ops alerts`` (guide rows 1–3) on the moto server."""

from __future__ import annotations

import json
from typing import Any

import pytest

from nba_tracker.ops.monitoring import definition
from tests.integration.ops.conftest import Run

pytestmark = pytest.mark.aws


@pytest.fixture
def load_balancer(client: Any, names: Any, network: dict[str, Any]) -> dict[str, str]:
    elb = client("elbv2")
    lb = elb.create_load_balancer(Name=names.alb_name, Subnets=network["subnets"])
    group = elb.create_target_group(
        Name=names.target_group_name, Protocol="HTTP", Port=8000, VpcId=network["vpc"]
    )
    return {
        "alb": lb["LoadBalancers"][0]["LoadBalancerArn"],
        "target_group": group["TargetGroups"][0]["TargetGroupArn"],
    }


def alarms(client: Any) -> dict[str, dict[str, Any]]:
    found = client("cloudwatch").describe_alarms()["MetricAlarms"]
    return {a["AlarmName"]: a for a in found}


def test_deploy_puts_what_the_shared_definition_renders(
    run: Run,
    client: Any,
    names: Any,
    alerts_topic: str,
    load_balancer: dict[str, str],
    mwaa: dict[str, str],
) -> None:
    result = run("monitoring", "deploy", "--json")
    assert result.exit_code == 0, result.stderr

    alb_suffix = load_balancer["alb"].split(":loadbalancer/")[1]
    tg_suffix = load_balancer["target_group"].rsplit(":", 1)[1]
    rendered_names = {**names.as_dict(), "alb_suffix": alb_suffix, "target_group_suffix": tg_suffix}
    services = [s for s in definition.SERVICES if s != "mwaa"]  # no MWAA environment here
    defn = definition.load_definition()
    expected = definition.render_alarms(defn, rendered_names, alerts_topic, services)

    live = alarms(client)
    assert set(live) == {a["AlarmName"] for a in expected}
    cpu = live["nba-tracker-ecs-cpu-high"]  # the guide's own example alarm
    assert (cpu["Threshold"], cpu["Period"], cpu["EvaluationPeriods"]) == (80.0, 300, 2)
    assert cpu["AlarmActions"] == [alerts_topic]
    assert any(
        alb_suffix in str(a["Dimensions"])
        for a in live.values()
        if a.get("Namespace") == "AWS/ApplicationELB"
    )

    body = json.loads(
        client("cloudwatch").get_dashboard(DashboardName="NBATracker-Dev")["DashboardBody"]
    )
    assert body == definition.render_dashboard(defn, rendered_names, services)
    filters = client("logs").describe_metric_filters(logGroupName=names.ecs_log_group)
    assert [f["filterName"] for f in filters["metricFilters"]] == [
        f["filterName"]
        for f in definition.render_metric_filters(defn, rendered_names, services)
        if f["logGroupName"] == names.ecs_log_group
    ]
    skipped = [r for r in json.loads(result.stdout)["items"] if r["action"].startswith("skipped")]
    assert [r["kind"] for r in skipped] == ["mwaa"]


@pytest.fixture
def ecs_log_group(client: Any, names: Any, mwaa: dict[str, str]) -> None:
    client("logs").create_log_group(logGroupName=names.ecs_log_group)


def test_without_alb_its_alarms_are_skipped_and_said_so(
    run: Run, client: Any, alerts_topic: str, ecs_log_group: None
) -> None:
    result = run("monitoring", "deploy", "--json")
    assert result.exit_code == 0, result.stderr
    actions = {r["kind"]: r["action"] for r in json.loads(result.stdout)["items"]}
    assert actions["alb"] == "skipped: load balancer not found"
    assert not [a for a in alarms(client).values() if a.get("Namespace") == "AWS/ApplicationELB"]


def test_mwaa_alarms_deployed_when_the_environment_exists(
    run: Run, client: Any, names: Any, alerts_topic: str, ecs_log_group: None, mwaa: dict[str, str]
) -> None:
    mwaa[names.mwaa_env] = "AVAILABLE"
    assert run("monitoring", "deploy").exit_code == 0
    assert [a for a in alarms(client).values() if a.get("Namespace") == "AmazonMWAA"]


def test_dry_run_puts_nothing(
    run: Run, client: Any, alerts_topic: str, ecs_log_group: None
) -> None:
    result = run("monitoring", "deploy", "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    calls = json.loads(result.stdout)["dry_run_calls"]
    assert {c["operation"] for c in calls} == {
        "put_dashboard",
        "put_metric_alarm",
        "put_metric_filter",
    }
    assert alarms(client) == {}
    assert client("cloudwatch").list_dashboards()["DashboardEntries"] == []


def test_missing_topic_is_one_clear_line(run: Run, aws: str) -> None:
    result = run("monitoring", "deploy")
    assert result.exit_code == 1
    assert "SNS topic nba-tracker-alerts not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_status_names_every_alarm_and_its_state(
    run: Run, client: Any, alerts_topic: str, ecs_log_group: None
) -> None:
    before = json.loads(run("monitoring", "status", "--json").stdout)
    assert before["items"] and {r["state"] for r in before["items"]} == {"NOT DEPLOYED"}

    assert run("monitoring", "deploy").exit_code == 0
    client("cloudwatch").set_alarm_state(
        AlarmName="nba-tracker-ecs-cpu-high", StateValue="ALARM", StateReason="CPU 93% > 80%"
    )
    after = json.loads(run("monitoring", "status", "--json").stdout)
    states = {r["alarm"]: r["state"] for r in after["items"]}
    assert states["nba-tracker-ecs-cpu-high"] == "ALARM"
    assert "NOT DEPLOYED" not in states.values()
    assert after["in_alarm"] == 1


def test_status_of_dev_does_not_list_prod_alarms(
    run: Run, client: Any, alerts_topic: str, ecs_log_group: None
) -> None:
    client("cloudwatch").put_metric_alarm(
        AlarmName="nba-tracker-prod-ecs-cpu-high",
        MetricName="CPUUtilization",
        Namespace="AWS/ECS",
        Statistic="Average",
        Period=300,
        EvaluationPeriods=2,
        Threshold=80,
        ComparisonOperator="GreaterThanThreshold",
    )
    rows = json.loads(run("monitoring", "status", "--json").stdout)["items"]
    assert all(not r["alarm"].startswith("nba-tracker-prod") for r in rows)


def test_subscribe_is_idempotent_and_listed(run: Run, client: Any, alerts_topic: str) -> None:
    first = run("alerts", "subscribe", "--email", "oncall@example.com", "--json")
    assert first.exit_code == 0, first.stderr
    assert json.loads(first.stdout)["items"][0]["action"].startswith("subscribed")
    again = json.loads(run("alerts", "subscribe", "--email", "OnCall@example.com", "--json").stdout)
    assert again["items"][0]["action"] == "already subscribed"
    subs = client("sns").list_subscriptions_by_topic(TopicArn=alerts_topic)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subs] == [("email", "oncall@example.com")]

    listed = json.loads(run("alerts", "list", "--json").stdout)["items"]
    assert [(r["protocol"], r["endpoint"]) for r in listed] == [("email", "oncall@example.com")]


def test_subscribe_dry_run(run: Run, client: Any, alerts_topic: str) -> None:
    result = run("alerts", "subscribe", "--email", "oncall@example.com", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "sns.subscribe(" in result.stdout
    assert client("sns").list_subscriptions_by_topic(TopicArn=alerts_topic)["Subscriptions"] == []


@pytest.mark.parametrize("email", ["oncall", "a@b", "two@@example.com", "sp ace@example.com", ""])
def test_bad_email_never_reaches_aws(
    run: Run, alerts_topic: str, requests_sent: Any, email: str
) -> None:
    with requests_sent() as sent:
        result = run("alerts", "subscribe", "--email", email)
    assert result.exit_code == 2
    assert sent == []


def test_no_mwaa_leaves_it_out_without_asking(run: Run, client: Any, alerts_topic: str) -> None:
    # moto has no MWAA API at all: --no-mwaa must not call it.
    client("logs").create_log_group(logGroupName="/aws/ecs/nba-tracker-dev")
    result = run("monitoring", "deploy", "--no-mwaa")
    assert result.exit_code == 0, result.stderr
    assert not [a for a in alarms(client).values() if a.get("Namespace") == "AmazonMWAA"]
    states = json.loads(run("monitoring", "status", "--no-mwaa", "--json").stdout)["items"]
    assert {r["state"] for r in states} != {"NOT DEPLOYED"}
