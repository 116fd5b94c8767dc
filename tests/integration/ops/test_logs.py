"""``ops logs`` (guide rows 4–5): tail, follow, search and Insights on the moto server.

moto runs ``start_query`` but ignores ``filter``/``stats`` (it returns the raw events),
so here we prove the call (groups, time range, the guide's query) and the polling;
the stats tables are parsed from recorded shapes in tests/unit/ops/test_insights.py.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from nba_tracker.ops.core import build_context
from nba_tracker.ops.logs import aws as logs
from tests.integration.ops.conftest import Run, put_events

pytestmark = pytest.mark.aws


def test_tail_prints_recent_events_verbatim(run: Run, log_groups: dict[str, list[str]]) -> None:
    result = run("logs", "tail", "ecs", "--since", "10m")
    assert result.exit_code == 0, result.stderr
    # "[pool exhausted]" is log text, not Rich markup: it must survive as is.
    assert "ERROR database unavailable [pool exhausted]" in result.stdout
    assert result.stdout.count("Request completed") == 2


def test_tail_json_is_one_event_per_line(
    run: Run, names: Any, log_groups: dict[str, list[str]]
) -> None:
    result = run("logs", "tail", "mwaa-scheduler", "--json")
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["message"] for e in lines] == log_groups[names.mwaa_scheduler_log_group]
    assert lines[0]["stream"] == "app/1"


def test_tail_since_excludes_older_events(
    run: Run, client: Any, names: Any, log_groups: dict[str, list[str]]
) -> None:
    put_events(client, names.ecs_log_group, ["INFO fresh line"])
    result = run("logs", "tail", "ecs", "--since", "30s", "--json")
    assert [json.loads(line)["message"] for line in result.stdout.splitlines()] == [
        "INFO fresh line"
    ]


def test_follow_yields_new_events_once(client: Any, names: Any, aws: str) -> None:
    put_events(client, names.mwaa_task_log_group, ["INFO first", "INFO second"])
    ctx = build_context()
    start = int(time.time() * 1000) - 60_000
    polls = iter([["INFO third"], ["INFO fourth", "INFO fifth"], []])
    clock = [0.0]

    def sleep(seconds: float) -> None:
        clock[0] += seconds
        new = next(polls)
        if new:
            put_events(client, names.mwaa_task_log_group, new)

    seen = [
        e.message
        for e in logs.follow_events(
            ctx,
            names.mwaa_task_log_group,
            start,
            interval=1,
            deadline=3.5,
            sleep=sleep,
            clock=lambda: clock[0],
        )
    ]
    assert seen == ["INFO first", "INFO second", "INFO third", "INFO fourth", "INFO fifth"]


def test_follow_stops_after_follow_for(run: Run, log_groups: dict[str, list[str]]) -> None:
    started = time.monotonic()
    result = run("logs", "tail", "ecs", "--follow", "--follow-for", "1s", "--interval", "1")
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started < 10
    assert "feed timeout" in result.stdout
    assert "stopped following /aws/ecs/nba-tracker-dev" in result.stderr


def test_search_finds_error_lines(run: Run, log_groups: dict[str, list[str]]) -> None:
    result = run("logs", "search", "--since", "1h", "--pattern", "ERROR", "--json")
    assert result.exit_code == 0, result.stderr
    messages = [r["message"] for r in json.loads(result.stdout)["items"]]
    assert messages == [
        "ERROR database unavailable [pool exhausted]",
        "ERROR feed timeout source=espn",
    ]


def test_search_until_bounds_the_range(run: Run, log_groups: dict[str, list[str]]) -> None:
    # The fixture's events are two minutes old: a window ending five minutes ago is empty.
    result = run("logs", "search", "--since", "1h", "--until", "5m", "--json")
    assert json.loads(result.stdout)["items"] == []


@pytest.mark.parametrize(
    "args",
    [
        ["tail", "ecs", "--since", "1 hour"],
        ["tail", "ecs", "--since", "-1h"],
        ["tail", "ecs", "--since", "0m"],
        ["tail", "nginx"],
        ["search", "--since", "yesterday"],
        ["search", "--since", "1h", "--until", "2h"],
        ["search", "--since", "1h", "--source", "rds"],
        ["insights", "errors", "--since", "24"],
        ["insights", "slowest"],
    ],
)
def test_malformed_input_never_reaches_aws(
    run: Run, log_groups: dict[str, list[str]], requests_sent: Any, args: list[str]
) -> None:
    with requests_sent() as sent:
        result = run("logs", *args)
    assert result.exit_code == 2, result.stdout
    assert sent == []


def test_missing_log_group_is_one_line(run: Run, aws: str) -> None:
    result = run("logs", "tail", "ecs")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: not found (FilterLogEvents)")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("query", ["errors", "latency"])
def test_insights_runs_the_guide_query_on_the_group(
    run: Run,
    names: Any,
    log_groups: dict[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    query: str,
) -> None:
    started: list[dict[str, Any]] = []
    original = logs.run_insights

    def spy(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        client = ctx.client("logs")
        start = client.start_query

        def record(**params: Any) -> Any:
            started.append(params)
            return start(**params)

        monkeypatch.setattr(client, "start_query", record)
        return original(ctx, *args, **kwargs)

    monkeypatch.setattr(logs, "run_insights", spy)
    result = run("logs", "insights", query, "--since", "24h", "--json")
    assert result.exit_code == 0, result.stderr
    (params,) = started
    assert params["logGroupNames"] == [names.ecs_log_group]
    assert params["queryString"] == logs.INSIGHTS_QUERIES[query]
    assert params["endTime"] - params["startTime"] == 24 * 3600
    assert json.loads(result.stdout)["query"] == logs.INSIGHTS_QUERIES[query]
