"""Two minutes of wrk at 64 connections on a mix of the page, Atom feeds and GraphQL,
against one worker with 100,000 articles: no errors, p99 reported, memory flat."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine
from tests.conftest import free_port, unavailable, wait_for_http
from tests.support.bulk import seed_bulk_articles

DURATION = int(os.environ.get("NBA_TRACKER_LOAD_SECONDS", "120"))
RESULTS = Path(__file__).with_name("last-load-figures.json")


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def parse_wrk(output: str) -> dict[str, float]:
    figures: dict[str, float] = {}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", output):
        figures["requests_per_second"] = float(m.group(1))
    for pct in ("50", "99"):
        if m := re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", output, re.M):
            value, unit = float(m.group(1)), m.group(2)
            figures[f"p{pct}_ms"] = (
                value / 1000 if unit == "us" else value * (1000 if unit == "s" else 1)
            )
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    figures["non_2xx"] = float(m.group(1)) if m else 0.0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    figures["socket_errors"] = float(sum(int(x) for x in m.groups())) if m else 0.0
    if m := re.search(r"(\d+) requests in", output):
        figures["requests"] = float(m.group(1))
    return figures


@pytest.mark.slow
def test_two_minutes_of_mixed_load(postgres_url: str, prepared_postgres: str) -> None:
    if not shutil.which("wrk"):
        unavailable("wrk is not installed (apt-get install wrk)")
    from tests.support.databases import postgres_from_template

    with postgres_from_template(postgres_url, prepared_postgres) as url:
        engine = make_engine(Settings(), url)
        seed_bulk_articles(engine, 100_000)
        engine.dispose()
        port = free_port()
        env = {**os.environ, "NBA_TRACKER_DATABASE_URL": url, "NBA_TRACKER_LOG_LEVEL": "WARNING"}
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "nba_tracker.cli",
                "serve",
                "--no-collect",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            assert wait_for_http(f"http://127.0.0.1:{port}/health", timeout=60), (
                "server did not start"
            )
            samples: list[tuple[float, int]] = []
            stop = threading.Event()

            def sample() -> None:
                start = time.monotonic()
                while not stop.is_set():
                    samples.append((time.monotonic() - start, rss_kb(server.pid)))
                    stop.wait(1.0)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            out = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    "-c64",
                    f"-d{DURATION}s",
                    "--latency",
                    "--timeout",
                    "10s",
                    "-s",
                    str(Path(__file__).with_name("wrk") / "mix.lua"),
                    f"http://127.0.0.1:{port}",
                ],
                capture_output=True,
                text=True,
                timeout=DURATION + 60,
            )
            stop.set()
            sampler.join()
        finally:
            server.terminate()
            server.wait(timeout=20)
    figures = parse_wrk(out.stdout)
    window = min(30, DURATION // 4)
    first = [kb for t, kb in samples if t <= window]
    last = [kb for t, kb in samples if t >= samples[-1][0] - window]
    growth = (sum(last) / len(last)) / (sum(first) / len(first)) - 1
    figures["rss_first_mb"] = round(sum(first) / len(first) / 1024, 1)
    figures["rss_last_mb"] = round(sum(last) / len(last) / 1024, 1)
    figures["rss_growth_percent"] = round(growth * 100, 2)
    figures["seconds"] = DURATION
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures))
    assert figures.get("requests", 0) > 0, out.stdout + out.stderr
    assert figures["non_2xx"] == 0, out.stdout
    assert figures["socket_errors"] == 0, out.stdout
    assert growth < 0.10, figures
