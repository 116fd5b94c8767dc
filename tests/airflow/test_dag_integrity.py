"""DagBag integrity on each Airflow version MWAA offers: what the scheduler would see."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.airflow.runtime import DAGS, AirflowRuntime

pytestmark = [pytest.mark.airflow, pytest.mark.slow]

EXPECTED = {
    "nba_rss_scraper": {"wait_for_api", "scrape_rss", "translate_pending"},
    "nba_league_log": {"due", "wait_for_api", "read_league_log"},
    "nba_tracker_maintenance": {
        "export_old_log_groups",
        "delete_untagged_ecr_images",
        "prune_manual_snapshots",
        "check_automated_backups",
    },
}
MAX_PARSE_SECONDS = 1.0


def test_dags_load_cleanly(airflow_runtime: AirflowRuntime, dagbag_report: dict[str, Any]) -> None:
    report = dagbag_report
    major = report["airflow_version"].split(".")[0]
    assert major == airflow_runtime.major

    assert report["import_errors"] == {}
    assert report["variable_calls"] == [], "a DAG file reads Variables at import"
    assert report["connects"] == [], "a DAG file opens network connections at import"
    assert report["imported_at_parse"] == [], "imports that belong inside tasks"
    assert set(report["dags"]) == set(EXPECTED)
    for file_name, seconds in report["parse_seconds"].items():
        assert seconds < MAX_PARSE_SECONDS, f"{file_name} took {seconds:.2f} s to parse"
    assert set(report["parse_seconds"]) == {f"{d}.py" for d in EXPECTED}

    for dag_id, tasks in EXPECTED.items():
        dag = report["dags"][dag_id]
        assert "nba-tracker" in dag["tags"]
        assert dag["catchup"] is False
        assert dag["max_active_runs"] == 1
        assert dag["has_doc_md"]
        assert set(dag["tasks"]) == tasks
        for task_id, task in dag["tasks"].items():
            assert task["retries"] >= 2, f"{dag_id}.{task_id} retries {task['retries']}"
            assert task["retry_exponential_backoff"], f"{dag_id}.{task_id} has no backoff"


def test_scraper_shape(dagbag_report: dict[str, Any]) -> None:
    dag = dagbag_report["dags"]["nba_rss_scraper"]
    assert dag["schedule"] == "*/5 * * * *"
    sensor = dag["tasks"]["wait_for_api"]
    assert sensor["mode"] == "reschedule"
    assert 0 < sensor["timeout"] < 300, "the health check must give up before the next run"
    assert sensor["downstream"] == ["scrape_rss"]
    assert dag["tasks"]["scrape_rss"]["downstream"] == ["translate_pending"]


BAD_DAG = """
import socket
from datetime import datetime

from airflow.models import Variable

try:
    from airflow.sdk import dag, task
except ImportError:
    from airflow.decorators import dag, task

try:
    socket.create_connection(("127.0.0.1", 9), timeout=1)
except OSError:
    pass
URL = Variable.get("nba_tracker_api_url", "http://127.0.0.1:9")


@dag(schedule=None, start_date=datetime(2025, 1, 1), tags=["x"])
def bad():
    @task
    def noop():
        return URL

    noop()


bad()
"""


def test_check_catches_variable_and_network_access_at_import(
    airflow_runtime: AirflowRuntime, tmp_path: Path
) -> None:
    """The integrity check itself: a DAG that reads a Variable and connects at import."""
    folder = tmp_path / "dags"
    folder.mkdir()
    (folder / "bad_dag.py").write_text(BAD_DAG)
    out = tmp_path / "dagbag.json"
    report = airflow_runtime.run("dagbag_check", str(folder), str(out), out=out).report
    assert report["connects"], report
    assert report["variable_calls"], report
    assert report["import_errors"], "the patched Variable.get must break the import"


CONNECTION_FORMS = {
    # URI, as in AIRFLOW_CONN_… or an SSM parameter
    "http://:tok-123@127.0.0.1:8000": "http://127.0.0.1:8000",
    # JSON, as docs/airflow.md puts it in SSM: schema chooses https
    '{"conn_type": "http", "host": "alb.example.com", "schema": "https", "password": "tok-123"}': (
        "https://alb.example.com"
    ),
    # a whole base URL as host
    '{"conn_type": "http", "host": "https://api.example.com/", "password": "tok-123"}': (
        "https://api.example.com"
    ),
}


SCRAPE_RESULTS = [
    ({"savedCount": 5, "skippedCount": 0, "errorCount": 0, "errors": []}, "ok"),
    ({"savedCount": 0, "skippedCount": 7, "errorCount": 0, "errors": []}, "ok"),
    # nothing new and nothing failed: quiet feeds, not an error
    ({"savedCount": 0, "skippedCount": 0, "errorCount": 0, "errors": []}, "ok"),
    # some feeds failed, others delivered
    ({"savedCount": 3, "skippedCount": 0, "errorCount": 1, "errors": ["A: timeout"]}, "ok"),
    (
        {"savedCount": 0, "skippedCount": 0, "errorCount": 2, "errors": ["A: 404", "B: 500"]},
        "AirflowException: every feed failed (2 errors): A: 404; B: 500",
    ),
    (
        {
            "savedCount": 0,
            "skippedCount": 0,
            "errorCount": 1,
            "errors": ["Collection in progress"],
            "errorCodes": ["COLLECTION_IN_PROGRESS"],
        },
        "in_progress",
    ),
    # the words alone do not make a busy collection: only the code does
    (
        {
            "savedCount": 0,
            "skippedCount": 0,
            "errorCount": 1,
            "errors": ["In Progress Feed: HTTP 500"],
            "errorCodes": ["FEED_FAILED"],
        },
        "AirflowException: every feed failed (1 errors): In Progress Feed: HTTP 500",
    ),
]


def test_helpers(airflow_runtime: AirflowRuntime, tmp_path: Path) -> None:
    """Connection forms the docs give, and how a scrapeRss answer is judged."""
    out = tmp_path / "helpers.json"
    cases = {
        "connections": list(CONNECTION_FORMS),
        "scrape_results": [result for result, _ in SCRAPE_RESULTS],
    }
    report = airflow_runtime.run(
        "helpers_check", str(DAGS), str(out), json.dumps(cases), out=out
    ).report
    assert report["connections"] == [
        {"base": base, "token": "tok-123"} for base in CONNECTION_FORMS.values()
    ]
    assert report["scrape_results"] == [verdict for _, verdict in SCRAPE_RESULTS]
