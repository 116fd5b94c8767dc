"""The outbox on SQLite and PostgreSQL: one alert per (subscription, story, status),
written with the articles; five outlets make one, reported → official makes a second
that says "now official", a re-collection makes none; the dispatcher delivers them in
order to a loopback webhook, signed, and two dispatchers at once send each alert once."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from nba_tracker.alerts.dispatcher import Dispatcher
from nba_tracker.domain.alerts import AlertFilter, Channel
from nba_tracker.ingest.pipeline import Collector
from nba_tracker.ingest.registry import FeedSpec
from nba_tracker.settings import Settings
from nba_tracker.store import alerts as store
from nba_tracker.store.engine import SessionFactory, make_engine, make_sessionmaker, transaction
from nba_tracker.store.lock import LockMode
from nba_tracker.store.models import AlertOutbox
from tests.support.feeds import Item, rss
from tests.support.receivers import Receiver

T0 = datetime(2026, 11, 20, 12, tzinfo=UTC)
REPORTED = "Grizzlies trading Ja Morant to Warriors, sources say"
REPORTED_BODY = "Memphis is sending Ja Morant to Golden State, according to sources."
OFFICIAL = "Grizzlies officially trade Ja Morant to Warriors"
OFFICIAL_BODY = (
    "The Memphis Grizzlies have officially traded Ja Morant to the Golden State Warriors."
)
OUTLETS = ["ESPN", "HoopsHype", "RealGM", "The Athletic", "Hoops Rumors"]


def settings() -> Settings:
    return Settings(
        alerts_allow_loopback=True, alert_backoff_seconds=0.05, alert_backoff_cap_seconds=0.2
    )


@pytest.fixture
def factory(database_url: str) -> Iterator[SessionFactory]:
    engine = make_engine(Settings(), database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


def collect(factory: SessionFactory, tmp: Path, feeds: dict[str, list[Item]]) -> None:
    specs = []
    for name, items in feeds.items():
        path = tmp / f"{name}.xml"
        path.write_bytes(rss(items, title=name))
        specs.append(FeedSpec(name, str(path)))
    asyncio.run(Collector(Settings(), factory).run(specs, lock=LockMode.NONE))


def reported_by_five(hours: float = 0) -> dict[str, list[Item]]:
    return {
        outlet: [
            Item(
                REPORTED,
                f"https://{i}.example/morant",
                REPORTED_BODY,
                T0 + timedelta(hours=hours, minutes=i),
                f"{outlet}-1",
            )
        ]
        for i, outlet in enumerate(OUTLETS)
    }


def subscribe(factory: SessionFactory, target: str, **filter_: object) -> store.SubscriptionView:
    with transaction(factory) as s:
        return store.add_subscription(
            s,
            "test",
            Channel.WEBHOOK,
            target,
            AlertFilter.parse(**filter_),  # type: ignore[arg-type]
        )


def outbox(factory: SessionFactory) -> list[tuple[int, int, str, str | None]]:
    """The outbox once the story events are fanned out, as the dispatcher does first."""
    with transaction(factory) as s:
        store.fan_out(s, datetime.now(UTC))
    with transaction(factory) as s:
        return [
            (r.subscription_id, r.story_id, r.status, r.previous_status)
            for r in s.scalars(select(AlertOutbox).order_by(AlertOutbox.id))
        ]


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
def test_the_collection_writes_story_events_and_a_later_follower_gets_none(
    factory: SessionFactory, tmp_path: Path
) -> None:
    """The articles' transaction writes one event per story touched (five outlets, five
    feed transactions, one story), no outbox row; a subscription added after that commit
    is not sent the story even though the events are fanned out after it."""
    early = subscribe(factory, "http://127.0.0.1:9/x", teams=["MEM"])
    collect(factory, tmp_path, reported_by_five())
    with transaction(factory) as s:
        assert store.events_pending(s) == len(OUTLETS)
        assert s.scalar(select(func.count()).select_from(AlertOutbox)) == 0
    subscribe(factory, "http://127.0.0.1:9/late", teams=["MEM"])
    assert [(r[0], r[2]) for r in outbox(factory)] == [(early.id, "reported")]
    with transaction(factory) as s:
        assert store.events_pending(s) == 0
    assert len(outbox(factory)) == 1  # a second fan-out adds nothing


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
def test_one_alert_per_story_and_status(factory: SessionFactory, tmp_path: Path) -> None:
    mem = subscribe(factory, "http://127.0.0.1:9/x", teams=["MEM"], least_status="reported")
    subscribe(factory, "http://127.0.0.1:9/y", teams=["BOS"])
    official_only = subscribe(
        factory, "http://127.0.0.1:9/z", players=["ja morant"], least_status="official"
    )

    collect(factory, tmp_path, reported_by_five())
    rows = outbox(factory)
    assert [(r[0], r[2], r[3]) for r in rows] == [(mem.id, "reported", None)]

    collect(factory, tmp_path, reported_by_five())  # a re-collection: nothing new
    assert len(outbox(factory)) == 1

    collect(
        factory,
        tmp_path,
        {
            "NBA.com": [
                Item(
                    OFFICIAL, "https://nba.example/m", OFFICIAL_BODY, T0 + timedelta(hours=2), "n-1"
                )
            ]
        },
    )
    rows = outbox(factory)
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [
        (mem.id, "official", "reported"),
        (official_only.id, "official", None),
    ]
    assert rows[0][1] == rows[1][1] == rows[2][1]  # the same story throughout
    with transaction(factory) as s:
        texts = [o.payload["text"] for o in s.scalars(select(AlertOutbox).order_by(AlertOutbox.id))]
    assert texts[1].startswith("Now official: ")
    assert texts[2].startswith("Official: ")


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
def test_dispatch_signed_in_order_once_with_two_dispatchers(
    factory: SessionFactory, tmp_path: Path
) -> None:
    with Receiver() as receiver:
        subs = [subscribe(factory, receiver.url(f"/s{i}"), teams=["MEM"]) for i in range(5)]
        collect(factory, tmp_path, reported_by_five())
        collect(
            factory,
            tmp_path,
            {
                "NBA.com": [
                    Item(
                        OFFICIAL,
                        "https://nba.example/m",
                        OFFICIAL_BODY,
                        T0 + timedelta(hours=2),
                        "n-1",
                    )
                ]
            },
        )

        async def two_at_once() -> None:
            a, b = Dispatcher(factory, settings()), Dispatcher(factory, settings())
            try:
                await asyncio.gather(a.run_until_idle(), b.run_until_idle())
            finally:
                await a.aclose()
                await b.aclose()

        asyncio.run(two_at_once())

    assert len(receiver.requests) == 10  # 5 subscriptions × (reported, official), each once
    by_path: dict[str, list[dict[str, object]]] = {}
    for request in receiver.requests:
        sub = next(s for s in subs if request.path == f"/s{subs.index(s)}")
        expected = (
            "sha256=" + hmac.new(sub.secret.encode(), request.body, hashlib.sha256).hexdigest()
        )
        assert request.headers["x-signature"] == expected
        doc = json.loads(request.body)
        assert str(doc["sent_at"]) == request.headers["x-timestamp"]
        by_path.setdefault(request.path, []).append(doc)
    for docs in by_path.values():
        assert [d["status"] for d in docs] == ["reported", "official"]
        assert docs[1]["now_official"] is True
    with transaction(factory) as s:
        assert store.state_counts(s)["delivered"] == 10
        assert (
            s.scalar(select(func.count()).select_from(AlertOutbox).where(AlertOutbox.attempts != 1))
            == 0
        )


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
def test_receiver_down_then_back_gets_everything_in_order(
    factory: SessionFactory, tmp_path: Path
) -> None:
    from tests.support.receivers import Answer, Received

    down = {"on": True}

    def answer(_r: Received) -> Answer:
        if down["on"]:
            return Answer(503, {"Retry-After": "0"})
        return Answer(200)

    with Receiver(answer) as receiver:
        subscribe(factory, receiver.url(), teams=["MEM"])
        collect(factory, tmp_path, reported_by_five())
        collect(
            factory,
            tmp_path,
            {
                "NBA.com": [
                    Item(
                        OFFICIAL,
                        "https://nba.example/m",
                        OFFICIAL_BODY,
                        T0 + timedelta(hours=2),
                        "n-1",
                    )
                ]
            },
        )

        async def run() -> None:
            d = Dispatcher(factory, settings())
            try:
                for _ in range(3):
                    await d.run_once()
                assert receiver.accepted == []
                # While the first is retried, the second is held behind it.
                assert {json.loads(r.body)["status"] for r in receiver.requests} == {"reported"}
                down["on"] = False
                await d.run_until_idle()
            finally:
                await d.aclose()

        asyncio.run(run())
    assert [json.loads(r.body)["status"] for r in receiver.accepted] == ["reported", "official"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_bound_then_recorded_failure_and_replay(factory: SessionFactory, tmp_path: Path) -> None:
    from tests.support.receivers import Answer

    with Receiver(lambda _r: Answer(500)) as receiver:
        subscribe(factory, receiver.url(), teams=["MEM"])
        collect(factory, tmp_path, reported_by_five())
        capped = Settings(
            alerts_allow_loopback=True,
            alert_max_attempts=3,
            alert_backoff_seconds=0.01,
            alert_backoff_cap_seconds=0.01,
        )

        async def run() -> None:
            d = Dispatcher(factory, capped)
            try:
                for _ in range(20):
                    await d.run_once()
                    await asyncio.sleep(0.02)
            finally:
                await d.aclose()

        asyncio.run(run())
        assert len(receiver.requests) == 3
    with transaction(factory) as s:
        [failed] = store.failures(s)
        assert failed.attempts == 3
        assert failed.last_error == "gave up after 3 attempts: HTTP 500"
        assert store.replay(s, datetime.now(UTC)) == 1
        assert store.state_counts(s)["pending"] == 1


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_slow_receiver_holds_only_its_own_alerts(factory: SessionFactory, tmp_path: Path) -> None:
    from tests.support.receivers import Answer

    with Receiver(lambda _r: Answer(204, delay=2.0)) as slow, Receiver() as fast:
        subscribe(factory, slow.url(), teams=["MEM"])
        for i in range(5):
            subscribe(factory, fast.url(f"/f{i}"), teams=["MEM"])
        collect(factory, tmp_path, reported_by_five())
        collect(
            factory,
            tmp_path,
            {
                "NBA.com": [
                    Item(
                        OFFICIAL,
                        "https://nba.example/m",
                        OFFICIAL_BODY,
                        T0 + timedelta(hours=2),
                        "n-1",
                    )
                ]
            },
        )

        async def run() -> float:
            d = Dispatcher(factory, settings())
            stop = asyncio.Event()
            task = asyncio.create_task(d.run_forever(stop))
            started = asyncio.get_running_loop().time()
            # Each fast receiver's second alert waits for its first, never for the slow one.
            while len(fast.accepted) < 10:
                await asyncio.sleep(0.02)
            fast_done = asyncio.get_running_loop().time() - started
            while len(slow.accepted) < 1 or not all_delivered():
                await asyncio.sleep(0.05)
            stop.set()
            await task
            await d.aclose()
            return fast_done

        def all_delivered() -> bool:
            with transaction(factory) as s:
                return store.state_counts(s)["delivered"] == 12

        assert asyncio.run(run()) < 1.5  # not behind the 2 s receiver
    assert len(slow.requests) == 2


# An idle dispatcher on PostgreSQL sleeps on LISTEN: these dispatchers would not look
# again for a minute on their own, so an alert arriving within seconds was woken by the
# commit that owed it.
ASLEEP = dict(idle_check_seconds=120.0)
WOKEN_WITHIN = 10.0


def sleepy_settings() -> Settings:
    return settings().model_copy(update={"alert_poll_seconds": 60.0})


async def until(condition: object, limit: float) -> float:
    """Seconds until ``condition()`` holds; fails the test after ``limit``."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    while not condition():  # type: ignore[operator]
        assert loop.time() - started < limit, "not woken: the dispatcher was left to poll"
        await asyncio.sleep(0.02)
    return loop.time() - started


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_the_collections_commit_wakes_an_idle_dispatcher(
    factory: SessionFactory, tmp_path: Path
) -> None:
    with Receiver() as hook:
        subscribe(factory, hook.url(), teams=["MEM"])

        async def run() -> None:
            d = Dispatcher(factory, sleepy_settings(), **ASLEEP)
            stop = asyncio.Event()
            task = asyncio.create_task(d.run_forever(stop))
            await asyncio.sleep(0.5)  # connected, found nothing, asleep
            await asyncio.to_thread(collect, factory, tmp_path, reported_by_five())
            await until(lambda: len(hook.accepted) == 1, WOKEN_WITHIN)
            stop.set()
            await task
            await d.aclose()

        asyncio.run(run())
    with transaction(factory) as s:
        assert store.state_counts(s)["delivered"] == 1


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_replay_wakes_an_idle_dispatcher(factory: SessionFactory, tmp_path: Path) -> None:
    from nba_tracker.alerts import service
    from tests.support.receivers import Answer

    refusing = True
    with Receiver(lambda _r: Answer(400 if refusing else 204)) as hook:
        subscribe(factory, hook.url(), teams=["MEM"])
        collect(factory, tmp_path, reported_by_five())

        async def run() -> None:
            nonlocal refusing
            d = Dispatcher(factory, sleepy_settings(), **ASLEEP)
            stop = asyncio.Event()
            task = asyncio.create_task(d.run_forever(stop))

            def failed() -> bool:
                with transaction(factory) as s:
                    return store.state_counts(s)["failed"] == 1

            await until(failed, WOKEN_WITHIN)
            await asyncio.sleep(0.3)  # asleep again
            refusing = False
            assert await asyncio.to_thread(service.replay, factory) == 1
            await until(lambda: len(hook.accepted) == 1, WOKEN_WITHIN)
            stop.set()
            await task
            await d.aclose()

        asyncio.run(run())


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
def test_next_due_is_the_earliest_open_work(factory: SessionFactory, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    with transaction(factory) as s:
        assert store.next_due(s, now) is None  # nothing open: sleep as long as allowed
    subscribe(factory, "http://127.0.0.1:9/x", teams=["MEM"])
    collect(factory, tmp_path, reported_by_five())
    with transaction(factory) as s:
        assert store.next_due(s, now) == now  # story events wait for their fan-out
    outbox(factory)  # fanned out: the alert is due from now on
    now = datetime.now(UTC)
    lease = timedelta(seconds=20)
    with transaction(factory) as s:
        [claimed] = store.claim(s, 10, lease, now)
    with transaction(factory) as s:
        assert store.next_due(s, now) == now + lease  # a send under way, until its lease ends
    later = now + timedelta(seconds=42)
    with transaction(factory) as s:
        store.record_outcomes(
            s,
            [
                store.Finished(
                    claimed.id, store.DeliveryState.PENDING, next_attempt_at=later, error="x"
                )
            ],
        )
    with transaction(factory) as s:
        assert store.next_due(s, now) == later  # a retry backing off
