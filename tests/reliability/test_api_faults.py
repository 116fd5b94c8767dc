"""The API while its database is away: fast, clean failures, and recovery without a
restart once the database is back."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine
from nba_tracker.store.migrate import prepare_database
from tests.reliability.serve_process import serve
from tests.support.bulk import seed_bulk_articles
from tests.support.pg_cluster import PgCluster

QUERY = {"query": "{ news(first: 5) { edges { node { id title } } } }"}


def test_database_outage_is_reported_quickly_and_recovered_from(
    own_postgres: PgCluster, tmp_path: Path
) -> None:
    engine = make_engine(Settings(), own_postgres.url)
    prepare_database(engine)
    seed_bulk_articles(engine, 200)
    engine.dispose()
    with (
        serve(own_postgres.url, tmp_path, "--no-collect") as api,
        httpx.Client(base_url=api.url, timeout=10) as client,
    ):
        assert client.get("/health").status_code == 200
        assert client.post("/graphql", json=QUERY).json()["data"]["news"]["edges"]

        own_postgres.stop()
        started = time.monotonic()
        health = client.get("/health")
        assert time.monotonic() - started < 2.0
        assert health.status_code == 503
        assert health.json()["status"] != "healthy"

        # Uncached query (new variables) so the database is really needed.
        broken = client.post(
            "/graphql",
            json={
                "query": "query($n: Int!) { news(first: $n) { edges { node { id } } } }",
                "variables": {"n": 7},
            },
        )
        body = broken.text
        assert (
            "Traceback" not in body and "psycopg" not in body and "sqlalchemy" not in body.lower()
        )
        assert broken.json().get("errors"), body

        page = client.get("/?q=outage-check")
        assert page.status_code == 503
        assert "unavailable" in page.text.lower()
        assert "Traceback" not in page.text

        own_postgres.start()
        back = time.monotonic()
        while time.monotonic() - back < 10:
            if client.get("/health").status_code == 200:
                break
            time.sleep(0.25)
        assert client.get("/health").status_code == 200, "did not recover within 10 s"
        recovered = client.post(
            "/graphql",
            json={
                "query": "query($n: Int!) { news(first: $n) { edges { node { id } } } }",
                "variables": {"n": 8},
            },
        )
        assert len(recovered.json()["data"]["news"]["edges"]) == 8
        assert api.process.poll() is None  # never restarted
