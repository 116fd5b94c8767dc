from __future__ import annotations

import asyncio
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nba_tracker.api.app import create_app
from nba_tracker.ingest.pipeline import Collector
from nba_tracker.ingest.registry import FeedSpec
from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine, make_sessionmaker
from nba_tracker.store.lock import LockMode

# A title that is markup as far as a careless page is concerned (double-escaped, so the
# parser hands over the literal text ``<script>…``).
HOSTILE_TITLE = "<script>alert(1)</script> Why the rebuild starts now"
HOSTILE_FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Hostile</title><link>https://hostile.example/</link>
<description>Markup in titles</description><item>
<title>&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; Why the rebuild starts now</title>
<link>https://hostile.example/rebuild</link><pubDate>Sat, 28 Nov 2026 12:00:00 +0000</pubDate>
<description>Front offices are making calls earlier than usual.</description>
</item></channel></rss>
"""


def hostile_feed(directory: Path) -> Path:
    path = directory / "hostile.xml"
    path.write_bytes(HOSTILE_FEED)
    return path


def demo_specs() -> list[FeedSpec]:
    folder = resources.files("nba_tracker.data.demo_feeds")
    return [
        FeedSpec(entry.name.removesuffix(".xml"), str(entry))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".xml")
    ]


def load_demo(database_url: str, directory: Path) -> None:
    """The bundled demo news and one hostile item."""
    settings = Settings()
    engine = make_engine(settings, database_url)
    specs = [*demo_specs(), FeedSpec("Hostile", str(hostile_feed(directory)))]
    try:
        report = asyncio.run(
            Collector(settings, make_sessionmaker(engine)).run(specs, lock=LockMode.NONE)
        )
        assert report.totals["new"] >= 55, report.to_dict()
    finally:
        engine.dispose()


@pytest.fixture
def demo_url(database_url: str, tmp_path: Path) -> str:
    load_demo(database_url, tmp_path)
    return database_url


@pytest.fixture
def client(demo_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=demo_url)  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as c:
        yield c
