"""Cross-origin browser clients: preflights, which origins may read, and that CORS never
stands in for the bearer token."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nba_tracker.api.app import create_app
from nba_tracker.api.cors import CorsPolicy
from nba_tracker.errors import ConfigurationError
from nba_tracker.settings import Settings

TOKEN = "cors-test-token"
PAGE = "http://localhost:8080"
QUERY = {"query": "{ tradeNews { id title } }"}


def app_client(database_url: str, **settings: Any) -> TestClient:
    return TestClient(
        create_app(Settings(database_url=database_url, api_token=TOKEN, **settings))  # type: ignore[arg-type]
    )


@pytest.fixture
def any_origin(loaded_url: str) -> Iterator[TestClient]:
    with app_client(loaded_url) as client:
        yield client


@pytest.fixture
def listed(loaded_url: str) -> Iterator[TestClient]:
    with app_client(
        loaded_url, cors_origins=f"{PAGE}, https://tracker.example", cors_allow_credentials=True
    ) as client:
        yield client


def preflight(client: TestClient, path: str, origin: str, headers: str = "content-type") -> Any:
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": headers,
        },
    )


@pytest.mark.parametrize("path", ["/", "/graphql"])
def test_default_lets_any_page_read_without_credentials(any_origin: TestClient, path: str) -> None:
    answer = preflight(any_origin, path, PAGE, "content-type, authorization")
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "POST" in answer.headers["access-control-allow-methods"]
    assert answer.headers["access-control-allow-headers"] == "authorization, content-type"
    assert "access-control-allow-credentials" not in answer.headers

    read = any_origin.post(path, json=QUERY, headers={"Origin": "https://anywhere.example"})
    assert read.status_code == 200 and len(read.json()["data"]["tradeNews"]) == 5
    assert read.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in read.headers
    assert "X-Request-ID" in read.headers["access-control-expose-headers"]


def test_mutations_still_need_the_token_from_any_origin(any_origin: TestClient) -> None:
    mutation = {"query": "mutation { scrapeRss { savedCount } }"}
    answer = any_origin.post("/", json=mutation, headers={"Origin": PAGE})
    assert answer.headers["access-control-allow-origin"] == "*"  # the page may read the refusal
    assert answer.json()["data"] is None
    assert "Authentication required" in answer.json()["errors"][0]["message"]


def test_a_list_allows_only_its_origins(listed: TestClient) -> None:
    ok = preflight(listed, "/", PAGE)
    assert ok.status_code == 204
    assert ok.headers["access-control-allow-origin"] == PAGE
    assert ok.headers["access-control-allow-credentials"] == "true"
    assert ok.headers["vary"] == "Origin"

    other = preflight(listed, "/", "https://evil.example")
    assert other.status_code == 403
    assert "access-control-allow-origin" not in other.headers

    read = listed.post("/graphql", json=QUERY, headers={"Origin": "https://evil.example"})
    assert read.status_code == 200  # served, but the browser keeps it from that page
    assert "access-control-allow-origin" not in read.headers
    mine = listed.post("/graphql", json=QUERY, headers={"Origin": PAGE})
    assert mine.headers["access-control-allow-origin"] == PAGE


def test_apollo_kotlin_headers_pass_the_preflight(any_origin: TestClient) -> None:
    asked = "content-type, x-apollo-operation-id, x-apollo-operation-name"
    answer = preflight(any_origin, "/", PAGE, asked)
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-headers"] == asked


def test_preflight_refuses_unlisted_methods_and_headers(any_origin: TestClient) -> None:
    put = any_origin.options(
        "/graphql", headers={"Origin": PAGE, "Access-Control-Request-Method": "PUT"}
    )
    assert put.status_code == 403 and "PUT" in put.text
    odd = preflight(any_origin, "/graphql", PAGE, "content-type, x-secret")
    assert odd.status_code == 403 and "x-secret" in odd.text


def test_the_page_and_feeds(any_origin: TestClient) -> None:
    page = any_origin.get("/", headers={"Origin": PAGE, "Accept": "text/html"})
    assert page.status_code == 200 and "access-control-allow-origin" not in page.headers
    feed = any_origin.get("/feeds/all.atom", headers={"Origin": PAGE})
    assert feed.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(
    ("origins", "credentials", "complaint"),
    [
        ("*", True, "needs a list of origins"),
        ("*, http://a.example", False, "cannot be combined"),
        ("localhost:8080", False, "not an origin"),
        ("http://a.example/path", False, "not an origin"),
    ],
)
def test_bad_settings_fail_at_start(origins: str, credentials: bool, complaint: str) -> None:
    with pytest.raises(ConfigurationError, match=complaint):
        CorsPolicy.parse(origins, credentials)
