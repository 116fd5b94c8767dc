from __future__ import annotations

import asyncio
from collections.abc import Iterator
from importlib import resources

import pytest
from fastapi.testclient import TestClient

from nba_tracker.api.app import create_app
from nba_tracker.ingest.lock import LockMode
from nba_tracker.ingest.pipeline import Collector
from nba_tracker.ingest.registry import FeedSpec
from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine, make_sessionmaker


def demo_specs() -> list[FeedSpec]:
    folder = resources.files("nba_tracker.data.demo_feeds")
    return [
        FeedSpec(entry.name.removesuffix(".xml"), str(entry))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".xml")
    ]


def load_demo(database_url: str) -> None:
    settings = Settings()
    engine = make_engine(settings, database_url)
    try:
        report = asyncio.run(
            Collector(settings, make_sessionmaker(engine)).run(demo_specs(), lock=LockMode.NONE)
        )
        assert report.totals["new"] >= 55, report.to_dict()
    finally:
        engine.dispose()


@pytest.fixture
def demo_url(database_url: str) -> str:
    load_demo(database_url)
    return database_url


@pytest.fixture
def client(demo_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=demo_url)  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as c:
        yield c
