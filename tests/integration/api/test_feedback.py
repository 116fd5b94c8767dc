"""Evidence over GraphQL and readers' flags over ``POST /feedback``, on both databases."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select

from nba_tracker.api import feedback as api_feedback
from nba_tracker.api.app import create_app
from nba_tracker.settings import Settings
from nba_tracker.store import feedback
from nba_tracker.store.engine import make_sessionmaker, normalize_url, transaction
from nba_tracker.store.models import Feedback
from tests.integration.api.conftest import TOKEN, gql

STORY = "query ($id: ID!) { story(id: $id) { statusEvidence articles { status statusEvidence } } }"
ARTICLES = "{ news(first: 10) { edges { node { id title category status categoryEvidence statusEvidence } } } }"


@pytest.fixture
def proxied(loaded_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The app behind a proxy it trusts: each test picks its client's address."""
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")
    settings = Settings(database_url=loaded_url, api_token=TOKEN)  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as c:
        yield c


def nodes(client: TestClient) -> dict[str, dict[str, str]]:
    data = gql(client, ARTICLES)["data"]
    return {e["node"]["title"]: e["node"] for e in data["news"]["edges"]}  # type: ignore[index]


def post(client: TestClient, body: object, address: str = "198.51.100.7", **headers: str) -> object:
    return client.post(
        "/feedback",
        content=json.dumps(body),
        headers={"content-type": "application/json", "x-forwarded-for": address, **headers},
    )


def test_graphql_returns_the_evidence_of_each_badge(client: TestClient) -> None:
    by_title = nodes(client)
    signed = by_title["The Toronto Raptors have signed Jamal Shead to a 10-day contract."]
    assert (signed["category"], signed["status"]) == ("Signing", "official")
    assert signed["statusEvidence"] == "have signed"
    assert signed["categoryEvidence"]
    game = by_title["Jayson Tatum scores 40 as Celtics beat Heat"]
    assert game["category"] == "Other" and game["statusEvidence"] == ""
    stories = gql(client, "{ stories(first: 10) { id status statusEvidence } }")
    assert stories["data"]["stories"]  # type: ignore[index]
    for story in stories["data"]["stories"]:  # type: ignore[index]
        one = gql(client, STORY, {"id": story["id"]})["data"]["story"]  # type: ignore[index]
        deciding = [a for a in one["articles"] if a["status"] == story["status"]]
        assert story["statusEvidence"] == one["statusEvidence"] == deciding[0]["statusEvidence"]
        assert story["statusEvidence"] != ""


def test_a_flag_is_stored_with_a_hashed_client_key(proxied: TestClient, loaded_url: str) -> None:
    by_title = nodes(proxied)
    waiver = by_title["Celtics waive Jordan Walsh"]
    r = post(proxied, {"article": waiver["id"], "badge": "status"})
    assert r.status_code == 201, r.text  # type: ignore[attr-defined]
    assert r.json() == {  # type: ignore[attr-defined]
        "id": r.json()["id"],  # type: ignore[attr-defined]
        "article": waiver["id"],
        "badge": "status",
        "label": waiver["status"],
        "suggested": None,
    }
    r = post(proxied, {"article": waiver["id"], "badge": "category", "suggested": "trade"})
    assert r.status_code == 201 and r.json()["suggested"] == "Trade"  # type: ignore[attr-defined]
    engine = create_engine(normalize_url(loaded_url))
    try:
        with transaction(make_sessionmaker(engine)) as session:
            rows = session.scalars(select(Feedback).order_by(Feedback.id)).all()
            assert [(f.badge, f.label, f.suggested) for f in rows] == [
                ("status", waiver["status"], None),
                ("category", "Waiver", "Trade"),
            ]
            assert len({f.client_key for f in rows}) == 1
            assert "198.51.100.7" not in rows[0].client_key
            assert len(rows[0].client_key) == 32
            [listed, _] = feedback.list_flags(session)
            assert listed.title == "Celtics waive Jordan Walsh" and listed.current == "Waiver"
    finally:
        engine.dispose()


def test_bad_flags_get_clear_errors(proxied: TestClient) -> None:
    some = next(iter(nodes(proxied).values()))
    assert post(proxied, {"article": "nope", "badge": "category"}).status_code == 404  # type: ignore[attr-defined]
    bad = post(proxied, {"article": some["id"], "badge": "colour"})
    assert bad.status_code == 400 and "badge" in bad.json()["error"]  # type: ignore[attr-defined]
    bad = post(proxied, {"article": some["id"], "badge": "status", "suggested": "maybe"})
    assert bad.status_code == 400 and "status" in bad.json()["error"]  # type: ignore[attr-defined]
    assert post(proxied, ["not", "an", "object"]).status_code == 400  # type: ignore[attr-defined]
    other = nodes(proxied)["Jayson Tatum scores 40 as Celtics beat Heat"]
    assert post(proxied, {"article": other["id"], "badge": "status"}).status_code == 400  # type: ignore[attr-defined]


def test_flags_are_csrf_safe(proxied: TestClient) -> None:
    some = next(iter(nodes(proxied).values()))
    # An HTML form on another site can post this; it is never read.
    form = proxied.post(
        "/feedback",
        data={"article": some["id"], "badge": "category"},
        headers={"x-forwarded-for": "198.51.100.8"},
    )
    assert form.status_code == 415
    cross = post(
        proxied, {"article": some["id"], "badge": "category"}, origin="https://elsewhere.example"
    )
    assert cross.status_code == 403  # type: ignore[attr-defined]
    fetched = post(
        proxied, {"article": some["id"], "badge": "category"}, **{"sec-fetch-site": "cross-site"}
    )
    assert fetched.status_code == 403  # type: ignore[attr-defined]
    # A cross-origin fetch needs a preflight, which this path never grants.
    preflight = proxied.options(
        "/feedback",
        headers={
            "origin": "https://elsewhere.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert "access-control-allow-origin" not in preflight.headers
    same = post(
        proxied,
        {"article": some["id"], "badge": "category"},
        origin="http://testserver",
        **{"sec-fetch-site": "same-origin"},
    )
    assert same.status_code == 201  # type: ignore[attr-defined]


def test_each_client_gets_twenty_flags_an_hour(proxied: TestClient) -> None:
    some = next(iter(nodes(proxied).values()))
    flag = {"article": some["id"], "badge": "category"}
    for _ in range(api_feedback.FLAG_LIMIT):
        assert post(proxied, flag, "203.0.113.1").status_code == 201  # type: ignore[attr-defined]
    refused = post(proxied, flag, "203.0.113.1")
    assert refused.status_code == 429  # type: ignore[attr-defined]
    # The first of the twenty leaves the window in (almost) an hour.
    assert 3500 < int(refused.headers["retry-after"]) <= 3600  # type: ignore[attr-defined]
    assert "20 flags an hour" in refused.json()["error"]  # type: ignore[attr-defined]
    # Another reader is not held back by the first.
    assert post(proxied, flag, "203.0.113.2").status_code == 201  # type: ignore[attr-defined]


def test_client_keys_name_no_address() -> None:
    key = api_feedback.hash_key(Settings(api_token=TOKEN))  # type: ignore[arg-type]
    assert key == api_feedback.hash_key(Settings(api_token=TOKEN))  # type: ignore[arg-type]
    assert api_feedback.client_key(key, "192.0.2.1") != api_feedback.client_key(key, "192.0.2.2")
    other = api_feedback.hash_key(Settings(api_token="another-token"))  # type: ignore[arg-type]
    assert api_feedback.client_key(key, "192.0.2.1") != api_feedback.client_key(other, "192.0.2.1")
