from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nba_tracker.api.app import create_app
from nba_tracker.ingest.pipeline import Collector
from nba_tracker.ingest.registry import FeedSpec
from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine, make_sessionmaker
from nba_tracker.store.lock import LockMode
from tests.support.feeds import Item, rss

TOKEN = "secret-token-for-tests"

WIRE = [
    Item(
        "The Toronto Raptors have signed Jamal Shead to a 10-day contract.",
        "https://w.example/1",
        "Official transaction.",
        guid="w1",
    ),
    Item(
        "Lakers trade Dalton Knecht to Jazz for 2031 second-round pick",
        "https://w.example/2",
        "The Los Angeles Lakers traded Dalton Knecht to the Utah Jazz.",
        guid="w2",
    ),
    Item(
        "Celtics waive Jordan Walsh", "https://w.example/3", "Boston waived the forward.", guid="w3"
    ),
    Item(
        "Knicks' Mikal Bridges agrees to four-year extension, sources say",
        "https://w.example/4",
        "",
        guid="w4",
    ),
    Item(
        "Jayson Tatum scores 40 as Celtics beat Heat",
        "https://w.example/5",
        "Game recap.",
        guid="w5",
    ),
]


def collect(database_url: str, path: Path, items: list[Item]) -> None:
    path.write_bytes(rss(items))
    settings = Settings()
    engine = make_engine(settings, database_url)
    try:
        asyncio.run(
            Collector(settings, make_sessionmaker(engine)).run(
                [FeedSpec("Wire", str(path))], lock=LockMode.NONE
            )
        )
    finally:
        engine.dispose()


@pytest.fixture
def loaded_url(database_url: str, tmp_path: Path) -> str:
    collect(database_url, tmp_path / "wire.xml", WIRE)
    return database_url


@pytest.fixture
def client(loaded_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=loaded_url, api_token=TOKEN)  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as c:
        yield c


def gql(
    client: TestClient,
    query: str,
    variables: dict[str, object] | None = None,
    token: str | None = None,
) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]
