"""Two collections at the same moment on PostgreSQL store every item once and fail nothing."""

from __future__ import annotations

import asyncio
import threading

from sqlalchemy import func, select

from nba_tracker.ingest.pipeline import CollectionReport, Collector
from nba_tracker.ingest.registry import FeedSpec
from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine, make_sessionmaker
from nba_tracker.store.lock import LockMode
from nba_tracker.store.models import Article, ArticleTeam, Story
from tests.support.feed_server import FeedServer, Route
from tests.support.feeds import realistic_items, rss


def test_two_unlocked_runs_race_without_duplicates_or_errors(
    postgres_url: str, prepared_postgres: str, feed_server: FeedServer
) -> None:
    from tests.support.databases import postgres_from_template

    feeds = [
        FeedSpec(
            f"F{i}",
            feed_server.add(
                f"/f{i}.xml", Route(body=rss(realistic_items(40, f"r{i % 3}")), delay=0.05)
            ),
        )
        for i in range(6)
    ]
    with postgres_from_template(postgres_url, prepared_postgres) as url:
        settings = Settings()
        reports: list[CollectionReport] = []
        errors: list[BaseException] = []
        barrier = threading.Barrier(2)

        def worker() -> None:
            engine = make_engine(settings, url)
            try:
                barrier.wait()
                collector = Collector(settings, make_sessionmaker(engine))
                reports.append(asyncio.run(collector.run(feeds, lock=LockMode.NONE)))
            except BaseException as exc:  # surfaced below
                errors.append(exc)
            finally:
                engine.dispose()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not errors
        assert all(r.totals["failed"] == 0 for r in reports), [r.feeds for r in reports]
        engine = make_engine(settings, url)
        with make_sessionmaker(engine)() as session:
            stored = session.scalar(select(func.count()).select_from(Article))
            # Feeds r0/r1/r2 repeat: 3 distinct sets of 40 items.
            assert stored == 120
            assert sum(r.totals["new"] for r in reports) == 120
            orphan_links = session.scalar(
                select(func.count())
                .select_from(ArticleTeam)
                .where(ArticleTeam.article_id.not_in(select(Article.id)))
            )
            assert orphan_links == 0
            assert (session.scalar(select(func.count()).select_from(Story)) or 0) > 0
        engine.dispose()


def test_locked_runs_take_turns(database_url: str, feed_server: FeedServer) -> None:
    url = feed_server.add("/slow.xml", Route(body=rss(realistic_items(10, "turns")), delay=0.5))
    settings = Settings()
    engine = make_engine(settings, database_url)
    collector = Collector(settings, make_sessionmaker(engine))

    async def both() -> list[object]:
        first = asyncio.create_task(collector.run([FeedSpec("S", url)], lock=LockMode.WAIT))
        await asyncio.sleep(0.1)
        second = asyncio.create_task(collector.run([FeedSpec("S", url)], lock=LockMode.SKIP))
        return await asyncio.gather(first, second, return_exceptions=True)

    try:
        first, second = asyncio.run(both())
    finally:
        engine.dispose()
    from nba_tracker.errors import CollectionInProgress

    assert isinstance(first, CollectionReport) and first.totals["new"] == 10
    assert isinstance(second, CollectionInProgress)
