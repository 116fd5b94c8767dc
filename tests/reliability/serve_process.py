"""`nba-tracker serve` as operators run it: a real process on loopback."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import free_port, wait_for_http


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def _limit_fds(limit: int | None) -> None:
    if limit:
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))


@contextmanager
def serve(
    database_url: str,
    tmp: Path,
    *extra: str,
    env: dict[str, str] | None = None,
    fd_limit: int | None = None,
) -> Iterator[Served]:
    """``fd_limit``: the server's RLIMIT_NOFILE, as an operator's ``ulimit -n`` would set."""
    port = free_port()
    log = tmp / f"serve-{port}.log"
    full_env = {
        **os.environ,
        "NBA_TRACKER_DATABASE_URL": database_url,
        "NBA_TRACKER_API_TOKEN": "test-token-1234567890",
        **(env or {}),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "nba_tracker.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                *extra,
            ],
            env=full_env,
            preexec_fn=(lambda: _limit_fds(fd_limit)) if fd_limit else None,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_for_http(f"{url}/api/ping", timeout=60) and not wait_for_http(
            f"{url}/health", 5
        ):
            raise RuntimeError(f"serve did not start:\n{log.read_text()[-3000:]}")
        yield Served(url, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
