"""Health, metrics, request logging, caching and ETags."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.integration.api.conftest import collect
from tests.reliability.serve_process import serve
from tests.support.feeds import Item


def test_health_and_metrics(client: TestClient) -> None:
    health = client.get("/health")
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "healthy"
    assert body["timestamp"].endswith("Z")
    client.post("/graphql", json={"query": "{ stats { total } }"})
    text = client.get("/metrics").text
    assert 'nba_tracker_http_requests_total{method="POST",route="/graphql",status="200"}' in text
    assert "nba_tracker_http_request_duration_seconds_bucket" in text
    assert "nba_tracker_collections_total" in text or "nba_tracker_articles_new_total" in text


def test_repeated_reads_are_cached_with_etag_and_304(client: TestClient) -> None:
    query = {"query": "{ news(first: 3) { edges { node { title } } } }"}
    first = client.post("/graphql", json=query)
    etag = first.headers["etag"]
    assert "max-age" in first.headers["cache-control"]
    second = client.post("/graphql", json=query)
    assert second.content == first.content
    assert client.post("/graphql", json=query, headers={"If-None-Match": etag}).status_code == 304
    mutation = client.post("/graphql", json={"query": "mutation { scrapeRss { savedCount } }"})
    assert "etag" not in mutation.headers


def test_response_changes_after_a_collection_in_another_process(
    loaded_url: str, tmp_path: Path
) -> None:
    query = {"query": '{ news(first: 10, filter: {team: "MIA"}) { edges { node { title } } } }'}
    with serve(loaded_url, tmp_path, "--no-collect") as api, httpx.Client(base_url=api.url) as http:
        before: Any = http.post("/graphql", json=query).json()
        assert http.post("/graphql", json=query).headers.get("etag")
        feed = tmp_path / "heat.xml"
        from tests.support.feeds import rss

        feed.write_bytes(
            rss(
                [
                    Item(
                        "Heat sign Dru Smith to two-way contract",
                        "https://h.example/1",
                        "",
                        guid="heat-1",
                    )
                ]
            )
        )
        done = subprocess.run(
            [sys.executable, "-m", "nba_tracker.cli", "scrape", "--source", str(feed), "--json"],
            env={**__import__("os").environ, "NBA_TRACKER_DATABASE_URL": loaded_url},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        deadline = time.monotonic() + 3
        after: Any = before
        while time.monotonic() < deadline and after == before:
            time.sleep(0.1)
            after = http.post("/graphql", json=query).json()
        titles = [e["node"]["title"] for e in after["data"]["news"]["edges"]]
        assert "Heat sign Dru Smith to two-way contract" in titles
        log_lines = api.log.read_text().splitlines()
    import json

    completed = [json.loads(line) for line in log_lines if '"Request completed"' in line]
    assert completed
    sample = completed[-1]
    assert isinstance(sample["duration"], float | int)
    assert {"method", "path", "status", "request_id"} <= set(sample)
    assert "secret" not in api.log.read_text().lower()


def test_in_process_collection_invalidates_at_once(
    client: TestClient, loaded_url: str, tmp_path: Path
) -> None:
    query = {"query": '{ news(first: 5, filter: {team: "DEN"}) { edges { node { title } } } }'}
    assert client.post("/graphql", json=query).json()["data"]["news"]["edges"] == []
    collect(
        loaded_url,
        tmp_path / "den.xml",
        [Item("Nuggets sign Peyton Watson to extension", "https://d.example/1", "", guid="den-1")],
    )
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        edges = client.post("/graphql", json=query).json()["data"]["news"]["edges"]
        if edges:
            break
        time.sleep(0.1)
    assert edges
