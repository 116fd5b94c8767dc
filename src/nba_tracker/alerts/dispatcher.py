"""The dispatcher: claims due alerts from the outbox, sends them, records what happened.

Each round claims at most one alert per subscription (its oldest undelivered, see
``store.alerts.claim``), sends the round concurrently, and writes the outcomes in one
short transaction. A transient failure goes back with exponential backoff (or the
receiver's ``Retry-After``) and holds its subscription's later alerts behind it, so a
receiver that was down hears everything afterwards in order; after
``alert_max_attempts`` the alert is recorded as failed and the next one goes.

It never runs inside the collection: ``serve`` runs it as its own task and
``nba-tracker alerts dispatch`` as its own process, each claim is one statement, and
sends happen outside any transaction. Idle on PostgreSQL, it sleeps until the commit
that owes alerts wakes it (``store.wakeups``) or the next retry falls due; on SQLite it
polls.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import anyio

from nba_tracker.alerts.channels import Message, Outcome, Sender
from nba_tracker.alerts.guard import make_client
from nba_tracker.observability import get_logger
from nba_tracker.settings import Settings
from nba_tracker.store import alerts as store
from nba_tracker.store.engine import SessionFactory, transaction
from nba_tracker.store.wakeups import Wakeups

__all__ = ["DispatchReport", "Dispatcher", "backoff_seconds"]

log = get_logger(__name__)
BATCH = 500
# A listening dispatcher still looks at least this often, in case a wake-up is lost
# (a notification is not stored: a listener reconnecting misses what was sent meanwhile).
IDLE_CHECK_SECONDS = 5.0
# How long a dispatcher whose wake-up connection failed polls before trying it again.
RELISTEN_SECONDS = 30.0


def backoff_seconds(attempts: int, base: float, cap: float, jitter: float = 0.1) -> float:
    """``base · 2^(attempts-1)``, capped, with a little jitter so receivers that came
    back are not hit by every dispatcher in the same instant."""
    delay = min(cap, base * (2 ** max(0, attempts - 1)))
    return delay * (1 + random.uniform(-jitter, jitter))


@dataclass
class DispatchReport:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    # Seconds from each delivered alert's creation to its receiver's answer.
    latencies: list[float] = field(default_factory=list)

    def __add__(self, other: DispatchReport) -> DispatchReport:
        return DispatchReport(
            self.delivered + other.delivered,
            self.retried + other.retried,
            self.failed + other.failed,
            self.latencies + other.latencies,
        )

    @property
    def handled(self) -> int:
        return self.delivered + self.retried + self.failed


class Dispatcher:
    def __init__(
        self,
        factory: SessionFactory,
        settings: Settings,
        sender: Sender | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        idle_check_seconds: float = IDLE_CHECK_SECONDS,
    ) -> None:
        self._factory = factory
        self._idle_check = idle_check_seconds
        self._settings = settings
        self._clock = clock
        self._own_client = sender is None
        if sender is None:
            client = make_client(
                settings.alert_timeout_seconds,
                settings.alert_concurrency,
                settings.alerts_allow_loopback,
            )
            key = settings.vapid_private_key
            sender = Sender(
                client,
                vapid_private_key=key.get_secret_value() if key else None,
                vapid_subject=settings.vapid_subject,
            )
        self.sender = sender
        self._limit = asyncio.Semaphore(settings.alert_concurrency)
        # The lease outlives the slowest possible send by a margin.
        self._lease = timedelta(seconds=settings.alert_timeout_seconds * 3 + 5)

    async def aclose(self) -> None:
        if self._own_client:
            await self.sender.aclose()

    def _claim(self, limit: int = BATCH) -> tuple[list[store.ClaimedAlert], datetime | None]:
        """What is claimable now, and when to look again if that is nothing."""
        now = self._clock()
        with transaction(self._factory) as session:
            due = store.next_due(session, now)
        if due is None or due > now:
            return [], due
        with transaction(self._factory) as session:
            # Story events first, in the same transaction: what they owe is claimable now.
            store.fan_out(session, now)
            return store.claim(session, limit, self._lease, now), None

    async def run_once(self) -> DispatchReport:
        """One round: everything due now, at most one per subscription."""
        claimed, _ = await anyio.to_thread.run_sync(self._claim)
        if not claimed:
            return DispatchReport()
        outcomes = await asyncio.gather(*(self._send(a) for a in claimed))
        return await anyio.to_thread.run_sync(self._record, claimed, outcomes)

    async def _send(self, alert: store.ClaimedAlert) -> tuple[Outcome, datetime]:
        message = Message(
            alert.id,
            alert.subscription_id,
            alert.channel,
            alert.target,
            alert.secret,
            alert.payload,
        )
        async with self._limit:
            try:
                outcome = await self.sender.send(message)
            except Exception as exc:  # one receiver's surprise must not stop the round
                log.warning("Alert send raised", alert=alert.id, error=type(exc).__name__)
                outcome = Outcome(False, retry=True, error=f"unexpected: {type(exc).__name__}")
        return outcome, self._clock()

    def _record(
        self, claimed: list[store.ClaimedAlert], outcomes: list[tuple[Outcome, datetime]]
    ) -> DispatchReport:
        report = DispatchReport()
        s = self._settings
        finished: list[store.Finished] = []
        for alert, (outcome, at) in zip(claimed, outcomes, strict=True):
            if outcome.delivered:
                finished.append(
                    store.Finished(alert.id, store.DeliveryState.DELIVERED, delivered_at=at)
                )
                report.delivered += 1
                report.latencies.append((at - alert.created_at).total_seconds())
            elif outcome.retry and alert.attempts < s.alert_max_attempts:
                delay = (
                    outcome.retry_after
                    if outcome.retry_after is not None
                    else backoff_seconds(
                        alert.attempts, s.alert_backoff_seconds, s.alert_backoff_cap_seconds
                    )
                )
                finished.append(
                    store.Finished(
                        alert.id,
                        store.DeliveryState.PENDING,
                        next_attempt_at=at + timedelta(seconds=delay),
                        error=outcome.error or "",
                    )
                )
                report.retried += 1
            else:
                error = outcome.error or "failed"
                if outcome.retry:
                    error = f"gave up after {alert.attempts} attempts: {error}"
                finished.append(store.Finished(alert.id, store.DeliveryState.FAILED, error=error))
                report.failed += 1
                log.warning(
                    "Alert delivery failed",
                    alert=alert.id,
                    subscription=alert.subscription_id,
                    channel=alert.channel,
                    error=error,
                )
        with transaction(self._factory) as session:
            store.record_outcomes(session, finished)
        return report

    async def run_until_idle(self, max_rounds: int = 1000) -> DispatchReport:
        """Rounds until nothing is due now (alerts backing off stay for later)."""
        total = DispatchReport()
        for _ in range(max_rounds):
            report = await self.run_once()
            total = total + report
            if not report.handled:
                break
        return total

    def _idle_seconds(self, due: datetime | None, listening: bool) -> float:
        """How long to sleep with nothing claimable. Polling, ``alert_poll_seconds``.
        Listening, until the next retry is due, at most ``idle_check_seconds``; never
        less than the poll interval, so an alert due but held behind its subscription's
        earlier one (another dispatcher is sending it) is not asked for in a busy loop."""
        poll = self._settings.alert_poll_seconds
        if not listening:
            return poll
        if due is None:
            return self._idle_check
        until = (due - self._clock()).total_seconds()
        return min(self._idle_check, max(poll, until))

    async def run_forever(self, stop: asyncio.Event | None = None) -> None:
        """Keep up to ``alert_concurrency`` sends in flight: whenever one finishes, its
        outcome is recorded and more is claimed, so a slow receiver holds its own alert
        and nobody else's. Idle, it sleeps until woken (PostgreSQL) or polls every
        ``alert_poll_seconds`` (SQLite); a failing database is logged and waited out,
        never fatal."""
        stop = stop or asyncio.Event()
        wakeups = await Wakeups.connect(self._factory)
        listened_at = asyncio.get_running_loop().time()
        inflight: dict[asyncio.Task[tuple[Outcome, datetime]], store.ClaimedAlert] = {}
        # Claimed ahead of the sends: while ``alert_concurrency`` are on the wire (the
        # semaphore in _send), as many more wait claimed, so a send that ends is replaced
        # at once instead of after a claim's round trip. A waiting alert starts within one
        # timeout, well inside its lease.
        capacity = 2 * self._settings.alert_concurrency
        log.info(
            "Alert dispatcher running",
            concurrency=self._settings.alert_concurrency,
            woken_by="notify" if wakeups else "polling",
        )
        try:
            while not stop.is_set():
                done = [t for t in inflight if t.done()]
                if done:
                    finished = [inflight.pop(t) for t in done]
                    try:
                        await anyio.to_thread.run_sync(
                            self._record, finished, [t.result() for t in done]
                        )
                    except Exception:
                        # Unrecorded sends stay "sending" until their lease ends, then go
                        # again: at least once, never lost.
                        log.error("Recording alert outcomes failed", exc_info=True)
                claimed: list[store.ClaimedAlert] = []
                due: datetime | None = None
                if len(inflight) < capacity:
                    try:
                        claimed, due = await anyio.to_thread.run_sync(
                            self._claim, min(BATCH, capacity - len(inflight))
                        )
                    except Exception:
                        log.error("Claiming alerts failed", exc_info=True)
                for alert in claimed:
                    inflight[asyncio.create_task(self._send(alert))] = alert
                if claimed:
                    continue
                if wakeups and not wakeups.alive:
                    await wakeups.aclose()
                    wakeups, listened_at = None, asyncio.get_running_loop().time()
                elif not wakeups and self._relisten_due(listened_at):
                    wakeups = await Wakeups.connect(self._factory)
                    listened_at = asyncio.get_running_loop().time()
                waiters: set[asyncio.Future[object]] = {asyncio.ensure_future(stop.wait())}
                if wakeups:
                    waiters.add(asyncio.ensure_future(wakeups.woken()))
                await asyncio.wait(
                    waiters | set(inflight),
                    timeout=self._idle_seconds(due, wakeups is not None),
                    return_when=asyncio.FIRST_COMPLETED,
                )
                for waiter in waiters:
                    waiter.cancel()
            if inflight:
                # Stopping: let sends under way finish (each is bounded by the timeout)
                # and record them, so a restart sends none of them twice.
                await asyncio.wait(set(inflight), timeout=self._settings.alert_timeout_seconds + 1)
                done = [t for t in inflight if t.done() and not t.cancelled()]
                if done:
                    finished = [inflight.pop(t) for t in done]
                    await anyio.to_thread.run_sync(
                        self._record, finished, [t.result() for t in done]
                    )
        finally:
            for task in inflight:
                task.cancel()
            if wakeups:
                await wakeups.aclose()

    def _relisten_due(self, since: float) -> bool:
        """SQLite never listens; PostgreSQL tries again a while after a failure."""
        return (
            Wakeups.possible(self._factory)
            and asyncio.get_running_loop().time() - since >= RELISTEN_SECONDS
        )
