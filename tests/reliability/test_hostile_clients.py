"""Hostile GraphQL clients are refused cleanly and cheaply; wrong tokens are rate-limited
and never run a mutation."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine, make_sessionmaker
from nba_tracker.store.models import ScrapeRun
from tests.reliability.serve_process import Served, serve
from tests.support.bulk import seed_bulk_articles
from tests.support.feeds import realistic_items, rss

REFUSAL_BUDGET_S = 0.5  # each refusal must cost less than this, server side and back


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Served:  # type: ignore[misc]
    engine = make_engine(Settings(), database_url)
    seed_bulk_articles(engine, 500)
    engine.dispose()
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss(realistic_items(5, "fuzz")))
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(f'replace_defaults = true\n[[feeds]]\nname = "Local"\nurl = "{feed}"\n')
    with serve(
        database_url, tmp_path, "--no-collect", env={"NBA_TRACKER_FEEDS_FILE": str(feeds)}
    ) as served:
        yield served


def nested(depth: int) -> str:
    query = "id"
    for _ in range(depth):
        query = f"news(first: 1) {{ edges {{ node {{ {query} }} }} }}"
    return "{ " + query + " }"


def timed_post(client: httpx.Client, body: object, **kw: object) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = client.post("/graphql", json=body, **kw)  # type: ignore[arg-type]
    return response, time.perf_counter() - started


def test_expensive_queries_are_refused_cheaply(api: Served) -> None:
    alias_bomb = "{ " + " ".join(f"a{i}: stats {{ total }}" for i in range(1000)) + " }"
    huge = "{ news(first: 1) { edges { node { id } } } }" + " " * (1024 * 1024)
    cases = {
        "depth-50": {"query": nested(50)},
        "1-MB": {"query": huge},
        "first-100000": {"query": "{ news(first: 100000) { edges { node { id } } } }"},
        "1000-aliases": {"query": alias_bomb},
    }
    timings = {}
    with httpx.Client(base_url=api.url, timeout=30) as client:
        for name, body in cases.items():
            response, seconds = timed_post(client, body)
            timings[name] = seconds
            assert response.status_code in (200, 400, 413), (name, response.status_code)
            assert response.status_code != 500
            text = response.text
            assert "Traceback" not in text
            if response.status_code == 200:
                payload = response.json()
                assert payload.get("errors"), (name, text[:300])
                assert not (payload.get("data") or {}).get("news"), name
            assert seconds < REFUSAL_BUDGET_S, (name, seconds)
    print({k: round(v * 1000, 1) for k, v in timings.items()})


def test_wrong_tokens_are_rate_limited_and_never_run(api: Served, database_url: str) -> None:
    mutation = {"query": "mutation { scrapeRss { savedCount errorCount errors } }"}
    statuses: list[int] = []
    with httpx.Client(base_url=api.url, timeout=10) as client:
        for i in range(1000):
            response = client.post(
                "/graphql", json=mutation, headers={"Authorization": f"Bearer wrong-{i}"}
            )
            statuses.append(response.status_code)
            if response.status_code == 200:
                body = response.json()
                assert body.get("errors") and not (body.get("data") or {}).get("scrapeRss"), body
        # Even the right token is held off while this client is being limited.
        limited = client.post(
            "/graphql", json=mutation, headers={"Authorization": "Bearer test-token-1234567890"}
        )
    assert 429 in statuses
    assert statuses.count(429) >= 900
    assert limited.status_code == 429
    engine = make_engine(Settings(), database_url)
    with make_sessionmaker(engine)() as session:
        assert session.scalar(select(func.count()).select_from(ScrapeRun)) == 0
    engine.dispose()


def test_schemathesis_finds_no_server_errors(api: Served) -> None:
    exe = shutil.which("schemathesis") or str(Path(sys.executable).with_name("schemathesis"))
    out = subprocess.run(
        [
            exe,
            "run",
            f"{api.url}/graphql",
            "--checks",
            "not_a_server_error",
            # With the token, so the mutations run too (against a local feed).
            "--header",
            "Authorization: Bearer test-token-1234567890",
            "--max-examples",
            "30",
            "--seed",
            "1",
            "--request-timeout",
            "10",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
