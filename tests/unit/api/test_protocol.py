"""Small pieces of the HTTP surface: cursors, request parsing, metric labels."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from nba_tracker.api.metrics import route_label
from nba_tracker.api.middleware import graphql_query, graphql_request, is_mutation
from nba_tracker.store.queries import QueryError, decode_cursor, encode_cursor


def test_cursors_round_trip_and_reject_garbage() -> None:
    stamp = datetime(2026, 11, 28, 16, 40, 5, 123456, tzinfo=UTC)
    assert decode_cursor(encode_cursor(stamp, 42)) == (stamp, 42)
    for bad in ("", "not-a-cursor", "!!!!", encode_cursor(stamp, 1)[:-3] + "A"):
        with pytest.raises(QueryError):
            decode_cursor(bad)


def test_graphql_bodies() -> None:
    assert graphql_query(b'{"query": "{ teams { abbreviation } }"}') == "{ teams { abbreviation } }"
    assert graphql_request(b"[1, 2]") is None
    assert graphql_request(b"\xff") is None
    assert graphql_query(b'{"query": 7}') is None
    assert is_mutation("mutation { scrapeRss { savedCount } }")
    assert is_mutation("query A { teams { abbreviation } } mutation B { scrapeRss { errors } }")
    assert not is_mutation("{ news(first: 2) { edges { cursor } } }")


def test_metric_routes_are_bounded() -> None:
    assert route_label("/graphql") == "/graphql"
    assert route_label("/team/LAL") == "/team/{abbreviation}"
    assert route_label("/feeds/team/LAL.atom") == "/feeds/team/{abbreviation}"
    assert route_label("/wp-admin/setup.php") == "other"
    assert route_label("/static/app.css") == "/static"
