"""API speed: one uvicorn worker over 100,000 articles in PostgreSQL, measured with wrk.

(a) GET /api/ping — the ceiling of the server and the loopback;
(b) GraphQL news(first: 50, filter: {team: "LAL"}) with each item's teams and players,
    the same request every time (answered from the read cache);
(c) the same query with different variables on every request (team and `since` vary),
    so every one reaches PostgreSQL.
Goals: (b) at least half of (a)'s requests/s with p99 <= 20 ms; (c) >= 250 requests/s
with p99 <= 250 ms. Prints a table, then the figures as one JSON object (the last line).

Needs NBA_TRACKER_TEST_PG_URL (``make bench-api`` starts the test server) and wrk.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

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
        return json.loads(response.read())  # type: ignore[no-any-return]


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
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = Path(tmp) / "serve.log"
        env = {**os.environ, "NBA_TRACKER_DATABASE_URL": url}
        with log.open("wb") as out:
            server = subprocess.Popen(
                [sys.executable, "-m", "nba_tracker.cli", "serve", "--no-collect"]
                + ["--host", "127.0.0.1", "--port", str(port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            if not wait_for_http(base + "/api/ping", timeout=60):
                sys.exit(f"server did not start:\n{log.read_text()[-3000:]}")
            check_answers(base)
            results = {}
            for name, target in (
                ("ping", base + "/api/ping"),
                ("cached", base + "/graphql"),
                ("uncached", base + "/graphql"),
            ):
                wrk(target, scripts[name], WARMUP)
                results[name] = wrk(target, scripts[name], SECONDS)
        finally:
            server.terminate()
            server.wait(timeout=20)

    ping, cached, uncached = results["ping"], results["cached"], results["uncached"]
    goals = {
        "cached_ratio": round(cached["requests_per_s"] / ping["requests_per_s"], 3),
        "cached_ok": cached["requests_per_s"] >= 0.5 * ping["requests_per_s"]
        and cached["p99_ms"] <= 20,
        "uncached_ok": uncached["requests_per_s"] >= 250 and uncached["p99_ms"] <= 250,
        "no_errors": all(r["errors"] == 0 for r in results.values()),
    }
    print(f"\n{'':28}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for label, name in (
        ("(a) GET /api/ping", "ping"),
        ("(b) news LAL, cached", "cached"),
        ("(c) news, distinct variables", "uncached"),
    ):
        r = results[name]
        print(
            f"{label:28}{r['requests_per_s']:>10,.0f}{r['p50_ms']:>10.2f}"
            f"{r['p99_ms']:>10.2f}{r['errors']:>8}"
        )
    print(
        f"\n(b)/(a) = {goals['cached_ratio']:.2f} (goal >= 0.5, p99 <= 20 ms): "
        f"{'met' if goals['cached_ok'] else 'MISSED'}; "
        f"(c) goal >= 250 req/s, p99 <= 250 ms: {'met' if goals['uncached_ok'] else 'MISSED'}"
    )
    print(
        json.dumps(
            {
                "articles": ARTICLES,
                "connections": CONNECTIONS,
                "seconds": SECONDS,
                **{name: results[name] for name in ("ping", "cached", "uncached")},
                **goals,
            }
        )
    )


if __name__ == "__main__":
    main()
