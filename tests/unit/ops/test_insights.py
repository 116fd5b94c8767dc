"""The guide's two Insights queries, and reading their results.

moto runs start_query but does not evaluate ``filter`` or ``stats``, so the tables are
tested here on responses in the shape CloudWatch Logs returns for these queries. They
are transcribed from the GetQueryResults API reference (fields, string values, the
``bin(5m)`` timestamp format, statistics) — not captured from our account; the values
are invented to exercise the parsing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from nba_tracker.ops.core import OpsError, build_context
from nba_tracker.ops.logs import aws as logs

# The guide, 「CloudWatch Insights クエリ例」, character for character.
GUIDE_ERRORS = """fields @timestamp, @message
| filter @message like /ERROR/
| stats count() by bin(5m)"""
GUIDE_LATENCY = """fields @timestamp, duration
| filter @message like /Request completed/
| stats avg(duration), max(duration), min(duration) by bin(5m)"""


def stages(query: str) -> list[str]:
    return [" ".join(part.split()) for part in query.split("|")]


def test_queries_are_the_guides() -> None:
    assert logs.ERRORS_QUERY == GUIDE_ERRORS
    assert logs.LATENCY_QUERY == GUIDE_LATENCY


def test_query_semantics() -> None:
    # errors: every message containing ERROR, counted per 5-minute bin
    assert stages(logs.ERRORS_QUERY) == [
        "fields @timestamp, @message",
        "filter @message like /ERROR/",
        "stats count() by bin(5m)",
    ]
    # latency: the numeric duration field of "Request completed" lines, per 5-minute bin
    assert stages(logs.LATENCY_QUERY) == [
        "fields @timestamp, duration",
        "filter @message like /Request completed/",
        "stats avg(duration), max(duration), min(duration) by bin(5m)",
    ]


# Recorded shape: GetQueryResults of the errors query, bins unordered as AWS may return them.
ERRORS_RESPONSE: dict[str, Any] = {
    "status": "Complete",
    "statistics": {"recordsMatched": 7.0, "recordsScanned": 5120.0, "bytesScanned": 901234.0},
    "results": [
        [
            {"field": "bin(5m)", "value": "2024-01-01 12:05:00.000"},
            {"field": "count()", "value": "4"},
        ],
        [
            {"field": "bin(5m)", "value": "2024-01-01 12:00:00.000"},
            {"field": "count()", "value": "3"},
        ],
    ],
}

# Recorded shape: GetQueryResults of the latency query.
LATENCY_RESPONSE: dict[str, Any] = {
    "status": "Complete",
    "statistics": {"recordsMatched": 3.0, "recordsScanned": 40.0, "bytesScanned": 4096.0},
    "results": [
        [
            {"field": "bin(5m)", "value": "2024-01-01 12:00:00.000"},
            {"field": "avg(duration)", "value": "35.4333"},
            {"field": "max(duration)", "value": "48"},
            {"field": "min(duration)", "value": "12.5"},
        ]
    ],
}


def test_errors_table() -> None:
    assert logs.parse_insights_results(ERRORS_RESPONSE) == [
        {"bin(5m)": "2024-01-01 12:00:00.000", "count()": 3},
        {"bin(5m)": "2024-01-01 12:05:00.000", "count()": 4},
    ]


def test_latency_table() -> None:
    (row,) = logs.parse_insights_results(LATENCY_RESPONSE)
    assert list(row) == ["bin(5m)", "avg(duration)", "max(duration)", "min(duration)"]
    assert (row["avg(duration)"], row["max(duration)"], row["min(duration)"]) == (35.4333, 48, 12.5)


def test_pointer_field_is_dropped() -> None:
    response = {
        "results": [[{"field": "@timestamp", "value": "x"}, {"field": "@ptr", "value": "Cm0K"}]]
    }
    assert logs.parse_insights_results(response) == [{"@timestamp": "x"}]


def stubbed_context() -> tuple[Any, Stubber]:
    ctx = build_context()
    client = boto3.client(
        "logs", region_name="ap-northeast-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    ctx._clients["logs"] = client
    return ctx, Stubber(client)


NOW = datetime(2024, 1, 2, 12, 0, tzinfo=UTC)


def test_run_polls_until_complete() -> None:
    ctx, stub = stubbed_context()
    stub.add_response(
        "start_query",
        {"queryId": "q-1"},
        {
            "logGroupNames": ["/aws/ecs/nba-tracker-dev"],
            "startTime": int((NOW - timedelta(hours=24)).timestamp()),
            "endTime": int(NOW.timestamp()),
            "queryString": GUIDE_ERRORS,
        },
    )
    stub.add_response("get_query_results", {"status": "Running", "results": []}, {"queryId": "q-1"})
    stub.add_response("get_query_results", ERRORS_RESPONSE, {"queryId": "q-1"})
    with stub:
        result = logs.run_insights(
            ctx, "errors", timedelta(hours=24), now=NOW, sleep=lambda s: None
        )
    stub.assert_no_pending_responses()
    assert [r["count()"] for r in result.rows] == [3, 4]
    assert result.statistics["recordsMatched"] == 7.0


def test_run_gives_up_and_stops_the_query() -> None:
    ctx, stub = stubbed_context()
    stub.add_response("start_query", {"queryId": "q-2"})
    for _ in range(3):
        stub.add_response("get_query_results", {"status": "Running", "results": []})
    stub.add_response("stop_query", {"success": True}, {"queryId": "q-2"})
    with stub, pytest.raises(OpsError, match="still running"):
        logs.run_insights(ctx, "latency", timedelta(hours=1), timeout=2, sleep=lambda s: None)
    stub.assert_no_pending_responses()


def test_failed_query_is_an_error() -> None:
    ctx, stub = stubbed_context()
    stub.add_response("start_query", {"queryId": "q-3"})
    stub.add_response("get_query_results", {"status": "Failed", "results": []})
    with stub, pytest.raises(OpsError, match="status Failed"):
        logs.run_insights(ctx, "errors", timedelta(hours=1), sleep=lambda s: None)
