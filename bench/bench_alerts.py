"""Alerts under load. Prints a table, then the same figures as one JSON object.

1,000 subscriptions (600 follow a team, some of those one kind of move; 300 follow a
player; 100 follow official trades), then one collection of a feed whose 100 items
make 100 new stories. The dispatcher runs as it does on ECS: its own process
(``nba-tracker alerts dispatch --forever``, the task's dispatcher container, at the
lower CPU priority it gives itself, ``NBA_TRACKER_DISPATCHER_NICE``), started before
the collection; ``BENCH_DISPATCHERS=2`` runs two, as two tasks would. It posts to
a webhook receiver in another process on loopback (uvicorn with its C parser,
httptools: it stands in for receivers on other machines, so it should take as little of
this machine's two cores as it can).

* commit → receipt: from the commit of the articles' transaction that wrote the story
  event owing an alert (timed by a session ``after_commit`` hook), through the
  dispatcher's fan-out, to the receiver's clock when the request arrived;
  p50/p95/max over every alert. Target: p95 ≤ 1 s.
* collection time with the 1,000 subscriptions and the dispatcher running, against the
  same collection into a database with neither (median of RUNS each). Target: ≤ +10 %.
* the ceiling: plain aiohttp (the dispatcher's client) and plain httpx posting to the same
  receiver 64 at a time, measured in the same run.

Needs PostgreSQL (``make bench-alerts`` starts the test server); SQLite otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nba_api.stats.static import players as static_players  # noqa: E402
from sqlalchemy import event, func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from nba_tracker.domain.alerts import AlertFilter, Channel  # noqa: E402
from nba_tracker.domain.teams import ALL_TEAMS  # noqa: E402
from nba_tracker.ingest.pipeline import Collector  # noqa: E402
from nba_tracker.ingest.registry import FeedSpec  # noqa: E402
from nba_tracker.settings import Settings  # noqa: E402
from nba_tracker.store import alerts as store  # noqa: E402
from nba_tracker.store.engine import make_engine, make_sessionmaker, transaction  # noqa: E402
from nba_tracker.store.lock import LockMode  # noqa: E402
from nba_tracker.store.migrate import prepare_database  # noqa: E402
from nba_tracker.store.models import AlertOutbox, AlertStoryEvent, Story  # noqa: E402
from tests.conftest import free_port  # noqa: E402
from tests.support.feeds import Item, rss  # noqa: E402

SUBSCRIPTIONS = 1000
DISPATCHERS = int(os.environ.get("BENCH_DISPATCHERS", "1"))
STORIES = 100
RUNS = 9
P95_TARGET = 1.0
SLOWDOWN_TARGET = 0.10

RECEIVER = """
import sys, time
out = open(sys.argv[2], "a", buffering=1)
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = b""
    while True:
        m = await receive()
        if m["type"] == "http.disconnect":
            return  # the sender gave up (timed out): not a receipt
        body += m.get("body", b"")
        if not m.get("more_body"):
            break
    now = time.time()
    i = body.find(b'"id":')
    out.write(f"{body[i + 5:body.index(b',', i)].decode()} {now}\\n")
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})
import uvicorn
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False,
            http="httptools")
"""


@contextlib.contextmanager
def receiver(tmp: Path) -> Iterator[tuple[str, Path]]:
    port, log = free_port(), tmp / "received.log"
    log.write_text("")
    proc = subprocess.Popen([sys.executable, "-c", RECEIVER, str(port), str(log)])
    try:
        import urllib.request

        for _ in range(100):
            try:
                urllib.request.urlopen(
                    urllib.request.Request(f"http://127.0.0.1:{port}/", data=b'{"id":0,}'),
                    timeout=1,
                )
                break
            except OSError:
                time.sleep(0.1)
        log.write_text("")
        yield f"http://127.0.0.1:{port}/hook", log
    finally:
        proc.terminate()
        proc.wait(10)


def news(prefix: str) -> list[Item]:
    """100 items, 100 stories: each its own player, a day apart (no two merge)."""
    names = [p["full_name"] for p in static_players.get_active_players()][:STORIES]
    base = datetime(2026, 11, 20, 12, tzinfo=UTC)
    items = []
    for i, player in enumerate(names):
        team = ALL_TEAMS[i % 30].full_name
        other = ALL_TEAMS[(i + 7) % 30].full_name
        title = [
            f"The {team} have officially signed {player} to a multi-year contract",
            f"{team} trading {player} to the {other}, sources say",
            f"The {team} have waived {player}",
        ][i % 3]
        items.append(
            Item(
                title,
                f"https://news.example.com/{prefix}/{i}",
                f"{title}.",
                base - timedelta(days=2 * i),
                f"{prefix}-{i}",
            )
        )
    return items


def subscriptions(players: list[str]) -> list[AlertFilter]:
    out = []
    for j in range(SUBSCRIPTIONS):
        kind = j % 10
        if kind < 6:
            categories = [[], ["Trade"], ["Signing"]][j % 3]
            out.append(
                AlertFilter.parse(teams=[ALL_TEAMS[j % 30].abbreviation], categories=categories)
            )
        elif kind < 9:
            out.append(AlertFilter.parse(players=[players[j % len(players)]]))
        else:
            out.append(AlertFilter.parse(categories=["Trade"], least_status="official"))
    return out


@contextlib.contextmanager
def dispatchers(tmp: Path, url: str, n: int) -> Iterator[None]:
    """``n`` dispatcher services on ``url``, each ready (its loop running) on return."""
    env = {
        **os.environ,
        "NBA_TRACKER_DATABASE_URL": url,
        "NBA_TRACKER_ALERTS_ALLOW_LOOPBACK": "true",
        "NBA_TRACKER_ENV": "bench",
    }
    exe = str(Path(sys.executable).with_name("nba-tracker"))
    procs, logs = [], []
    for i in range(n):
        out = tmp / f"dispatcher{i}.log"
        logs.append(out)
        with out.open("wb") as sink:
            procs.append(
                subprocess.Popen(
                    [exe, "alerts", "dispatch", "--forever"],
                    env=env,
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                )
            )
    try:
        deadline = time.monotonic() + 60
        while not all("Alert dispatcher running" in p.read_text() for p in logs):
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise SystemExit("dispatcher did not start:\n" + logs[0].read_text()[-2000:])
            time.sleep(0.05)
        yield
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(30)


@contextlib.contextmanager
def database(tmp: Path, name: str) -> Iterator[str]:
    admin = os.environ.get("NBA_TRACKER_TEST_PG_URL")
    if admin:
        from tests.support.databases import fresh_postgres_database

        with fresh_postgres_database(admin) as url:
            yield url
    else:
        yield f"sqlite:///{tmp / name}.db"


def one_run(
    tmp: Path, n: int, with_alerts: bool, target: str | None, log: Path | None
) -> dict[str, float]:
    settings = Settings(alerts_allow_loopback=True, env="bench")
    with database(tmp, f"run{n}-{with_alerts}") as url:
        engine = make_engine(settings, url)
        prepare_database(engine)
        factory = make_sessionmaker(engine)
        items = news(f"r{n}")
        players = [p["full_name"] for p in static_players.get_active_players()][:STORIES]
        if with_alerts:
            assert target is not None
            with transaction(factory) as s:
                for j, f in enumerate(subscriptions(players)):
                    store.add_subscription(s, f"sub{j}", Channel.WEBHOOK, target, f)
        commits: list[float] = []

        @event.listens_for(factory, "after_commit")
        def _timed(session: Session) -> None:
            if session.info.pop("alerts_enqueued", 0):
                commits.append(time.time())

        feed = tmp / f"feed{n}.xml"
        feed.write_bytes(rss(items))
        collector = Collector(settings, factory)

        async def run() -> tuple[float, int]:
            started = time.perf_counter()
            await collector.run([FeedSpec("Wire", str(feed))], trigger="bench", lock=LockMode.NONE)
            elapsed = time.perf_counter() - started
            expected = 0
            if with_alerts:
                deadline = time.monotonic() + 180
                # The dispatcher fans the story events out first; then every alert owed
                # is in the outbox.
                while True:
                    with transaction(factory) as s:
                        if store.events_pending(s) == 0:
                            counts = store.state_counts(s)
                            break
                    if time.monotonic() > deadline:
                        raise SystemExit("story events not fanned out in 180 s")
                    await asyncio.sleep(0.01)
                expected = counts["pending"] + counts["sending"] + counts["delivered"]
                while log and len(log.read_text().splitlines()) < expected:
                    if time.monotonic() > deadline:
                        with transaction(factory) as s:
                            print(
                                store.state_counts(s),
                                [d.last_error for d in store.deliveries(s, limit=5)],
                            )
                        raise SystemExit("alerts not all received in 180 s")
                    await asyncio.sleep(0.05)
            return elapsed, expected

        with dispatchers(tmp, url, DISPATCHERS if with_alerts else 0):
            elapsed, expected = asyncio.run(run())
        with transaction(factory) as s:
            stories = len(s.scalars(select(Story.id)).all())
            # An alert is made at the commit of the story event that owed it: the
            # articles' own transaction, before the dispatcher's fan-out.
            stored = {
                story: at.timestamp()
                for story, at in s.execute(
                    select(AlertStoryEvent.story_id, func.min(AlertStoryEvent.created_at)).group_by(
                        AlertStoryEvent.story_id
                    )
                ).all()
            }
            created = {
                i: stored[story]
                for i, story in s.execute(select(AlertOutbox.id, AlertOutbox.story_id)).all()
            }
        engine.dispose()
    figures: dict[str, float] = {"collection_s": elapsed, "stories": stories, "alerts": expected}
    if with_alerts and log is not None:
        received = {}
        for line in log.read_text().splitlines():
            alert_id, at = line.split()
            received.setdefault(int(alert_id), float(at))
        latencies = []
        for alert_id, at in received.items():
            made = created[alert_id]
            commit = min(c for c in commits if c >= made)
            latencies.append(at - commit)
        latencies.sort()
        figures.update(
            received=len(received),
            duplicates=len(log.read_text().splitlines()) - len(received),
            p50_s=statistics.median(latencies),
            p95_s=latencies[int(0.95 * (len(latencies) - 1))],
            max_s=latencies[-1],
        )
        log.write_text("")
    return figures


def raw_http_rates(target: str, log: Path, n: int = 500) -> dict[str, float]:
    """Plain posts per second to the same receiver, 64 at a time, with aiohttp (the
    dispatcher's client: the ceiling for its rate) and with httpx (why it is not httpx)."""
    import aiohttp
    import httpx

    async def timed(post: Callable[[bytes], Awaitable[None]]) -> float:
        gate = asyncio.Semaphore(64)

        async def one(i: int) -> None:
            async with gate:
                await post(b'{"id":%d,}' % -i)

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(1, n + 1)))
        return n / (time.perf_counter() - started)

    async def with_aiohttp() -> float:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as session:

            async def post(body: bytes) -> None:
                async with session.post(target, data=body) as response:
                    await response.read()

            return await timed(post)

    async def with_httpx() -> float:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        async with httpx.AsyncClient(limits=limits) as client:

            async def post(body: bytes) -> None:
                await client.post(target, content=body)

            return await timed(post)

    rates = {"aiohttp": asyncio.run(with_aiohttp()), "httpx": asyncio.run(with_httpx())}
    log.write_text("")
    return rates


def main() -> None:
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        with receiver(tmp) as (target, log):
            one_run(tmp, 99, False, None, None)  # warm-up: imports, model, caches
            http_rates = raw_http_rates(target, log)
            baseline, alerts = [], []
            for n in range(RUNS):
                baseline.append(one_run(tmp, 2 * n, False, None, None))
                alerts.append(one_run(tmp, 2 * n + 1, True, target, log))
    base_s = statistics.median(r["collection_s"] for r in baseline)
    with_s = statistics.median(r["collection_s"] for r in alerts)
    worst = max(alerts, key=lambda r: r["p95_s"])
    figures = {
        "database": "postgresql" if os.environ.get("NBA_TRACKER_TEST_PG_URL") else "sqlite",
        "subscriptions": SUBSCRIPTIONS,
        "dispatcher_processes": DISPATCHERS,
        "stories": int(alerts[0]["stories"]),
        "alerts_per_collection": int(alerts[0]["alerts"]),
        "received": int(sum(r["received"] for r in alerts)),
        "duplicates": int(sum(r["duplicates"] for r in alerts)),
        "p50_commit_to_receipt_s": round(statistics.median(r["p50_s"] for r in alerts), 3),
        "p95_commit_to_receipt_s": round(worst["p95_s"], 3),
        "max_commit_to_receipt_s": round(max(r["max_s"] for r in alerts), 3),
        "collection_s_without_alerts": round(base_s, 3),
        "collection_s_with_alerts": round(with_s, 3),
        "collection_slowdown": round(with_s / base_s - 1, 3),
        "dispatch_alerts_per_s": round(
            statistics.median(r["alerts"] / r["max_s"] for r in alerts), 1
        ),
        "loopback_aiohttp_posts_per_s": round(http_rates["aiohttp"], 1),
        "loopback_httpx_posts_per_s": round(http_rates["httpx"], 1),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }
    figures["ok"] = (
        figures["p95_commit_to_receipt_s"] <= P95_TARGET
        and figures["collection_slowdown"] <= SLOWDOWN_TARGET
        and figures["duplicates"] == 0
    )
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
