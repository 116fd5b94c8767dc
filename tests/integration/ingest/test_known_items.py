"""Known items cost no parsing or analysis; large runs are understood in a process pool."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

import nba_tracker.ingest.understand as understand
from nba_tracker.ingest.parse import parse_feed
from nba_tracker.ingest.pipeline import CollectionReport, Collector
from nba_tracker.ingest.registry import FeedSpec
from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine, make_sessionmaker
from nba_tracker.store.lock import LockMode
from nba_tracker.store.models import Article, Source
from tests.support.feed_server import FeedServer
from tests.support.feeds import Item, realistic_items, rss


@pytest.fixture
def collector(database_url: str) -> Iterator[Collector]:
    settings = Settings(fetch_timeout=5.0, fetch_retries=1)
    engine = make_engine(settings, database_url)
    yield Collector(settings, make_sessionmaker(engine))
    engine.dispose()


def run(collector: Collector, feeds: list[FeedSpec]) -> CollectionReport:
    return asyncio.run(collector.run(feeds, trigger="test", lock=LockMode.NONE))


def test_a_resent_feed_of_known_items_is_neither_parsed_nor_analysed(
    collector: Collector, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = feed_server.add("/espn.xml", rss(realistic_items(20, "espn")))  # no validators
    assert run(collector, [FeedSpec("ESPN", url)]).totals["new"] == 20

    def refuse(*args: object) -> Any:
        raise AssertionError("a feed of known items was parsed or analysed")

    monkeypatch.setattr(understand.Understanding, "parse", refuse)
    monkeypatch.setattr(understand.Understanding, "analyze", refuse)
    again = run(collector, [FeedSpec("ESPN", url)])
    assert again.totals == {"fetched": 20, "new": 0, "duplicate": 20, "failed": 0}
    assert again.feeds[0].status == "ok"


def test_only_the_new_items_of_a_feed_are_analysed(
    collector: Collector, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = realistic_items(25, "hr")
    url = feed_server.add("/hr.xml", rss(items[:20]))
    run(collector, [FeedSpec("HR", url)])
    analysed: list[int] = []
    real = understand.Understanding.analyze

    def counting(self: understand.Understanding, batch: Sequence[Any], teams: Any = None) -> Any:
        analysed.append(len(batch))
        return real(self, batch, teams)

    monkeypatch.setattr(understand.Understanding, "analyze", counting)
    feed_server.add("/hr.xml", rss(items))
    report = run(collector, [FeedSpec("HR", url)])
    assert analysed == [5]
    assert report.totals == {"fetched": 25, "new": 5, "duplicate": 20, "failed": 0}


def test_the_last_parse_warning_stays_when_the_feed_is_not_parsed_again(
    collector: Collector, feed_server: FeedServer
) -> None:
    # A wrong declared encoding: recoverable, recorded as the source's warning.
    item = Item("Luka Dončić dazzles", "https://x.example/1", guid="w-1")
    body = rss([item]).replace(b'encoding="utf-8"', b'encoding="us-ascii"')
    url = feed_server.add("/w.xml", body)
    first = run(collector, [FeedSpec("W", url)])
    assert first.feeds[0].warning
    run(collector, [FeedSpec("W", url)])
    with collector.factory() as session:
        source = session.scalars(select(Source).where(Source.name == "W")).one()
        assert source.last_error == f"{first.feeds[0].warning}"
        assert source.consecutive_failures == 0


def test_a_large_run_is_understood_in_worker_processes_with_the_same_result(
    collector: Collector, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(understand, "POOL_THRESHOLD", 10)
    started: list[bool] = []
    real_close = understand.Understanding.close

    def close(self: understand.Understanding) -> None:
        started.append(self.pooled)
        real_close(self)

    monkeypatch.setattr(understand.Understanding, "close", close)
    bodies = [rss(realistic_items(15, f"f{i}")) for i in range(3)]
    feeds = [FeedSpec(f"F{i}", feed_server.add(f"/f{i}.xml", b)) for i, b in enumerate(bodies)]
    report = run(collector, feeds)
    assert started == [True]
    assert report.totals["new"] == 45
    now = datetime.now(UTC)
    expected = {
        a.item.uid: (str(a.analysis.category), str(a.analysis.status))
        for body in bodies
        for a in understand.analyze_items(parse_feed(body, now).items)
    }
    with collector.factory() as session:
        stored = {a.uid: (str(a.category), str(a.status)) for a in session.scalars(select(Article))}
    assert stored == expected


def test_a_killed_worker_does_not_sink_the_run() -> None:
    import os
    import signal

    understanding = understand.Understanding(workers=2, threshold=0)
    understanding.note_items(1)
    body = rss(realistic_items(5, "k"))
    now = datetime.now(UTC)
    assert len(understanding.parse(body, now, 100).items) == 5  # the pool answers
    pool = understanding._pool
    assert pool is not None
    for pid in list(pool._processes):
        os.kill(pid, signal.SIGKILL)
    items = understanding.analyze(parse_feed(body, now).items)
    assert [a.item.title for a in items] == [i.title for i in parse_feed(body, now).items]
    assert not understanding.pooled
    understanding.close()
