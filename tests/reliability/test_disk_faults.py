"""Storage that refuses writes: one clear line from the CLI (a JSON error object with
``--json``), a ``STORAGE_UNAVAILABLE`` GraphQL error, ``/health`` degraded with the
reason while serving, and recovery once the storage takes writes again.

SQLite: the disk fills (the process's file-size limit drops to one byte, which makes
every write beyond it fail as on a full disk, with no privileges needed). PostgreSQL:
the database turns read-only (``default_transaction_read_only``, what a failed-over
replica does)."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from nba_tracker.store.engine import normalize_url
from tests.reliability.probe import SCRAPE, TOKEN, scrape, tracker
from tests.support.feed_server import FeedServer
from tests.support.feeds import realistic_items, rss


def _full_disk() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (1, resource.RLIM_INFINITY))


def _set_read_only(database_url: str, read_only: bool) -> None:
    name = make_url(database_url).database
    admin = create_engine(normalize_url(database_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("SET default_transaction_read_only = off"))  # this session may write
        conn.execute(
            text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = {read_only}')
        )
        # Sessions keep the setting they started with: end them, the pool reconnects.
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
    admin.dispose()


def _cli(
    database_url: str, *args: str, preexec: Callable[[], None] | None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NBA_TRACKER_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "nba_tracker.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=preexec,
        check=False,
    )


def test_storage_refusing_writes_is_reported_clearly(
    database_url: str, feed_server: FeedServer, tmp_path: Path
) -> None:
    sqlite = database_url.startswith("sqlite")
    feed = feed_server.add("/f.xml", rss(realistic_items(20, "disk")))
    source = ["scrape", "--source", feed]

    if not sqlite:
        _set_read_only(database_url, True)
    preexec = _full_disk if sqlite else None
    as_json = _cli(database_url, *source, "--json", preexec=preexec)
    plain = _cli(database_url, *source, preexec=preexec)
    if not sqlite:
        _set_read_only(database_url, False)

    for result in (as_json, plain):
        assert result.returncode == 1, (result.stdout, result.stderr[-2000:])
        assert "Traceback" not in result.stderr, result.stderr[-3000:]
    [line] = as_json.stdout.splitlines()
    error = json.loads(line)["error"]
    assert error["code"] == "STORAGE_UNAVAILABLE", error
    assert error["message"].startswith("cannot store news: "), error
    # SQLite reports a write refused at the size limit as an I/O error, ENOSPC as "full".
    reasons = ("disk full", "disk I/O error") if sqlite else ("storage is read-only",)
    assert any(r in error["message"] for r in reasons), error
    assert plain.stderr.strip().splitlines()[-1] == f"error: {error['message']}"

    with tracker(database_url, tmp_path, [("Disk", feed, True)]) as (served, client):
        assert client.get("/health").json()["status"] == "healthy"
        if sqlite:
            resource.prlimit(served.process.pid, resource.RLIMIT_FSIZE, (1, resource.RLIM_INFINITY))
        else:
            _set_read_only(database_url, True)
        broken = client.post(
            "/graphql", json=SCRAPE, headers={"Authorization": f"Bearer {TOKEN}"}
        ).json()
        health = client.get("/health")
        if sqlite:
            resource.prlimit(
                served.process.pid,
                resource.RLIMIT_FSIZE,
                (resource.RLIM_INFINITY, resource.RLIM_INFINITY),
            )
        else:
            _set_read_only(database_url, False)
        time.sleep(0.5)
        recovered = scrape(client)
        healthy_again = client.get("/health").json()

    [gql_error] = broken["errors"]
    assert gql_error["extensions"]["code"] == "STORAGE_UNAVAILABLE", broken
    assert gql_error["message"].startswith("cannot store news: "), broken
    assert health.status_code == 200, health.text
    assert health.json()["status"] == "degraded", health.json()
    assert health.json()["reason"].startswith("cannot store news: "), health.json()
    assert recovered["savedCount"] == 20, recovered
    assert healthy_again["status"] == "healthy", healthy_again
