"""The league-log DAG's schedule and failure rules, in real Airflow 2.10 and 3: every 30
minutes, every 5 inside the trade-deadline window; the RSS collection's failure rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.airflow.runtime import DAGS, AirflowRuntime

pytestmark = [pytest.mark.airflow, pytest.mark.slow]

WINDOW = "2027-02-04T12:00:00Z/2027-02-06T03:00:00Z"
DUE = [
    # outside the window: the runs at :00 and :30 only
    (("2027-01-10T10:00:00+00:00", WINDOW), True),
    (("2027-01-10T10:05:00+00:00", WINDOW), False),
    (("2027-01-10T10:25:00+00:00", WINDOW), False),
    (("2027-01-10T10:30:00+00:00", WINDOW), True),
    (("2027-01-10T10:35:00+00:00", None), False),
    # inside: every run
    (("2027-02-05T10:05:00+00:00", WINDOW), True),
    (("2027-02-05T10:25:00+00:00", WINDOW), True),
    (("2027-02-06T03:05:00+00:00", WINDOW), False),  # just after it ends
    (("2027-02-05T10:05:00+00:00", ""), False),  # no window configured
]
WINDOWS = [
    ("next week", "AirflowFailException: Variable nba_tracker_trade_deadline_window must be "
     "START/END in ISO 8601, got 'next week'"),
    ("2027-02-06T00:00:00Z/2027-02-04T00:00:00Z", "AirflowFailException: Variable "
     "nba_tracker_trade_deadline_window: both ends need a time zone and END must follow START"),
    ("2027-02-04T00:00:00/2027-02-06T00:00:00", "AirflowFailException: Variable "
     "nba_tracker_trade_deadline_window: both ends need a time zone and END must follow START"),
    ("", "None"),
]  # fmt: skip
RESULTS: list[tuple[dict[str, Any], str]] = [
    ({"newCount": 3, "revisedCount": 0, "errorCount": 0, "errors": []}, "ok"),
    ({"newCount": 0, "revisedCount": 0, "errorCount": 0, "errors": []}, "ok"),  # unchanged
    (
        {"newCount": 0, "revisedCount": 0, "errorCount": 1, "errors": ["NBA league log: HTTP 503"],
         "errorCodes": ["FEED_FAILED"]},
        "AirflowException: the league log could not be read: NBA league log: HTTP 503",
    ),
    (
        {"newCount": 0, "revisedCount": 0, "errorCount": 1, "errors": ["busy"],
         "errorCodes": ["COLLECTION_IN_PROGRESS"]},
        "in_progress",
    ),
]  # fmt: skip


def test_schedule_window_and_failure_rules(airflow_runtime: AirflowRuntime, tmp_path: Path) -> None:
    out = tmp_path / "league.json"
    cases = {
        "due": [list(args) for args, _ in DUE],
        "windows": [w for w, _ in WINDOWS],
        "results": [r for r, _ in RESULTS],
    }
    report = airflow_runtime.run(
        "league_log_check", str(DAGS), str(out), json.dumps(cases), out=out
    ).report
    assert report["due"] == [expected for _, expected in DUE]
    assert report["windows"] == [expected for _, expected in WINDOWS]
    assert report["results"] == [expected for _, expected in RESULTS]


def test_league_log_dag_shape(dagbag_report: dict[str, Any]) -> None:
    dag = dagbag_report["dags"]["nba_league_log"]
    assert dag["schedule"] == "*/5 * * * *"
    assert dag["tasks"]["due"]["downstream"] == ["wait_for_api"]
    sensor = dag["tasks"]["wait_for_api"]
    assert sensor["mode"] == "reschedule" and 0 < sensor["timeout"] < 300
    assert sensor["downstream"] == ["read_league_log"]
