"""A collector that hangs (SIGSTOP) or dies (SIGKILL) mid-collection holds nothing for
long: /health says a collection is stuck once it passes its deadline, the next
collection takes the lock once the hung one has stopped beating, and the run it left
is marked ``abandoned``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine, make_sessionmaker
from nba_tracker.store.models import ScrapeRun
from tests.reliability.probe import SCRAPE, TOKEN, feeds_file, scrape, tracker
from tests.support.feed_server import FeedServer, Route
from tests.support.feeds import realistic_items, rss

LEASE = 3.0
DEADLINE = 4.0


def _collector(database_url: str, feeds: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "NBA_TRACKER_DATABASE_URL": database_url,
        "NBA_TRACKER_FEEDS_FILE": str(feeds),
        "NBA_TRACKER_COLLECTION_LEASE_SECONDS": str(LEASE),
        "NBA_TRACKER_FETCH_TIMEOUT": "120",
        "NBA_TRACKER_FETCH_RETRIES": "0",
    }
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "nba_tracker.cli", "scrape"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _runs(database_url: str) -> dict[int, str]:
    engine = make_engine(Settings(), database_url)
    try:
        with make_sessionmaker(engine)() as session:
            return {r.id: r.status for r in session.scalars(select(ScrapeRun))}
    finally:
        engine.dispose()


def _wait_for(predicate: object, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():  # type: ignore[operator]
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s")


def test_hung_and_killed_collectors_lose_the_lock(
    database_url: str, feed_server: FeedServer, tmp_path: Path
) -> None:
    slow = feed_server.add("/slow.xml", Route(body=rss(realistic_items(3, "slow")), delay=90))
    good = feed_server.add("/good.xml", rss(realistic_items(4, "after")))
    slow_feeds = tmp_path / "slow"
    slow_feeds.mkdir()
    env = {
        "NBA_TRACKER_COLLECTION_LEASE_SECONDS": str(LEASE),
        "NBA_TRACKER_COLLECTION_DEADLINE_SECONDS": str(DEADLINE),
    }
    with tracker(database_url, tmp_path, [("Good", good, True)], env) as (_served, client):
        assert client.get("/health").json()["status"] == "healthy"
        hung = _collector(
            database_url, feeds_file(slow_feeds, [("Slow", slow, True)]), tmp_path / "hung.log"
        )
        try:
            _wait_for(lambda: feed_server.hits("/slow.xml") >= 1, 60)
            os.kill(hung.pid, signal.SIGSTOP)
            stopped_at = time.monotonic()
            [hung_run] = [i for i, s in _runs(database_url).items() if s == "running"]

            # Past the deadline the stuck run shows on /health.
            _wait_for(lambda: client.get("/health").json()["status"] == "degraded", 30)
            health = client.get("/health").json()
            assert health["reason"].startswith("a collection has been running"), health

            # The next collection takes the lock from the silent one, within a minute.
            def collected() -> bool:
                body = client.post(
                    "/graphql", json=SCRAPE, headers={"Authorization": f"Bearer {TOKEN}"}
                ).json()
                # Until the lease runs out the answer is "a collection is in progress".
                return (body.get("data") or {}).get("scrapeRss", {}).get("savedCount") == 4

            _wait_for(collected, 60)
            took_over = time.monotonic() - stopped_at
            assert took_over < 60, took_over
            runs = _runs(database_url)
            assert runs[hung_run] == "abandoned", runs
            assert client.get("/health").json()["status"] == "healthy"

            # Woken up, the hung collector finds it lost the lock and stores nothing.
            os.kill(hung.pid, signal.SIGCONT)
        finally:
            os.kill(hung.pid, signal.SIGCONT)
            hung.kill()
            hung.wait(30)
        assert _runs(database_url)[hung_run] == "abandoned"

        # kill -9 mid-collection: the run it leaves is abandoned by the next collection.
        killed = _collector(
            database_url, feeds_file(slow_feeds, [("Slow", slow, True)]), tmp_path / "killed.log"
        )
        hits = feed_server.hits("/slow.xml")
        _wait_for(lambda: feed_server.hits("/slow.xml") > hits, 60)
        [killed_run] = [i for i, s in _runs(database_url).items() if s == "running"]
        killed.kill()
        killed.wait(30)
        started = time.monotonic()
        scrape(client)
        assert time.monotonic() - started < 15
        assert _runs(database_url)[killed_run] == "abandoned"
        assert client.get("/health").json()["status"] == "healthy"
    print(f"lock taken over {took_over:.1f} s after SIGSTOP (lease {LEASE} s)")
