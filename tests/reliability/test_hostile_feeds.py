"""Hostile feeds at scale: bounded time and memory, a clear per-feed error, nothing else
disturbed."""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler

from sqlalchemy import select

from nba_tracker.ingest.pipeline import CollectionReport, Collector
from nba_tracker.ingest.registry import FeedSpec
from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine, make_sessionmaker
from nba_tracker.store.lock import LockMode
from nba_tracker.store.models import Article
from tests.support.feed_server import FeedServer, Route
from tests.support.feeds import Item, realistic_items, rss


def collect(url: str, feeds: list[FeedSpec]) -> tuple[CollectionReport, float, float]:
    settings = Settings(fetch_timeout=5, fetch_retries=0, fetch_max_bytes=10_000_000)
    engine = make_engine(settings, url)
    try:
        tracemalloc.start()
        started = time.monotonic()
        report = asyncio.run(
            Collector(settings, make_sessionmaker(engine)).run(feeds, lock=LockMode.NONE)
        )
        seconds = time.monotonic() - started
        peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        return report, seconds, peak_mb
    finally:
        engine.dispose()


def redirect(location: str) -> Route:
    def handler(h: BaseHTTPRequestHandler) -> None:
        h.send_response(302)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return Route(handler=handler)


def test_hostile_feeds_are_bounded_and_isolated(database_url: str, feed_server: FeedServer) -> None:
    huge = "".join(
        f"<item><title>Item {i}</title><link>https://h.example/{i}</link></item>"
        for i in range(100_000)
    )
    feed_server.add(
        "/huge.xml",
        f'<rss version="2.0"><channel><title>Huge</title>{huge}</channel></rss>'.encode(),
    )
    feed_server.add("/title.xml", rss([Item("Lakers " + "x" * 4_000_000, "https://t.example/1")]))
    nested = "<div>" * 50_000 + "Celtics sign guard" + "</div>" * 50_000
    feed_server.add("/nested.xml", rss([Item("Nested", "https://n.example/1", nested)]))
    bad_utf8 = rss([Item("Raptors sign Jamal Shead", "https://u.example/1")]).replace(
        b"Jamal", b"Jam\xff\xfeal"
    )
    feed_server.add("/utf8.xml", bad_utf8)
    feed_server.add("/loop-a", redirect(feed_server.url("/loop-b")))
    feed_server.add("/loop-b", redirect(feed_server.url("/loop-a")))
    feed_server.add("/to-file", redirect("file:///etc/passwd"))
    feed_server.add("/to-ftp", redirect("ftp://example.com/feed.xml"))
    good = feed_server.add("/good.xml", rss(realistic_items(10, "calm")))
    feeds = [
        FeedSpec(name, feed_server.url(f"/{name}"))
        for name in (
            "huge.xml",
            "title.xml",
            "nested.xml",
            "utf8.xml",
            "loop-a",
            "to-file",
            "to-ftp",
        )
    ]
    report, seconds, peak_mb = collect(database_url, [*feeds, FeedSpec("good", good)])
    out = {f.name: f for f in report.feeds}

    assert out["huge.xml"].status == "ok" and out["huge.xml"].fetched == 1000
    assert out["huge.xml"].skipped == 99_000
    assert out["title.xml"].status == "ok"
    assert out["nested.xml"].status == "ok"
    assert out["utf8.xml"].status == "ok" and out["utf8.xml"].new == 1
    assert "redirect" in (out["loop-a"].error or "")
    assert "non-HTTP" in (out["to-file"].error or "")
    assert "non-HTTP" in (out["to-ftp"].error or "")
    assert out["good"].new == 10
    assert seconds < 30, seconds
    assert peak_mb < 400, peak_mb
    engine = make_engine(Settings(), database_url)
    with make_sessionmaker(engine)() as session:
        titles = list(
            session.scalars(select(Article.title).where(Article.url == "https://t.example/1"))
        )
        summary = session.scalars(
            select(Article.summary).where(Article.url == "https://n.example/1")
        ).one()
    engine.dispose()
    assert len(titles[0]) <= 500
    assert summary == "Celtics sign guard"
