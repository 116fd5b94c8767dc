"""Collection speed. Prints a table, then the same figures as one JSON object.

(a) 40 feeds × 50 items over loopback HTTP, each response delayed 200 ms: downloading
    them all against downloading the slowest one alone; the whole run (fetch, parse,
    understand, store) against a run of the slowest single feed, and against fetching the
    feeds one after another as the original tracker did;
(b) the same run again when nothing changed (conditional GET → 304);
(c) writing 10,000 new items (stories and links included) into SQLite and into
    PostgreSQL: items per second.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nba_tracker.domain.analysis import analyze  # noqa: E402
from nba_tracker.domain.news import AnalyzedItem  # noqa: E402
from nba_tracker.ingest.fetch import Validators, fetch_all  # noqa: E402
from nba_tracker.ingest.parse import parse_feed  # noqa: E402
from nba_tracker.ingest.pipeline import Collector, fetch_options  # noqa: E402
from nba_tracker.ingest.registry import FeedSpec  # noqa: E402
from nba_tracker.settings import Settings  # noqa: E402
from nba_tracker.store.engine import make_engine, make_sessionmaker, transaction  # noqa: E402
from nba_tracker.store.lock import LockMode  # noqa: E402
from nba_tracker.store.migrate import prepare_database  # noqa: E402
from nba_tracker.store.models import Source  # noqa: E402
from nba_tracker.store.writer import store_items  # noqa: E402
from tests.support.feed_server import FeedServer, Route  # noqa: E402
from tests.support.feeds import realistic_items, rss  # noqa: E402

FEEDS = 40
ITEMS = 50
LATENCY = 0.2


def timed_run(settings: Settings, url: str, feeds: list[FeedSpec]) -> tuple[float, dict[str, int]]:
    engine = make_engine(settings, url)
    try:
        collector = Collector(settings, make_sessionmaker(engine))
        start = time.perf_counter()
        report = asyncio.run(collector.run(feeds, trigger="bench", lock=LockMode.NONE))
        return time.perf_counter() - start, report.totals
    finally:
        engine.dispose()


def fetch_phase(settings: Settings, feeds: list[FeedSpec]) -> tuple[float, float]:
    """Download time alone: all 40 feeds at once against the slowest one by itself."""
    options = fetch_options(settings)
    singles = []
    for spec in feeds[:3]:
        start = time.perf_counter()
        asyncio.run(fetch_all([(spec, Validators())], options))
        singles.append(time.perf_counter() - start)
    start = time.perf_counter()
    results = asyncio.run(fetch_all([(f, Validators()) for f in feeds], options))
    assert all(r.ok for r in results)
    return time.perf_counter() - start, max(singles)


def fresh_sqlite(directory: Path, name: str) -> str:
    url = f"sqlite:///{directory / name}"
    engine = make_engine(Settings(), url)
    prepare_database(engine)
    engine.dispose()
    return url


def bench_concurrent(tmp: Path) -> dict[str, float]:
    # The benchmark's feeds are a loopback server, which the fetcher refuses by default.
    settings = Settings(fetch_concurrency=64, env="bench", fetch_allow_private=True)
    with FeedServer() as server:
        feeds = [
            FeedSpec(
                f"Feed {i}",
                server.add(
                    f"/feed{i}.xml",
                    Route(body=rss(realistic_items(ITEMS, f"f{i}")), delay=LATENCY, etag=f'"f{i}"'),
                ),
            )
            for i in range(FEEDS)
        ]
        singles = []
        for i in range(3):
            seconds, _ = timed_run(settings, fresh_sqlite(tmp, f"single{i}.db"), [feeds[i]])
            singles.append(seconds)
        slowest_single = max(singles)
        fetch_all_seconds, fetch_single_seconds = fetch_phase(settings, feeds)
        url = fresh_sqlite(tmp, "all.db")
        total, totals = timed_run(settings, url, feeds)
        assert totals["new"] == FEEDS * ITEMS, totals
        unchanged, totals2 = timed_run(settings, url, feeds)
        assert totals2["new"] == 0, totals2
        sequential, _ = timed_run(
            settings.model_copy(update={"fetch_concurrency": 1}), fresh_sqlite(tmp, "seq.db"), feeds
        )
    return {
        "fetch_all_seconds": round(fetch_all_seconds, 3),
        "fetch_single_seconds": round(fetch_single_seconds, 3),
        "fetch_ratio_to_single": round(fetch_all_seconds / fetch_single_seconds, 2),
        "run_seconds": round(total, 3),
        "slowest_single_feed_seconds": round(slowest_single, 3),
        "ratio_to_slowest_single": round(total / slowest_single, 2),
        "sequential_seconds": round(sequential, 3),
        "speedup_vs_sequential": round(sequential / total, 1),
        "unchanged_run_seconds": round(unchanged, 3),
    }


def bulk_batches() -> tuple[datetime, list[list[AnalyzedItem]]]:
    """20 feeds' worth of 500 new, understood items each."""
    now = datetime.now(UTC)
    batches = []
    for feed in range(20):
        body = rss(realistic_items(500, f"bulk{feed}"))
        parsed = parse_feed(body, now).items
        batches.append([AnalyzedItem(i, analyze(i.title, i.summary)) for i in parsed])
    return now, batches


def timed_inserts(url: str, now: datetime, batches: list[list[AnalyzedItem]]) -> float:
    """Seconds to store every batch, one transaction each, into the prepared ``url``."""
    engine = make_engine(Settings(), url)
    try:
        prepare_database(engine)
        factory = make_sessionmaker(engine)
        with transaction(factory) as session:
            session.add(Source(name="bulk", url="https://bulk.example/rss"))
        start = time.perf_counter()
        stored = 0
        for batch in batches:
            with transaction(factory) as session:
                source = session.query(Source).filter_by(name="bulk").one()
                stored += store_items(session, source.id, source.name, batch, now).new
        seconds = time.perf_counter() - start
    finally:
        engine.dispose()
    assert stored == sum(len(b) for b in batches) == 10_000, stored
    return seconds


def bench_insert(pg_admin_url: str | None) -> dict[str, float]:
    """Writing 10,000 new items (stories and links included) into SQLite and PostgreSQL."""
    now, batches = bulk_batches()
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_seconds = timed_inserts(f"sqlite:///{Path(tmp) / 'insert.db'}", now, batches)
    figures: dict[str, float] = {
        "insert_items": 10_000,
        "insert_seconds_sqlite": round(sqlite_seconds, 3),
        "insert_items_per_second_sqlite": round(10_000 / sqlite_seconds),
    }
    if not pg_admin_url:
        print("NBA_TRACKER_TEST_PG_URL not set: skipping the PostgreSQL insert benchmark")
        return figures
    from tests.support.databases import fresh_postgres_database

    with fresh_postgres_database(pg_admin_url) as url:
        seconds = timed_inserts(url, now, batches)
    return figures | {
        "insert_seconds": round(seconds, 3),
        "insert_items_per_second": round(10_000 / seconds),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        figures = bench_concurrent(Path(tmp))
    figures.update(bench_insert(os.environ.get("NBA_TRACKER_TEST_PG_URL")))
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
