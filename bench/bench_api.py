"""API speed and memory: one uvicorn worker over 100,000 articles in PostgreSQL, measured
with wrk.

(a) GET /api/ping — the ceiling of the server and the loopback;
(b) GraphQL news(first: 50, filter: {team: "LAL"}) with each item's teams and players,
    the same request every time (answered from the read cache);
(c) the same query with different variables on every request (team and `since` vary),
    so every one reaches PostgreSQL (answered by the fast path of ``news``);
(d) (c) against a server whose fast path is off: plain Strawberry, the baseline;
(e) (c) against ``serve --workers 2``: two processes accepting on one port.
The resident memory of the server is read from /proc while (c) runs (VmRSS every
0.2 s, VmHWM at the end: the peak of the process's whole life), and of each worker of
(e) while (e) runs.
Goals: (b) at least half of (a)'s requests/s with p99 <= 20 ms; (c) >= 300 requests/s
with p99 <= 150 ms; (e) >= 1.7 x (c); the one server process of (a)-(c) <= 200 MB RSS.
Prints a table, then the figures as one JSON object (the last line).

Needs NBA_TRACKER_TEST_PG_URL (``make bench-api`` starts the test server) and wrk.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nba_tracker.domain.teams import ALL_TEAMS  # noqa: E402
from nba_tracker.settings import Settings  # noqa: E402
from nba_tracker.store.engine import make_engine  # noqa: E402
from nba_tracker.store.migrate import prepare_database  # noqa: E402
from tests.conftest import free_port, wait_for_http  # noqa: E402
from tests.support.bulk import seed_bulk_articles  # noqa: E402
from tests.support.databases import fresh_postgres_database  # noqa: E402

ARTICLES = 100_000
CONNECTIONS = 32
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
WARMUP = 3

NEWS_QUERY = (
    "query News($team: String!, $since: DateTime) { news(first: 50, filter: {team: $team, "
    "since: $since}) { edges { node { id title source publishedAt category status "
    "teams { abbreviation fullName } players { fullName nbaId } } } "
    "pageInfo { endCursor hasNextPage } } }"
)
TEAMS = [t.abbreviation for t in ALL_TEAMS]

# Every script reports through done(): one JSON line wrk prints last.
DONE = r"""
function done(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read
            + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_us": %d, "p99_us": %d, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50),
    latency:percentile(99), bad))
end
"""

CACHED = (
    'wrk.method = "POST"\n'
    'wrk.headers["Content-Type"] = "application/json"\n'
    f"wrk.body = [=[{json.dumps({'query': NEWS_QUERY, 'variables': {'team': 'LAL'}})}]=]\n" + DONE
)

# Distinct variables on every request of every thread: the team cycles through the 30,
# and `since` steps back one minute per request from a per-thread starting point.
UNCACHED = (
    r"""
local teams = {__TEAMS__}
local query = __QUERY__
local counter = 0
local threads = {}
function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end
function init(args)
  counter = offset * 1000000
end
function request()
  counter = counter + 1
  local team = teams[(counter % #teams) + 1]
  local since = os.date("!%Y-%m-%dT%H:%M:%SZ", 1735689600 - counter * 60)
  local body = '{"query": ' .. query .. ', "variables": {"team": "' .. team
    .. '", "since": "' .. since .. '"}}'
  return wrk.format("POST", "/graphql", {["Content-Type"] = "application/json"}, body)
end
""".replace("__TEAMS__", ", ".join(f'"{t}"' for t in TEAMS)).replace(
        "__QUERY__", "[=[" + json.dumps(NEWS_QUERY) + "]=]"
    )
    + DONE
)

PING = DONE

# `nba-tracker serve` as it is, with the fast path of `news` off: the baseline.
LAUNCHER = """
import sys
from nba_tracker.api.graphql import schema
schema.FAST_NEWS = None
from nba_tracker.cli import app
app(sys.argv[1:], prog_name="nba-tracker")
"""

MB = 1024  # /proc reports kB


def proc_status_kb(pid: int, field_name: str) -> int:
    """A ``kB`` line of /proc/<pid>/status (VmRSS, VmHWM); 0 once the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_kb(pid: int) -> int:
    """Proportional set size: shared pages divided among the processes sharing them, so
    the workers' figures add up to what they hold together (RSS counts every page they
    share from the parent once per worker)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # Fields after the command name, which may hold spaces: state, then ppid.
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry.name))
    return sorted(found)


class RssSampler:
    """VmRSS of ``pids`` every ``every`` seconds from a thread; the highest of each, and
    VmHWM read when stopped."""

    def __init__(self, pids: list[int], every: float = 0.2) -> None:
        self.pids = pids
        self.every = every
        self.peak_kb = dict.fromkeys(pids, 0)
        self.hwm_kb = dict.fromkeys(pids, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in self.pids:
                self.peak_kb[pid] = max(self.peak_kb[pid], proc_status_kb(pid, "VmRSS"))
            self._stop.wait(self.every)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        for pid in self.pids:
            self.hwm_kb[pid] = proc_status_kb(pid, "VmHWM")
            self.peak_kb[pid] = max(self.peak_kb[pid], proc_status_kb(pid, "VmRSS"))

    def peaks_mb(self) -> list[float]:
        return [round(self.peak_kb[pid] / MB, 1) for pid in self.pids]

    def hwms_mb(self) -> list[float]:
        return [round(self.hwm_kb[pid] / MB, 1) for pid in self.pids]


@dataclass
class Served:
    base: str
    pid: int
    workers: list[int] = field(default_factory=list)  # the serving processes


def wrk(url: str, script: Path, seconds: int) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(script),
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    return {
        "requests_per_s": round(figures["requests"] / figures["seconds"], 1),
        "p50_ms": round(figures["p50_us"] / 1000, 2),
        "p99_ms": round(figures["p99_us"] / 1000, 2),
        "requests": figures["requests"],
        "errors": figures["errors"],
    }


def post(url: str, payload: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(
        url, json.dumps(payload).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def check_answers(base: str) -> None:
    """The benchmarked requests answer what they should (50 Lakers items, no errors)."""
    body = post(base + "/graphql", {"query": NEWS_QUERY, "variables": {"team": "LAL"}})
    assert "errors" not in body, body
    edges = body["data"]["news"]["edges"]  # type: ignore[index]
    assert len(edges) == 50, len(edges)
    assert all(any(t["abbreviation"] == "LAL" for t in e["node"]["teams"]) for e in edges), (
        "a non-Lakers item"
    )
    body = post(
        base + "/graphql",
        {"query": NEWS_QUERY, "variables": {"team": "BOS", "since": "2024-12-31T00:00:00Z"}},
    )
    assert "errors" not in body, body


@contextlib.contextmanager
def serving(url: str, log: Path, workers: int = 1, plain: bool = False) -> Iterator[Served]:
    """``serve --no-collect [--workers N]`` over ``url`` (the fast path off when
    ``plain``), once it answers."""
    env = {**os.environ, "NBA_TRACKER_DATABASE_URL": url}
    command = (
        [sys.executable, "-c", LAUNCHER] if plain else [sys.executable, "-m", "nba_tracker.cli"]
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*command, "serve", "--no-collect", "--host", "127.0.0.1", "--port", str(port)]
            + (["--workers", str(workers)] if workers > 1 else []),
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        if not wait_for_http(base + "/api/ping", timeout=60):
            sys.exit(f"server did not start:\n{log.read_text()[-3000:]}")
        pids = [server.pid]
        if workers > 1:
            deadline = time.monotonic() + 30
            while len(pids := children(server.pid)) < workers and time.monotonic() < deadline:
                time.sleep(0.1)
            if len(pids) != workers:
                sys.exit(f"expected {workers} workers, found {pids}")
        yield Served(base, server.pid, pids)
    finally:
        server.terminate()
        server.wait(timeout=40)


def measure(target: str, script: Path) -> dict[str, float]:
    wrk(target, script, WARMUP)
    return wrk(target, script, SECONDS)


def sample_answer(base: str) -> bytes:
    """The body of one uncached request of (c), for comparing two servers' answers."""
    payload = {"query": NEWS_QUERY, "variables": {"team": "NYK", "since": "2025-03-01T00:00:00Z"}}
    request = urllib.request.Request(
        base + "/graphql", json.dumps(payload).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def main() -> None:
    admin = os.environ.get("NBA_TRACKER_TEST_PG_URL")
    if not admin or not shutil.which("wrk"):
        sys.exit("needs NBA_TRACKER_TEST_PG_URL (run `make bench-api`) and wrk")
    with fresh_postgres_database(admin) as url, tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(Settings(), url)
        try:
            prepare_database(engine)
            start = time.perf_counter()
            seed_bulk_articles(engine, ARTICLES)
            print(f"seeded {ARTICLES:,} articles in {time.perf_counter() - start:.1f} s")
        finally:
            engine.dispose()
        scripts = {}
        for name, text in (("ping", PING), ("cached", CACHED), ("uncached", UNCACHED)):
            scripts[name] = Path(tmp) / f"{name}.lua"
            scripts[name].write_text(text)
        results = {}
        with serving(url, Path(tmp) / "serve.log") as served:
            base = served.base
            check_answers(base)
            fast_answer = sample_answer(base)
            results["ping"] = measure(base + "/api/ping", scripts["ping"])
            results["cached"] = measure(base + "/graphql", scripts["cached"])
            with RssSampler(served.workers) as one:
                results["uncached"] = measure(base + "/graphql", scripts["uncached"])
        with serving(url, Path(tmp) / "plain.log", plain=True) as served:
            check_answers(served.base)
            # The baseline answers the very same bytes: what is compared is only speed.
            assert sample_answer(served.base) == fast_answer, "the fast path and Strawberry differ"
            results["plain"] = measure(served.base + "/graphql", scripts["uncached"])
        with serving(url, Path(tmp) / "workers.log", workers=2) as served:
            check_answers(served.base)
            with RssSampler(served.workers) as two:
                results["workers2"] = measure(served.base + "/graphql", scripts["uncached"])
            # Read while the workers still run: what the parent and both hold together.
            pss_total = sum(pss_kb(pid) for pid in [served.pid, *served.workers])
            parent_rss = proc_status_kb(served.pid, "VmRSS")
    memory: dict[str, Any] = {
        "serve_rss_peak_mb": one.peaks_mb()[0],
        "serve_vmhwm_mb": one.hwms_mb()[0],
        "workers2_rss_peak_mb": two.peaks_mb(),
        "workers2_vmhwm_mb": two.hwms_mb(),
        "workers2_parent_rss_mb": round(parent_rss / MB, 1),
        "workers2_pss_total_mb": round(pss_total / MB, 1),
    }

    ping, cached, uncached = results["ping"], results["cached"], results["uncached"]
    goals = {
        "cached_ratio": round(cached["requests_per_s"] / ping["requests_per_s"], 3),
        "cached_ok": cached["requests_per_s"] >= 0.5 * ping["requests_per_s"]
        and cached["p99_ms"] <= 20,
        "uncached_ok": uncached["requests_per_s"] >= 300 and uncached["p99_ms"] <= 150,
        "fast_vs_plain": round(uncached["requests_per_s"] / results["plain"]["requests_per_s"], 2),
        "workers2_ratio": round(
            results["workers2"]["requests_per_s"] / uncached["requests_per_s"], 2
        ),
        "no_errors": all(r["errors"] == 0 for r in results.values()),
    }
    goals["workers2_ok"] = goals["workers2_ratio"] >= 1.7
    # VmHWM too: a spike between two samples is still the process's peak.
    goals["rss_ok"] = max(memory["serve_rss_peak_mb"], memory["serve_vmhwm_mb"]) <= 200
    print(f"\n{'':40}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for label, name in (
        ("(a) GET /api/ping", "ping"),
        ("(b) news LAL, cached", "cached"),
        ("(c) news, distinct variables", "uncached"),
        ("(d) (c), plain Strawberry", "plain"),
        ("(e) (c), 2 workers", "workers2"),
    ):
        r = results[name]
        print(
            f"{label:40}{r['requests_per_s']:>10,.0f}{r['p50_ms']:>10.2f}"
            f"{r['p99_ms']:>10.2f}{r['errors']:>8}"
        )
    print(
        f"\n(b)/(a) = {goals['cached_ratio']:.2f} (goal >= 0.5, p99 <= 20 ms): "
        f"{'met' if goals['cached_ok'] else 'MISSED'}; "
        f"(c) goal >= 300 req/s, p99 <= 150 ms: {'met' if goals['uncached_ok'] else 'MISSED'}; "
        f"(c)/(d) = {goals['fast_vs_plain']:.2f}; "
        f"(e)/(c) = {goals['workers2_ratio']:.2f} (goal >= 1.7): "
        f"{'met' if goals['workers2_ok'] else 'MISSED'}"
    )
    print(
        f"memory: one server during (c): VmRSS peak {memory['serve_rss_peak_mb']:.0f} MB, "
        f"VmHWM {memory['serve_vmhwm_mb']:.0f} MB (goal <= 200): "
        f"{'met' if goals['rss_ok'] else 'MISSED'}; (e) workers during (e): VmRSS peak "
        + ", ".join(f"{mb:.0f}" for mb in memory["workers2_rss_peak_mb"])
        + " MB, VmHWM "
        + ", ".join(f"{mb:.0f}" for mb in memory["workers2_vmhwm_mb"])
        + f" MB; parent {memory['workers2_parent_rss_mb']:.0f} MB RSS; parent and workers "
        f"together {memory['workers2_pss_total_mb']:.0f} MB PSS"
    )
    print(
        json.dumps(
            {
                "articles": ARTICLES,
                "connections": CONNECTIONS,
                "seconds": SECONDS,
                **results,
                **memory,
                **goals,
            }
        )
    )


if __name__ == "__main__":
    main()
