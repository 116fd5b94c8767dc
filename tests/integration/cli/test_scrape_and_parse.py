"""The CLI as a user runs it: a real subprocess, real files and a real HTTP server."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.support.feed_server import FeedServer
from tests.support.feeds import Item, realistic_items, rss

CLI = [sys.executable, "-m", "nba_tracker.cli"]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=full_env, timeout=120)


def test_scrape_json_counts_and_exit_codes(tmp_path: Path, feed_server: FeedServer) -> None:
    db = tmp_path / "t.db"
    env = {"NBA_TRACKER_DATABASE_URL": f"sqlite:///{db}"}
    good = feed_server.add("/good.xml", rss(realistic_items(6, "cli")))
    bad = feed_server.url("/nope.xml")
    out = run_cli("scrape", "--source", good, "--source", bad, "--json", env=env)
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    assert payload["totals"] == {"fetched": 6, "new": 6, "duplicate": 0, "failed": 1}
    assert {f["status"] for f in payload["feeds"]} == {"ok", "failed"}
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] == 6

    only_bad = run_cli("scrape", "--source", bad, "--json", env=env)
    assert only_bad.returncode == 1
    assert json.loads(only_bad.stdout)["totals"]["failed"] == 1


def test_scrape_table_output(tmp_path: Path, feed_server: FeedServer) -> None:
    url = feed_server.add("/t.xml", rss(realistic_items(2, "table")))
    out = run_cli(
        "scrape",
        "--source",
        url,
        env={"NBA_TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"},
    )
    assert out.returncode == 0, out.stderr
    assert "total" in out.stdout and "fetched" in out.stdout


def test_parse_json_lines_and_writes_nothing(tmp_path: Path) -> None:
    feed = tmp_path / "wire.xml"
    feed.write_bytes(
        rss(
            [
                Item(
                    "The Toronto Raptors have signed Jamal Shead to a 10-day contract.",
                    "https://wire.example/1?utm_source=rss",
                    "<p>Official.</p>",
                )
            ]
        )
    )
    db = tmp_path / "never.db"
    out = run_cli("parse", str(feed), "--json", env={"NBA_TRACKER_DATABASE_URL": f"sqlite:///{db}"})
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 1
    row = rows[0]
    assert set(row) >= {
        "id",
        "title",
        "link",
        "published_at",
        "summary",
        "category",
        "status",
        "teams",
        "players",
        "picks",
    }
    assert row["link"] == "https://wire.example/1"
    assert row["category"] == "Signing"
    assert "TOR" in row["teams"]
    assert not db.exists()


def test_parse_unreadable_feed_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<html><body>nope</body></html>")
    out = run_cli("parse", str(bad), "--json")
    assert out.returncode != 0
    # With --json the error is also one JSON object on stdout, for the caller parsing it.
    assert json.loads(out.stdout)["error"]["message"].startswith("cannot read ")
    assert "error:" in out.stderr and "Traceback" not in out.stderr
    missing = run_cli("parse", str(tmp_path / "missing.xml"))
    assert missing.returncode != 0 and "cannot read" in missing.stderr
