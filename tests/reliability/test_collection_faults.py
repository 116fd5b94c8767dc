"""Collection against a database that fails underneath it."""

from __future__ import annotations

import asyncio
import threading
import time
from http.server import BaseHTTPRequestHandler

from sqlalchemy import create_engine, func, select, text

from nba_tracker.ingest.pipeline import Collector
from nba_tracker.ingest.registry import FeedSpec
from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine, make_sessionmaker, normalize_url
from nba_tracker.store.lock import LockMode
from nba_tracker.store.migrate import prepare_database
from nba_tracker.store.models import Article, ScrapeRun
from tests.support.feed_server import FeedServer, Route
from tests.support.feeds import realistic_items, rss
from tests.support.pg_cluster import PgCluster


def count_articles(url: str) -> int:
    engine = make_engine(Settings(), url)
    try:
        with make_sessionmaker(engine)() as session:
            return int(session.scalar(select(func.count()).select_from(Article)) or 0)
    finally:
        engine.dispose()


def test_database_lost_mid_collection_then_everything_missed_is_stored(
    own_postgres: PgCluster, feed_server: FeedServer
) -> None:
    url = own_postgres.url
    engine = make_engine(Settings(), url)
    prepare_database(engine)
    engine.dispose()
    bodies = {name: rss(realistic_items(25, name)) for name in ("first", "second", "third")}

    def stop_db_then_serve(h: BaseHTTPRequestHandler) -> None:
        time.sleep(0.8)  # arrive after "first" has been stored
        own_postgres.stop()  # the database dies while this feed downloads
        body = bodies["second"]
        h.send_response(200)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    first = feed_server.add("/first.xml", bodies["first"])
    second = feed_server.add("/second.xml", Route(handler=stop_db_then_serve))
    third = feed_server.add("/third.xml", Route(body=bodies["third"], delay=1.5))
    feeds = [FeedSpec("first", first), FeedSpec("second", second), FeedSpec("third", third)]

    settings = Settings(db_statement_timeout_ms=3000)
    engine = make_engine(settings, url)
    # The model loads on a process's first analysis (~0.5 s): loaded before the run, so
    # "first" is stored well within the 0.8 s before the database stops.
    from nba_tracker.domain.model import load_model

    load_model()
    report = asyncio.run(
        Collector(settings, make_sessionmaker(engine)).run(feeds, lock=LockMode.NONE)
    )
    engine.dispose()
    outcome = {f.name: f for f in report.feeds}
    assert outcome["first"].status == "ok" and outcome["first"].new == 25
    assert outcome["second"].status == "failed" and "database" in (outcome["second"].error or "")
    assert outcome["third"].status == "failed"

    own_postgres.start()
    own_postgres.wait_ready()
    assert count_articles(url) == 25  # nothing half-written from the failed feeds
    feed_server.routes["/second.xml"] = Route(body=bodies["second"])
    engine = make_engine(settings, url)
    again = asyncio.run(
        Collector(settings, make_sessionmaker(engine)).run(feeds, lock=LockMode.NONE)
    )
    with make_sessionmaker(engine)() as session:
        runs = list(session.scalars(select(ScrapeRun).order_by(ScrapeRun.id)))
    engine.dispose()
    assert again.totals == {"fetched": 75, "new": 50, "duplicate": 25, "failed": 0}
    assert count_articles(url) == 75
    assert runs[-1].status == "ok"


def test_a_held_lock_never_makes_a_collection_wait_forever(
    postgres_database: str, feed_server: FeedServer
) -> None:
    database_url = postgres_database
    url = feed_server.add("/l.xml", rss(realistic_items(5, "lock")))
    blocker = create_engine(normalize_url(database_url))
    conn = blocker.connect()
    trans = conn.begin()
    conn.execute(text("LOCK TABLE articles IN ACCESS EXCLUSIVE MODE"))
    settings = Settings(db_lock_timeout_ms=1000, db_statement_timeout_ms=3000)
    engine = make_engine(settings, database_url)
    result: dict[str, object] = {}

    def collect() -> None:
        started = time.monotonic()
        result["report"] = asyncio.run(
            Collector(settings, make_sessionmaker(engine)).run(
                [FeedSpec("L", url)], lock=LockMode.NONE
            )
        )
        result["seconds"] = time.monotonic() - started

    worker = threading.Thread(target=collect)
    worker.start()
    worker.join(30)
    trans.rollback()
    conn.close()
    blocker.dispose()
    engine.dispose()
    assert not worker.is_alive(), "collection hung behind a lock"
    report = result["report"]
    assert report.feeds[0].status == "failed"  # type: ignore[attr-defined]
    # Classified, never the driver's text (which carries the SQL and its parameters).
    error = report.feeds[0].error  # type: ignore[attr-defined]
    assert error.startswith("database ") and error.endswith(" failed: database busy"), error
    assert float(result["seconds"]) < 10  # type: ignore[arg-type]
