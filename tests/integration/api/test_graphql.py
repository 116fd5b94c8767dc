"""GraphQL as clients use it, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine, make_sessionmaker
from nba_tracker.store.models import ScrapeRun
from tests.integration.api.conftest import TOKEN, gql

LEGACY = "{ id title description link source publishedAt category titleJa descriptionJa translationStatus translatedAt }"


def test_original_tracker_fields_keep_their_names_and_shapes(client: TestClient) -> None:
    data: Any = gql(client, f"{{ tradeNews {LEGACY} }}")["data"]
    assert len(data["tradeNews"]) == 5
    first = data["tradeNews"][0]
    assert set(first) == {
        "id",
        "title",
        "description",
        "link",
        "source",
        "publishedAt",
        "category",
        "titleJa",
        "descriptionJa",
        "translationStatus",
        "translatedAt",
    }
    assert first["source"] == "Wire"
    trades: Any = gql(client, f'{{ tradeNewsByCategory(category: "trade") {LEGACY} }}')["data"]
    assert [n["title"][:6] for n in trades["tradeNewsByCategory"]] == ["Lakers"]
    other: Any = gql(client, f'{{ tradeNewsByCategory(category: "Other") {LEGACY} }}')["data"]
    assert len(other["tradeNewsByCategory"]) == 2  # the game recap and the waiver
    by_source: Any = gql(client, '{ tradeNewsBySource(source: "Wire") { id } }')["data"]
    assert len(by_source["tradeNewsBySource"]) == 5


def test_news_filters_and_cursor_pagination(client: TestClient) -> None:
    q = """query($f: NewsFilterInput, $first: Int!, $after: String) {
      news(filter: $f, first: $first, after: $after) {
        edges { cursor node { title category status teams { abbreviation } players { fullName }
                               picks { year round } } }
        pageInfo { endCursor hasNextPage } } }"""
    lal: Any = gql(client, q, {"f": {"team": "LAL"}, "first": 10})["data"]["news"]
    node = lal["edges"][0]["node"]
    assert node["category"] == "Trade"
    assert {t["abbreviation"] for t in node["teams"]} == {"LAL", "UTA"}
    assert node["players"] == [{"fullName": "Dalton Knecht"}]
    assert node["picks"] == [{"year": 2031, "round": 2}]
    assert gql(client, q, {"f": {"status": "official", "category": "Waiver"}, "first": 5})["data"][
        "news"
    ]["edges"]  # type: ignore[index]
    assert (
        len(gql(client, q, {"f": {"player": "jayson tatum"}, "first": 5})["data"]["news"]["edges"])
        == 1
    )  # type: ignore[index]
    text: Any = gql(client, q, {"f": {"text": "extension Bridges"}, "first": 5})["data"]["news"]
    assert [e["node"]["title"][:7] for e in text["edges"]] == ["Knicks'"]
    seen = []
    after = None
    while True:
        page: Any = gql(client, q, {"first": 2, "after": after})["data"]["news"]
        seen += [e["node"]["title"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == 5 == len(set(seen))


def test_bad_arguments_are_clear_errors(client: TestClient) -> None:
    for query in (
        "{ news(first: 100000) { edges { cursor } } }",
        '{ news(after: "not-a-cursor") { edges { cursor } } }',
        '{ news(filter: {category: "Bogus"}) { edges { cursor } } }',
    ):
        body = gql(client, query)
        errors: Any = body["errors"]
        assert errors and "Unexpected" not in errors[0]["message"], body


def test_other_reads(client: TestClient) -> None:
    data: Any = gql(
        client,
        """{ teams { abbreviation } team(abbreviation: "tor") { fullName news { edges { node { title } } } }
        players(search: "tatum") { fullName } sources { name healthy consecutiveFailures }
        stats { total byCategory { category count } byTeam { abbreviation count } }
        stories(first: 10) { headline sources articleCount } }""",
    )["data"]
    assert len(data["teams"]) == 30
    assert data["team"]["fullName"] == "Toronto Raptors"
    assert "Jamal Shead" in data["team"]["news"]["edges"][0]["node"]["title"]
    assert data["players"][0]["fullName"] == "Jayson Tatum"
    assert data["sources"] == [{"name": "Wire", "healthy": True, "consecutiveFailures": 0}]
    assert data["stats"]["total"] == 5
    assert data["stories"] and all(s["sources"] == ["Wire"] for s in data["stories"])


def test_mutations_need_the_token_and_run_nothing_without_it(
    client: TestClient, loaded_url: str
) -> None:
    mutation = "mutation { scrapeRss { savedCount skippedCount errorCount errors } }"
    engine = make_engine(Settings(), loaded_url)
    factory = make_sessionmaker(engine)
    with factory() as session:
        runs_before = session.scalar(select(func.count()).select_from(ScrapeRun))
    for token in (None, "wrong"):
        body: Any = gql(client, mutation, token=token)
        assert body["data"] is None
        assert "Authentication required" in body["errors"][0]["message"]
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(ScrapeRun)) == runs_before
    engine.dispose()


def test_a_50_item_page_with_teams_and_players_is_a_few_statements(
    loaded_url: str, client: TestClient
) -> None:
    from nba_tracker.store import queries as q
    from tests.support.bulk import seed_bulk_articles

    engine = make_engine(Settings(), loaded_url)
    seed_bulk_articles(engine, 300)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with make_sessionmaker(engine)() as session:
        page = q.news_page(session, q.NewsFilter(), 50)
    engine.dispose()
    assert len(page.items) == 50
    assert all(item.teams for item in page.items)
    assert len(statements) <= 3, statements


def test_authorized_mutations_run(loaded_url: str, tmp_path: Any) -> None:
    from nba_tracker.api.app import create_app
    from nba_tracker.ingest.registry import FeedSpec
    from tests.support.feeds import realistic_items, rss

    feed = tmp_path / "more.xml"
    feed.write_bytes(rss(realistic_items(4, "mutation")))
    settings = Settings(database_url=loaded_url, api_token=TOKEN)  # type: ignore[arg-type]
    with TestClient(create_app(settings, feeds=[FeedSpec("More", str(feed))])) as c:
        scraped: Any = gql(
            c, "mutation { scrapeRss { savedCount skippedCount errorCount errors } }", token=TOKEN
        )["data"]
        again: Any = gql(
            c, "mutation { scrapeRss { savedCount skippedCount errorCount errors } }", token=TOKEN
        )["data"]
        translated: Any = gql(
            c,
            "mutation { translatePendingNews(limit: 5) { translatedCount failedCount skipped"
            " errorCount errors } }",
            token=TOKEN,
        )["data"]
    assert scraped["scrapeRss"] == {
        "savedCount": 4,
        "skippedCount": 0,
        "errorCount": 0,
        "errors": [],
    }
    assert again["scrapeRss"]["savedCount"] == 0
    assert again["scrapeRss"]["skippedCount"] == 4
    # No translator configured on a laptop: nothing is translated, and it says so.
    assert translated["translatePendingNews"] == {
        "translatedCount": 0,
        "failedCount": 0,
        "skipped": True,
        "errorCount": 0,
        "errors": [],
    }


def test_search_text_is_never_query_syntax(client: TestClient) -> None:
    q = "query($t: String) { news(filter: {text: $t}, first: 5) { edges { node { title } } } }"
    for hostile in ('"', "NEAR(a b", "title:x", "*", "a OR", "-Bridges", "') --", "\x00", "🏀"):
        body: Any = gql(client, q, {"t": hostile})
        assert "errors" not in body, (hostile, body)
    found: Any = gql(client, q, {"t": '"Bridges'})["data"]["news"]["edges"]
    assert [e["node"]["title"][:7] for e in found] == ["Knicks'"]
