"""The fast path of ``news`` answers exactly what Strawberry answers: the same bytes, the
same status and cache headers, for every field of the node types, aliases, fragments,
variables, filters, cursors, page bounds and invalid input; what it cannot answer goes
to Strawberry unchanged."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType
from sqlalchemy import text

from nba_tracker.api.app import create_app
from nba_tracker.api.graphql import schema as graphql_schema
from nba_tracker.api.graphql.fast_news import FastNews
from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine


def _every_field(type_name: str) -> str:
    """A selection of every field of ``type_name`` and of the object types below it."""
    gql_type = graphql_schema.schema._schema.get_type(type_name)
    assert isinstance(gql_type, GraphQLObjectType)
    parts = ["__typename"]
    for name, field in gql_type.fields.items():
        inner = field.type
        while isinstance(inner, (GraphQLNonNull, GraphQLList)):
            inner = inner.of_type
        parts.append(
            f"{name} {_every_field(inner.name)}" if isinstance(inner, GraphQLObjectType) else name
        )
    return "{ " + " ".join(parts) + " }"


EVERY_FIELD = f"{{ __typename news(first: 10) {_every_field('NewsConnection')} }}"
PAGE = """query Page($f: NewsFilterInput, $first: Int!, $after: String) {
  news(filter: $f, first: $first, after: $after) {
    edges { cursor node { id title category status publishedAt storyId
                          teams { abbreviation } players { id fullName nbaId }
                          picks { year round originalTeam } } }
    pageInfo { endCursor hasNextPage } } }"""

# Each answered by the fast path: (document, variables, operation name).
FAST: list[tuple[str, dict[str, Any] | None, str | None]] = [
    (EVERY_FIELD, None, None),
    ("{ news { edges { node { id } } } }", None, None),  # the default page size
    ("query { news(first: 1) { pageInfo { hasNextPage endCursor } } }", None, None),
    ("{ news(first: 100) { edges { cursor } } }", None, None),
    (
        """{ a: news(first: 3, filter: {team: "lal"}) {
              __typename items: edges { c: cursor n: node { i: id t: title ty: __typename
              who: teams { abbr: abbreviation name: fullName } } }
              info: pageInfo { more: hasNextPage end: endCursor } } }""",
        None,
        None,
    ),
    (
        """query Named($team: String!) { ...Root }
           fragment Root on Query { news(first: 5, filter: {team: $team}) { ...Conn } }
           fragment Conn on NewsConnection { edges { node { ...Item ... on Article { link } } }
                                             pageInfo { ... { hasNextPage } } }
           fragment Item on Article { id title teams { city } teams { nickname abbreviation }
                                      ... { source title } players { fullName } }""",
        {"team": "BOS"},
        "Named",
    ),
    (
        "{ news(first: 5) { edges { node { title id title } node { id category } } } }",
        None,
        None,
    ),
    (PAGE, {"f": {"team": "LAL"}, "first": 10}, None),
    (PAGE, {"f": {"category": "trade"}, "first": 10}, "Page"),
    (PAGE, {"f": {"status": "OFFICIAL", "category": "Waiver"}, "first": 5}, None),
    (PAGE, {"f": {"player": "jayson tatum"}, "first": 5}, None),
    (PAGE, {"f": {"source": "Wire"}, "first": 2}, None),
    (PAGE, {"f": {"text": "extension Bridges"}, "first": 5}, None),
    (PAGE, {"f": {"text": "!!!"}, "first": 5}, None),
    (
        PAGE,
        {"f": {"since": "2000-01-01T00:00:00Z", "until": "2100-01-01T00:00:00+09:00"}, "first": 3},
        None,
    ),
    (PAGE, {"f": {}, "first": 4, "after": None}, None),
    (PAGE, {"f": None, "first": 3}, None),
    (
        """query($since: DateTime, $first: Int = 2) {
             news(first: $first, filter: {since: $since, team: "UTA"}) { edges { node { id } } } }""",
        {"since": "2001-02-03T04:05:06Z"},
        None,
    ),
]

# Each answered by Strawberry (refused, an error, or beyond the plan): the same answer.
GENERAL: list[tuple[str, dict[str, Any] | None, str | None]] = [
    ("{ news(first: 0) { edges { cursor } } }", None, None),
    ("{ news(first: 101) { edges { cursor } } }", None, None),
    ("{ news(first: -1) { edges { cursor } } }", None, None),
    ('{ news(after: "not-a-cursor") { edges { cursor } } }', None, None),
    ('{ news(filter: {category: "Bogus"}) { edges { cursor } } }', None, None),
    ('{ news(filter: {status: "maybe"}) { edges { cursor } } }', None, None),
    (PAGE, {"f": {"since": "not a date"}, "first": 2}, None),
    (PAGE, {"f": {"team": 5}, "first": 2}, None),
    (PAGE, {"first": "ten"}, None),
    (PAGE, {}, None),  # a required variable missing
    (PAGE, {"first": 2}, "Other"),  # no such operation
    ("{ news { edges { node { nope } } } }", None, None),
    ("{ news { edges }", None, None),  # does not parse
    ("query A { news { pageInfo { hasNextPage } } } query B { teams { city } }", None, "A"),
    ("query($x: Boolean!) { news { edges { node { id @include(if: $x) } } } }", {"x": False}, None),
    ("{ news(first: 2) { edges { node { id } } } teams { abbreviation } }", None, None),
    (
        "{ a: news(first: 1) { edges { cursor } } b: news(first: 2) { edges { cursor } } }",
        None,
        None,
    ),
    ("{ __schema { queryType { name } } }", None, None),
    ('{ news(first: 1) { __typename } __type(name: "Article") { name } }', None, None),
    ("{ teams { abbreviation } }", None, None),
    ("mutation { translatePendingNews { translatedCount } }", None, None),
]


@pytest.fixture
def clients(
    loaded_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[TestClient, TestClient]]:
    """(an app with the fast path, an app where Strawberry answers everything)."""
    settings = Settings(database_url=loaded_url)
    fast_app = create_app(settings)
    monkeypatch.setattr(graphql_schema, "FAST_NEWS", None)
    plain_app = create_app(settings)
    with TestClient(fast_app) as fast, TestClient(plain_app) as plain:
        yield fast, plain


def _fast_path() -> FastNews:
    """The app's fast path (the fixture hides it from the plain app only)."""
    assert INSTALLED is not None
    return INSTALLED


INSTALLED = graphql_schema.FAST_NEWS


def _post(client: TestClient, query: str, variables: Any, operation: str | None) -> Any:
    body: dict[str, Any] = {"query": query, "variables": variables}
    if operation is not None:
        body["operationName"] = operation
    return client.post("/graphql", json=body)


def _same_answer(
    fast: TestClient, plain: TestClient, query: str, variables: Any, operation: str | None
) -> bytes:
    mine, theirs = (
        _post(fast, query, variables, operation),
        _post(plain, query, variables, operation),
    )
    assert (mine.status_code, mine.content) == (theirs.status_code, theirs.content), query
    for header in ("content-type", "etag", "cache-control"):
        assert mine.headers.get(header) == theirs.headers.get(header), header
    return mine.content


@pytest.mark.parametrize(("query", "variables", "operation"), FAST)
def test_the_fast_path_answers_what_strawberry_answers(
    clients: tuple[TestClient, TestClient], query: str, variables: Any, operation: str | None
) -> None:
    fast, plain = clients
    path = _fast_path()
    before = path.answered
    content = _same_answer(fast, plain, query, variables, operation)
    assert path.answered == before + 1, "Strawberry answered a document the fast path should"
    assert b'"errors"' not in content


@pytest.mark.parametrize(("query", "variables", "operation"), GENERAL)
def test_everything_else_is_strawberrys_answer(
    clients: tuple[TestClient, TestClient], query: str, variables: Any, operation: str | None
) -> None:
    fast, plain = clients
    path = _fast_path()
    before = path.answered
    _same_answer(fast, plain, query, variables, operation)
    assert path.answered == before


def test_pages_walked_by_cursor_are_the_same(clients: tuple[TestClient, TestClient]) -> None:
    fast, plain = clients
    for flt, total in (({}, 5), ({"team": "LAL"}, 1), ({"category": "Other"}, 1)):
        after, titles = None, []
        while True:
            variables = {"f": flt, "first": 2, "after": after}
            page = json.loads(_same_answer(fast, plain, PAGE, variables, None))["data"]["news"]
            titles += [edge["node"]["title"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert len(titles) == len(set(titles)) == total, flt


def test_get_queries_and_the_original_root_path_take_the_fast_path(
    clients: tuple[TestClient, TestClient],
) -> None:
    fast, plain = clients
    path = _fast_path()
    before = path.answered
    query = "{ news(first: 2) { edges { node { id title } } } }"
    mine = fast.get("/graphql", params={"query": query}, headers={"accept": "application/json"})
    theirs = plain.get("/graphql", params={"query": query}, headers={"accept": "application/json"})
    assert (mine.status_code, mine.content) == (theirs.status_code, theirs.content)
    mine, theirs = fast.post("/", json={"query": query}), plain.post("/", json={"query": query})
    assert (mine.status_code, mine.content) == (theirs.status_code, theirs.content)
    assert path.answered == before + 2


def test_a_new_data_version_is_never_answered_from_old_edges(
    clients: tuple[TestClient, TestClient], loaded_url: str
) -> None:
    """Edges are reused within a data version only: a write that bumps it (as every
    collection and translation does) shows at once on the fast path."""
    fast, plain = clients
    query = "{ news(first: 5) { edges { node { id title } } } }"
    before = _same_answer(fast, plain, query, None, None)
    engine = make_engine(Settings(), loaded_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE articles SET title = 'Retitled: ' || title"))
            conn.execute(text("UPDATE data_version SET version = version + 1 WHERE id = 1"))
    finally:
        engine.dispose()
    for client in (fast, plain):
        app: Any = client.app
        assert client.portal is not None
        client.portal.call(app.state.services.refresh_version)
    after = _same_answer(fast, plain, query, None, None)
    assert after != before
    assert after.count(b"Retitled: ") == 5
