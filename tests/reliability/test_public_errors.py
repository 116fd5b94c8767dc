"""What anyone can read carries no internals: a lock timeout on PostgreSQL shows as
"database busy", never the SQL and its parameters; integers beyond any id are "not
found" or "bad request", never a 500 with a traceback in the log."""

from __future__ import annotations

import base64
import re
import threading
from pathlib import Path

from sqlalchemy import create_engine, text

from nba_tracker.store.engine import normalize_url
from tests.reliability.probe import SCRAPE, TOKEN, sources, tracker
from tests.support.feed_server import FeedServer
from tests.support.feeds import realistic_items, rss

HUGE = "99999999999999999999"
JUST_OVER = str(2**63)
# What a driver message looks like: SQL, bound parameters, driver and table names.
INTERNALS = re.compile(
    r"SELECT|INSERT|UPDATE|\[SQL|\[parameters|psycopg|sqlite3|articles|%\(", re.I
)


def test_lock_timeout_shows_as_database_busy(
    postgres_database: str, feed_server: FeedServer, tmp_path: Path
) -> None:
    url = feed_server.add("/busy.xml", rss(realistic_items(5, "busy")))
    blocker = create_engine(normalize_url(postgres_database))
    with blocker.connect() as conn:
        trans = conn.begin()
        conn.execute(text("LOCK TABLE articles IN ACCESS EXCLUSIVE MODE"))
        env = {"NBA_TRACKER_DB_LOCK_TIMEOUT_MS": "1000"}
        with tracker(postgres_database, tmp_path, [("Busy", url, True)], env) as (_s, client):
            answer: dict[str, object] = {}
            worker = threading.Thread(
                target=lambda: answer.update(
                    client.post(
                        "/graphql", json=SCRAPE, headers={"Authorization": f"Bearer {TOKEN}"}
                    ).json()
                )
            )
            worker.start()
            worker.join(30)
            trans.rollback()
            state = sources(client)["Busy"]
    blocker.dispose()
    assert not worker.is_alive()
    # Blocked reading what is already stored, or writing: either way only the class.
    assert state["lastError"] in {
        "database read failed: database busy",
        "database write failed: database busy",
    }, state
    assert not INTERNALS.search(str(answer)), answer


def test_integers_beyond_any_id_are_not_found_or_bad_requests(
    database_url: str, tmp_path: Path
) -> None:
    cursor = base64.urlsafe_b64encode(f"2026-01-01T00:00:00+00:00|{HUGE}".encode()).decode()
    with tracker(database_url, tmp_path) as (served, client):
        for number in (HUGE, JUST_OVER, "0"):
            page = client.get(f"/story/{number}")
            assert page.status_code == 404, (number, page.status_code)
            updates = client.get("/api/updates", params={"after_id": number, "version": 0})
            assert updates.status_code == (200 if number == "0" else 400), (number, updates.text)
            assert number not in updates.text or number == "0"
            story = client.post(
                "/graphql", json={"query": f'{{ story(id: "{number}") {{ id }} }}'}
            ).json()
            assert story == {"data": {"story": None}}, story
        over = client.post(
            "/graphql",
            json={"query": f'{{ news(first: 5, after: "{cursor}") {{ edges {{ cursor }} }} }}'},
        ).json()
        assert over["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", over
        assert not INTERNALS.search(str(over))
        log = served.log.read_text()
    assert "Traceback" not in log and '"level": "error"' not in log.lower(), log[-3000:]
