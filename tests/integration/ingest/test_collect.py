"""Collection runs end to end over real HTTP into SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from nba_tracker.ingest.pipeline import CollectionReport, Collector
from nba_tracker.ingest.registry import FeedSpec
from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine, make_sessionmaker
from nba_tracker.store.lock import LockMode
from nba_tracker.store.models import Article, DataVersion, ScrapeRun, Source
from tests.support.feed_server import FeedServer, Route
from tests.support.feeds import Item, realistic_items, rss


@pytest.fixture
def settings() -> Settings:
    return Settings(fetch_timeout=2.0, fetch_retries=1, fetch_max_bytes=200_000)


@pytest.fixture
def collector(database_url: str, settings: Settings) -> Iterator[Collector]:
    engine = make_engine(settings, database_url)
    yield Collector(settings, make_sessionmaker(engine))
    engine.dispose()


def run(
    collector: Collector, feeds: list[FeedSpec], lock: LockMode = LockMode.WAIT
) -> CollectionReport:
    return asyncio.run(collector.run(feeds, trigger="test", lock=lock))


def count(collector: Collector, model: type, *where: object) -> int:
    with collector.factory() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_new_items_are_stored_once_and_counted_as_duplicates_next_time(
    collector: Collector, feed_server: FeedServer
) -> None:
    url = feed_server.add("/espn.xml", rss(realistic_items(20, "espn")))
    first = run(collector, [FeedSpec("ESPN", url)])
    assert first.totals == {"fetched": 20, "new": 20, "duplicate": 0, "failed": 0}
    second = run(collector, [FeedSpec("ESPN", url)])
    assert second.totals == {"fetched": 20, "new": 0, "duplicate": 20, "failed": 0}
    assert count(collector, Article) == 20


def test_same_story_url_from_two_feeds_is_stored_once(
    collector: Collector, feed_server: FeedServer
) -> None:
    shared = Item("Lakers sign guard", "https://news.example.com/same?utm_source=a", guid="a-1")
    copy = Item("Lakers sign guard", "https://news.example.com/same#x", guid="b-1")
    a = feed_server.add("/a.xml", rss([shared]))
    b = feed_server.add("/b.xml", rss([copy]))
    report = run(collector, [FeedSpec("A", a), FeedSpec("B", b)])
    assert report.totals["new"] == 1
    assert report.totals["duplicate"] == 1


def test_conditional_get_304_means_nothing_to_parse(
    collector: Collector, feed_server: FeedServer
) -> None:
    url = feed_server.add("/cond.xml", Route(body=rss(realistic_items(5, "c")), etag='"v1"'))
    run(collector, [FeedSpec("Cond", url)])
    report = run(collector, [FeedSpec("Cond", url)])
    assert report.feeds[0].status == "not_modified"
    assert feed_server.requests[-1][1].get("If-None-Match") == '"v1"'


def test_run_and_feed_health_are_recorded(collector: Collector, feed_server: FeedServer) -> None:
    good = feed_server.add("/good.xml", rss(realistic_items(3, "g")))
    bad = feed_server.url("/missing.xml")
    report = run(collector, [FeedSpec("Good", good), FeedSpec("Bad", bad)])
    run(collector, [FeedSpec("Good", good), FeedSpec("Bad", bad)])
    with collector.factory() as session:
        sources = {s.name: s for s in session.scalars(select(Source))}
        runs = list(session.scalars(select(ScrapeRun).order_by(ScrapeRun.id)))
        version = session.get(DataVersion, 1)
    assert sources["Bad"].consecutive_failures == 2
    assert "HTTP 404" in (sources["Bad"].last_error or "")
    assert sources["Good"].consecutive_failures == 0 and sources["Good"].last_success_at
    assert [r.status for r in runs] == ["partial", "partial"]
    assert runs[0].new == 3 and runs[0].failed == 1
    assert {f["name"]: f["status"] for f in runs[0].feeds or []} == {"Good": "ok", "Bad": "failed"}
    assert report.run_id == runs[0].id
    assert version is not None and version.version == 1  # bumped once: the second run added nothing


def test_a_failed_write_leaves_nothing_of_that_feed(
    collector: Collector, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nba_tracker.store.writer as writer

    real = writer._link_players

    def explode(session: object, items: object, ids: object) -> None:
        real(session, items, ids)  # type: ignore[arg-type]
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "_link_players", explode)
    url = feed_server.add("/x.xml", rss(realistic_items(10, "x")))
    report = run(collector, [FeedSpec("X", url)])
    assert report.feeds[0].status == "failed"
    # An unclassified failure is shown as its class only; its text goes to the log.
    assert report.feeds[0].error == "database write failed"
    assert count(collector, Article) == 0
    monkeypatch.setattr(writer, "_link_players", real)
    assert run(collector, [FeedSpec("X", url)]).totals["new"] == 10


def test_disabled_source_is_not_fetched(collector: Collector, feed_server: FeedServer) -> None:
    url = feed_server.add("/off.xml", rss(realistic_items(2, "off")))
    report = run(collector, [FeedSpec("Off", url, enabled=False)])
    assert report.feeds == []
    assert feed_server.hits("/off.xml") == 0


def test_local_file_feed(collector: Collector, tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "local.xml"
    path.write_bytes(rss(realistic_items(4, "local")))
    assert run(collector, [FeedSpec("Local", str(path))]).totals["new"] == 4
