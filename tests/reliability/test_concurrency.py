"""Ten scrapeRss mutations at once: one collection runs, the others are told it is in
progress, and nothing is stored twice."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

import httpx
from sqlalchemy import func, select

from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine, make_sessionmaker
from nba_tracker.store.models import Article, ScrapeRun
from tests.reliability.serve_process import serve
from tests.support.feed_server import FeedServer, Route
from tests.support.feeds import realistic_items, rss

MUTATION = {"query": "mutation { scrapeRss { savedCount skippedCount errorCount errors } }"}


def test_ten_concurrent_scrapes_run_one_collection(
    database_url: str, feed_server: FeedServer, tmp_path: Path
) -> None:
    feeds_file = tmp_path / "feeds.toml"
    lines = ["replace_defaults = true"]
    for i in range(3):
        url = feed_server.add(
            f"/c{i}.xml", Route(body=rss(realistic_items(20, f"conc{i}")), delay=1.0)
        )
        lines += ["[[feeds]]", f'name = "C{i}"', f'url = "{url}"']
    feeds_file.write_text("\n".join(lines) + "\n")
    with serve(
        database_url, tmp_path, "--no-collect", env={"NBA_TRACKER_FEEDS_FILE": str(feeds_file)}
    ) as api:
        headers = {"Authorization": "Bearer test-token-1234567890"}

        def fire(_: int) -> dict[str, object]:
            response = httpx.post(f"{api.url}/graphql", json=MUTATION, headers=headers, timeout=60)
            return response.json()["data"]["scrapeRss"]  # type: ignore[no-any-return]

        with concurrent.futures.ThreadPoolExecutor(10) as pool:
            results = list(pool.map(fire, range(10)))
    ran = [r for r in results if not r["errors"]]
    refused = [r for r in results if r["errors"]]
    assert len(ran) == 1, results
    assert ran[0]["savedCount"] == 60
    assert len(refused) == 9
    assert all("in progress" in str(r["errors"]).lower() for r in refused)
    assert all(r["savedCount"] == 0 for r in refused)
    engine = make_engine(Settings(), database_url)
    with make_sessionmaker(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 60
        assert session.scalar(select(func.count()).select_from(ScrapeRun)) == 1
    engine.dispose()
