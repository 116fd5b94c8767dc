"""nba_rss_scraper end to end: real Airflow's ``dag.test()`` against a real ``nba-tracker
serve`` on loopback (SQLite, local feed files), on Airflow 2.10 and Airflow 3."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.airflow.runtime import DAGS, AirflowRuntime, DriverRun
from tests.conftest import free_port, unavailable, wait_for_http
from tests.support.feeds import Item, rss

pytestmark = [pytest.mark.airflow, pytest.mark.slow, pytest.mark.timeout(600)]

TOKEN = "airflow-e2e-token-0123456789"
NOW = datetime.now(UTC).replace(microsecond=0)

HOOPS_ITEMS = [
    Item(
        "Lakers trade D'Angelo Russell to Nets for Dorian Finney-Smith",
        "https://hoops.example.com/2026/lakers-trade-russell-nets",
        "The Los Angeles Lakers traded D'Angelo Russell and three second-round picks to "
        "the Brooklyn Nets for Dorian Finney-Smith and Shake Milton.",
        NOW - timedelta(hours=1),
        "hoops-1001",
    ),
    Item(
        "Warriors sign Jonathan Kuminga to two-year extension",
        "https://hoops.example.com/2026/warriors-kuminga-extension",
        "Golden State and Jonathan Kuminga agreed to a two-year extension, sources say.",
        NOW - timedelta(hours=2),
        "hoops-1002",
    ),
    Item(
        "Heat waive Josh Richardson",
        "https://hoops.example.com/2026/heat-waive-richardson",
        "The Miami Heat have waived guard Josh Richardson to open a roster spot.",
        NOW - timedelta(hours=3),
        "hoops-1003",
    ),
]
WIRE_ITEMS = [
    Item(
        "Mavericks acquire Klay Thompson in sign-and-trade with Warriors",
        "https://wire.example.com/nba/mavericks-klay-thompson-sign-and-trade",
        "Dallas landed Klay Thompson in a six-team sign-and-trade deal with Golden State.",
        NOW - timedelta(minutes=30),
        "wire-2001",
    ),
    Item(
        "Knicks trade for Mikal Bridges, sending five first-round picks to Brooklyn",
        "https://wire.example.com/nba/knicks-acquire-mikal-bridges",
        "New York sent Bojan Bogdanovic and five first-round picks to the Nets.",
        NOW - timedelta(minutes=90),
        "wire-2002",
    ),
]
ARTICLE_URLS = {item.link for item in HOOPS_ITEMS + WIRE_ITEMS}


class TrackerApi:
    """``nba-tracker serve`` on a free loopback port, with its own SQLite and feeds."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.db_path = workdir / "tracker.db"
        self.feeds_file = workdir / "feeds.toml"
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = workdir / "serve.log"

    @property
    def exe(self) -> str:
        return str(Path(sys.executable).with_name("nba-tracker"))

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("NBA_TRACKER_")}
        env.update(
            NBA_TRACKER_DATABASE_URL=f"sqlite:///{self.db_path}",
            NBA_TRACKER_API_TOKEN=TOKEN,
            NBA_TRACKER_FEEDS_FILE=str(self.feeds_file),
        )
        return env

    def write_feeds(self, feeds: dict[str, Path]) -> None:
        lines = ["replace_defaults = true", ""]
        for name, path in feeds.items():
            lines += [
                "[[feeds]]",
                f"name = {json.dumps(name)}",
                f"url = {json.dumps(str(path))}",
                "",
            ]
        self.feeds_file.write_text("\n".join(lines))

    def start(self) -> None:
        help_run = subprocess.run(
            [self.exe, "serve", "--help"], capture_output=True, text=True, env=self.env
        )
        if help_run.returncode != 0:
            unavailable("`nba-tracker serve` is not in this build")
        self.proc = subprocess.Popen(
            [self.exe, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--no-collect"],
            cwd=self.workdir,  # no developer .env is read
            env=self.env,
            stdout=self.log_path.open("wb"),
            stderr=subprocess.STDOUT,
        )
        # Migrations and reference data first; a busy CI machine can take a while.
        if not wait_for_http(f"{self.url}/health", timeout=120):
            self.stop()
            raise AssertionError(
                f"serve did not become healthy:\n{self.log_path.read_text()[-3000:]}"
            )

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def connection_uri(self) -> str:
        # Connection nba_tracker_api as the env var MWAA's SSM parameter would hold.
        return f"http://:{TOKEN}@127.0.0.1:{self.port}"

    def stored_article_urls(self) -> set[str]:
        with sqlite3.connect(self.db_path) as conn:
            return {row[0] for row in conn.execute("SELECT url FROM articles")}


@pytest.fixture
def tracker_api(tmp_path: Path) -> Iterator[TrackerApi]:
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    hoops = feeds / "hoops.xml"
    wire = feeds / "wire.xml"
    hoops.write_bytes(rss(HOOPS_ITEMS, title="Hoops Transactions"))
    wire.write_bytes(rss(WIRE_ITEMS, title="NBA Wire"))
    api = TrackerApi(tmp_path)
    api.write_feeds({"Hoops Transactions": hoops, "NBA Wire": wire})
    api.start()
    try:
        yield api
    finally:
        api.stop()


def run_scraper(
    runtime: AirflowRuntime,
    api: TrackerApi,
    out: Path,
    overrides: dict[str, object] | None = None,
    connection: str | None = None,
) -> DriverRun:
    return runtime.run(
        "run_dag",
        str(DAGS),
        "nba_rss_scraper",
        str(out),
        json.dumps(overrides or {}),
        out=out,
        env={"AIRFLOW_CONN_NBA_TRACKER_API": connection or api.connection_uri},
    )


def test_scraper_collects_then_fails_cleanly(
    airflow_runtime: AirflowRuntime, tracker_api: TrackerApi, tmp_path: Path
) -> None:
    # 1. A healthy API: the run succeeds and the articles are in the database.
    run = run_scraper(airflow_runtime, tracker_api, tmp_path / "ok.json")
    report = run.report
    assert report["state"] == "success", run.output[-5000:]
    assert report["tasks"]["wait_for_api"] == "success"
    assert report["tasks"]["scrape_rss"] == "success"
    # translatePendingNews may not be deployed yet: skipped, never failed.
    assert report["tasks"]["translate_pending"] in {"success", "skipped"}
    scraped = report["xcom"]["scrape_rss"]
    assert scraped["savedCount"] == len(ARTICLE_URLS)
    assert scraped["errorCount"] == 0
    assert f"scrapeRss: saved={len(ARTICLE_URLS)}" in run.output  # the counts in the task log
    assert tracker_api.stored_article_urls() >= ARTICLE_URLS

    # 2. A wrong token fails the collection at once: no retries (the API rate-limits
    #    refused tokens), and nothing runs.
    run = run_scraper(
        airflow_runtime,
        tracker_api,
        tmp_path / "bad-token.json",
        connection=f"http://:wrong-token@127.0.0.1:{tracker_api.port}",
    )
    assert run.report["state"] == "failed", run.output[-5000:]
    assert run.report["tasks"]["scrape_rss"] == "failed"
    assert "API refused the token" in run.output
    assert run.output.count("scrapeRss: saved=") == 0

    # 3. Every feed failing fails the run, so the failed-task alarm fires.
    tracker_api.write_feeds(
        {"Gone": tmp_path / "missing-1.xml", "Gone too": tmp_path / "missing-2.xml"}
    )
    run = run_scraper(
        airflow_runtime, tracker_api, tmp_path / "feeds-failed.json", {"scrape_rss": {"retries": 0}}
    )
    assert run.report["state"] == "failed", run.output[-5000:]
    assert run.report["tasks"]["scrape_rss"] == "failed"
    assert "every feed failed" in run.output

    # 4. The API gone: the health check times out and the run fails there, cleanly.
    tracker_api.stop()
    run = run_scraper(
        airflow_runtime,
        tracker_api,
        tmp_path / "down.json",
        {"wait_for_api": {"timeout": 4, "poke_interval": 1}},
    )
    assert run.report["state"] == "failed", run.output[-5000:]
    assert run.report["tasks"] == {
        "wait_for_api": "failed",
        "scrape_rss": "upstream_failed",
        "translate_pending": "upstream_failed",
    }
    assert "AirflowSensorTimeout" in run.output
