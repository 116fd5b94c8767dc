"""Helpers of the attacker-and-broken-disk probes: a served tracker reading feeds the
test programs, and the GraphQL calls a client makes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.reliability.serve_process import Served, serve

TOKEN = "test-token-1234567890"
SCRAPE = {"query": "mutation { scrapeRss { savedCount skippedCount errorCount errors } }"}


def feeds_file(tmp: Path, feeds: Sequence[tuple[str, str] | tuple[str, str, bool]]) -> Path:
    """A feeds file with only ``feeds``: (name, url) or (name, url, private)."""
    lines = ["replace_defaults = true"]
    for feed in feeds:
        lines += ["[[feeds]]", f'name = "{feed[0]}"', f'url = "{feed[1]}"']
        if len(feed) == 3 and feed[2]:
            lines.append("private = true")
    path = tmp / "feeds.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@contextmanager
def tracker(
    database_url: str,
    tmp: Path,
    feeds: Sequence[tuple[str, str] | tuple[str, str, bool]] = (),
    env: dict[str, str] | None = None,
    fd_limit: int | None = None,
) -> Iterator[tuple[Served, httpx.Client]]:
    """``nba-tracker serve --no-collect`` on loopback reading ``feeds``; the address guard
    on, as in production, unless ``env`` says otherwise."""
    full_env = {"NBA_TRACKER_FETCH_ALLOW_PRIVATE": "false", **(env or {})}
    if feeds:
        full_env["NBA_TRACKER_FEEDS_FILE"] = str(feeds_file(tmp, feeds))
    with (
        serve(database_url, tmp, "--no-collect", env=full_env, fd_limit=fd_limit) as served,
        httpx.Client(base_url=served.url, timeout=30) as client,
    ):
        yield served, client


def scrape(client: httpx.Client) -> dict[str, Any]:
    response = client.post("/graphql", json=SCRAPE, headers={"Authorization": f"Bearer {TOKEN}"})
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["scrapeRss"]


def gql(client: httpx.Client, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = client.post("/graphql", json={"query": query, "variables": variables or {}})
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def sources(client: httpx.Client) -> dict[str, dict[str, Any]]:
    data = gql(client, "{ sources { name url lastError consecutiveFailures } }")
    return {s["name"]: s for s in data["sources"]}
