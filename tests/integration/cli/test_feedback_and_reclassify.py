"""``feedback list``, ``feedback export`` and ``db reclassify`` as an operator runs them:
a real subprocess on a real database file."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.integration.cli.test_scrape_and_parse import run_cli
from tests.support.feeds import Item, rss

TRADE = "Lakers trade Dalton Knecht to Jazz for 2031 second-round pick"
WAIVER = "Celtics waive Jordan Walsh"
GAME = "Jayson Tatum scores 40 as Celtics beat Heat"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    feed = tmp_path / "wire.xml"
    feed.write_bytes(
        rss(
            [
                Item(TRADE, "https://w.example/2", "The Lakers traded Knecht to Utah.", guid="w2"),
                Item(WAIVER, "https://w.example/3", "Boston waived the forward.", guid="w3"),
                Item(GAME, "https://w.example/5", "Game recap."),
            ]
        )
    )
    env = {"NBA_TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}"}
    out = run_cli("scrape", "--source", str(feed), "--json", env=env)
    assert out.returncode == 0, out.stderr
    return env


def flag(env: dict[str, str], title: str, badge: str, suggested: str | None) -> None:
    """A flag as the API stores it (its own tests cover the endpoint)."""
    path = env["NBA_TRACKER_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        article_id, category, status = conn.execute(
            "select id, category, status from articles where title = ?", (title,)
        ).fetchone()
        conn.execute(
            "insert into feedback (article_id, badge, label, suggested, client_key, created_at)"
            " values (?, ?, ?, ?, ?, ?)",
            (
                article_id,
                badge,
                category if badge == "category" else status,
                suggested,
                "0" * 32,
                datetime.now(UTC).isoformat(),
            ),
        )


def test_feedback_list_and_export_in_the_labels_format(env: dict[str, str], tmp_path: Path) -> None:
    empty = run_cli("feedback", "export", env=env)
    assert empty.returncode == 0 and empty.stdout == ""
    flag(env, WAIVER, "category", "Trade")
    flag(env, TRADE, "status", None)
    flag(env, GAME, "category", "Signing")

    listed = run_cli("feedback", "list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert {(r["title"], r["badge"], r["suggested"]) for r in rows} == {
        (WAIVER, "category", "Trade"),
        (TRADE, "status", None),
        (GAME, "category", "Signing"),
    }
    assert all("client_key" not in r for r in rows)
    table = run_cli("feedback", "list", env=env)
    assert table.returncode == 0 and "3 flags" in table.stdout and "Waiver" in table.stdout

    out = tmp_path / "flags.jsonl"
    written = run_cli("feedback", "export", "--out", str(out), env=env)
    assert written.returncode == 0, written.stderr
    exported = {r["guid"]: r for r in map(json.loads, out.read_text().splitlines())}
    labels = json.loads(
        (Path(__file__).parents[2] / "data" / "labels" / "slice-1.jsonl")
        .read_text()
        .splitlines()[0]
    )
    for row in exported.values():
        assert set(labels) <= set(row), "every key of the corpus's labels"
        assert set(row) - set(labels) <= {"disputed"}
    # A suggestion replaces the label; keyed by the feed's own guid.
    assert exported["w3"]["category"] == "Trade" and exported["w3"]["confidence"] == "high"
    assert exported["w3"]["teams"] == ["BOS"] and "disputed" not in exported["w3"]
    # "wrong" alone: the label stays, named as disputed, with low confidence.
    [trade_flag] = [r for r in rows if r["title"] == TRADE]
    assert trade_flag["current"] in {"rumor", "reported", "official"}
    assert exported["w2"]["status"] == trade_flag["current"]
    assert exported["w2"]["confidence"] == "low"
    assert exported["w2"]["disputed"] == ["status"]
    # No guid in the feed: the link. Out of "Other", nobody said which status.
    game = exported["https://w.example/5"]
    assert (game["category"], game["status"], game["confidence"]) == ("Signing", None, "low")
    assert game["disputed"] == ["status"]

    unwritable = run_cli("feedback", "export", "--out", str(tmp_path / "no" / "x"), env=env)
    assert unwritable.returncode == 2 and "cannot write" in unwritable.stderr


def test_reclassify_reports_progress_and_resumes_nothing_once_finished(
    env: dict[str, str],
) -> None:
    path = env["NBA_TRACKER_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        # As stored before evidence existed: the run fills it in and moves the version.
        conn.execute("update articles set category_evidence = '', status_evidence = ''")
        conn.execute("update articles set category = 'Other', status = null where guid = 'w3'")
        version = conn.execute("select version from data_version").fetchone()[0]
    out = run_cli("db", "reclassify", "--batch-size", "2", "--json", env=env)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert (result["done"], result["total"], result["changed"]) == (3, 3, 3)
    assert result["finished_at"] is not None
    with sqlite3.connect(path) as conn:
        waiver = conn.execute(
            "select category, status, status_evidence, story_id from articles where guid = 'w3'"
        ).fetchone()
        assert waiver[0] == "Waiver" and waiver[1] is not None and waiver[2] != ""
        assert waiver[3] is not None  # back in a story of its own
        assert conn.execute("select version from data_version").fetchone()[0] > version
    table = run_cli("db", "reclassify", "--restart", env=env)
    assert table.returncode == 0, table.stderr
    assert "3 articles reclassified, 0 changed" in table.stdout
    bad = run_cli("db", "reclassify", "--batch-size", "0", env=env)
    assert bad.returncode == 2
