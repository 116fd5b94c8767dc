"""The original tracker's clients, unchanged: their exact operations, posted to / (where
the Kotlin page posts) and to /graphql, parsed the way they parse them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nba_tracker.api.app import create_app
from nba_tracker.errors import TranslationError
from nba_tracker.ingest.pipeline import Collector
from nba_tracker.ingest.registry import FeedSpec
from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine, make_sessionmaker
from nba_tracker.store.lock import LockMode
from tests.support.feeds import Item, rss

TOKEN = "token-of-the-original-client"
NOW = datetime.now(UTC).replace(microsecond=0)

# The client's documents, character for character where the original's sources show them.
FIELDS = """
        id
        title
        description
        link
        source
        publishedAt
        category
        titleJa
        descriptionJa
        translationStatus
        translatedAt
"""
GET_ALL = "query GetAllTradeNews {\n    tradeNews {" + FIELDS + "    }\n}"
BY_CATEGORY = (
    "query GetTradeNewsByCategory($category: String!) {\n"
    "    tradeNewsByCategory(category: $category) {" + FIELDS + "    }\n}"
)
BY_SOURCE = (
    "query GetNewsBySource($source: String!) {\n"
    "    tradeNewsBySource(source: $source) {" + FIELDS + "    }\n}"
)
SCRAPE = "mutation { scrapeRss { savedCount skippedCount errorCount errors } }"
TRANSLATE = "mutation { translatePendingNews { translatedCount errorCount errors } }"

KINDS = [
    ("Lakers trade Dalton Knecht to Jazz for 2031 second-round pick", "Trade"),
    ("The Toronto Raptors have signed Jamal Shead to a 10-day contract", "Signing"),
    ("Knicks' Mikal Bridges agrees to four-year extension, sources say", "Extension"),
    ("Celtics waive Jordan Walsh", "Waiver"),
    ("Spurs select Dylan Harper with the second pick in the NBA draft", "Draft"),
    ("Jayson Tatum scores 40 as Celtics beat Heat", "Other"),
]
# (feed name in this tracker, the name the original gave it)
FEEDS = [("ESPN NBA", "ESPN"), ("RealGM Wiretap", "RealGM"), ("HoopsHype Rumors", "HoopsHype")]
EXTRA_TRADES = 100  # so "newest 100" and "every item" differ


def _feed_items(feed_index: int) -> list[Item]:
    items = []
    for k, (title, _) in enumerate(KINDS):
        minutes = feed_index * len(KINDS) + k
        items.append(
            Item(
                f"{title} ({FEEDS[feed_index][1]})",
                f"https://{feed_index}.example/{k}",
                "Details.",
                published=NOW - timedelta(minutes=minutes),
                guid=f"f{feed_index}-{k}",
            )
        )
    return items


def _old_trades() -> list[Item]:
    return [
        Item(
            f"Lakers trade Dalton Knecht to Jazz for 2031 second-round pick, take {i}",
            f"https://old.example/{i}",
            "The Los Angeles Lakers traded Dalton Knecht to the Utah Jazz.",
            published=NOW - timedelta(days=2, minutes=i),
            guid=f"old-{i}",
        )
        for i in range(EXTRA_TRADES)
    ]


@pytest.fixture
def original_client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    specs = []
    for index, (name, _) in enumerate(FEEDS):
        path = tmp_path / f"feed{index}.xml"
        items = _feed_items(index) + (_old_trades() if index == 0 else [])
        path.write_bytes(rss(items))
        specs.append(FeedSpec(name, str(path)))
    engine = make_engine(Settings(), database_url)
    try:
        asyncio.run(Collector(Settings(), make_sessionmaker(engine)).run(specs, lock=LockMode.NONE))
    finally:
        engine.dispose()
    settings = Settings(database_url=database_url, api_token=TOKEN)  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as client:
        yield client


def post(client: TestClient, path: str, query: str, variables: dict[str, Any] | None = None,
         token: str | None = None) -> Any:  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def assert_trade_news_shape(item: dict[str, Any]) -> None:
    """What the Kotlin client's NewsItem deserialises (kotlinx, strict types)."""
    assert set(item) == {f.strip() for f in FIELDS.split()}
    assert isinstance(item["id"], str) and item["id"]
    for key in ("title", "description", "link", "source", "category", "translationStatus"):
        assert isinstance(item[key], str), key
    datetime.fromisoformat(item["publishedAt"])
    assert item["category"] in {"Trade", "Signing", "Other"}
    assert item["translationStatus"] in {"pending", "completed", "failed"}


@pytest.mark.parametrize("path", ["/", "/graphql"])
def test_original_queries_answer_in_the_original_shapes(
    original_client: TestClient, path: str
) -> None:
    everything = post(original_client, path, GET_ALL)
    assert "errors" not in everything, everything
    news = everything["data"]["tradeNews"]
    total = len(FEEDS) * len(KINDS) + EXTRA_TRADES
    assert len(news) == 100 < total  # the newest 100, as the original
    for item in news:
        assert_trade_news_shape(item)
    stamps = [datetime.fromisoformat(n["publishedAt"]) for n in news]
    assert stamps == sorted(stamps, reverse=True)
    assert {n["source"] for n in news[:18]} == {"ESPN", "RealGM", "HoopsHype"}

    def by_category(category: str) -> list[dict[str, Any]]:
        body = post(original_client, path, BY_CATEGORY, {"category": category})
        assert "errors" not in body, body
        return body["data"]["tradeNewsByCategory"]  # type: ignore[no-any-return]

    trades = by_category("Trade")
    assert len(trades) == len(FEEDS) + EXTRA_TRADES  # every item, not a page
    assert {t["category"] for t in trades} == {"Trade"}
    signings = by_category("Signing")
    # An old "Signing" filter sees signings and extensions, both called Signing.
    assert len(signings) == 2 * len(FEEDS)
    assert {s["category"] for s in signings} == {"Signing"}
    assert sum("extension" in s["title"] for s in signings) == len(FEEDS)
    others = by_category("Other")
    assert len(others) == 3 * len(FEEDS)  # waivers, draft moves and the rest
    assert {o["category"] for o in others} == {"Other"}
    assert by_category("trade") == trades  # any case, as before
    assert by_category("Rumors") == []  # unknown: empty, not an error
    newest_two = post(
        original_client, path, '{ tradeNewsByCategory(category: "Trade", limit: 2) { id } }'
    )["data"]["tradeNewsByCategory"]
    assert [n["id"] for n in newest_two] == [t["id"] for t in trades[:2]]
    waivers = by_category("Waiver")  # the new names work too, shown in the old vocabulary
    assert len(waivers) == len(FEEDS) and {w["category"] for w in waivers} == {"Other"}

    for name in ("RealGM", "realgm", "REALGM", "RealGM Wiretap"):
        body = post(original_client, path, BY_SOURCE, {"source": name})
        items = body["data"]["tradeNewsBySource"]
        assert len(items) == len(KINDS), name
        assert {i["source"] for i in items} == {"RealGM"}
        for item in items:
            assert_trade_news_shape(item)
    espn = post(original_client, path, BY_SOURCE, {"source": "espn"})["data"]
    assert len(espn["tradeNewsBySource"]) == 100  # newest 100 of its 106
    assert post(original_client, path, BY_SOURCE, {"source": "Nobody"})["data"] == {
        "tradeNewsBySource": []
    }


def test_ids_are_strings_in_the_schema(original_client: TestClient) -> None:
    body = post(
        original_client,
        "/",
        '{ __type(name: "TradeNews") { fields { name type { kind ofType { name } } } } }',
    )
    fields = {f["name"]: f["type"] for f in body["data"]["__type"]["fields"]}
    assert fields["id"] == {"kind": "NON_NULL", "ofType": {"name": "String"}}
    result = post(original_client, "/", '{ __type(name: "TranslationResult") { name } }')
    assert result["data"]["__type"] == {"name": "TranslationResult"}


class HalfTranslator:
    """Translates everything except titles that mention the Celtics."""

    name = "test"

    def translate(self, text: str) -> str:
        if "Celtics" in text:
            raise TranslationError("the service refused this text")
        return f"訳: {text}"


@pytest.mark.parametrize("path", ["/", "/graphql"])
def test_original_mutations(original_client: TestClient, path: str) -> None:
    refused = post(original_client, path, TRANSLATE)
    assert refused["data"] is None
    assert "Authentication required" in refused["errors"][0]["message"]

    scraped = post(original_client, path, SCRAPE, token=TOKEN)["data"]["scrapeRss"]
    assert set(scraped) == {"savedCount", "skippedCount", "errorCount", "errors"}
    assert isinstance(scraped["errors"], list)
    assert scraped["errorCount"] == len(scraped["errors"])

    original_client.app.state.services.translator = HalfTranslator()  # type: ignore[attr-defined]
    result = post(original_client, path, TRANSLATE, token=TOKEN)["data"]["translatePendingNews"]
    assert set(result) == {"translatedCount", "errorCount", "errors"}
    celtics = 2 * len(FEEDS)  # the waiver and the game recap of each feed
    assert result["errorCount"] == celtics == len(result["errors"])
    assert all("the service refused this text" in e for e in result["errors"])
    assert result["translatedCount"] == 100 - celtics  # the default limit, 100

    news = post(original_client, path, GET_ALL)["data"]["tradeNews"]
    statuses = {n["translationStatus"] for n in news}
    assert statuses == {"completed", "failed"}
    done = [n for n in news if n["translationStatus"] == "completed"]
    assert all(n["titleJa"].startswith("訳: ") and n["translatedAt"] for n in done)
    # The new API says what it means about the same items.
    article = post(
        original_client,
        path,
        "{ news(first: 1) { edges { node { translationStatus source category } } } }",
    )
    node = article["data"]["news"]["edges"][0]["node"]
    assert node["translationStatus"] in {"translated", "failed"}
    assert node["source"] in {name for name, _ in FEEDS}
