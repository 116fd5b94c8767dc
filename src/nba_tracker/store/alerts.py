"""Alert subscriptions, the story events a collection writes, and the outbox.

:func:`enqueue_for_stories` runs inside the transaction that stores a feed's articles
(``writer.store_items`` calls it after the stories are settled) and writes one story
event per story touched, with the story's facts frozen: the alerts it may owe exist
exactly when the articles causing them do (a crash before the commit leaves neither).
The collection pays for ~100 rows, not for the ~1,600 alerts 1,000 subscriptions make
of them. :func:`fan_out` — the dispatcher's, before each claim — turns events into
outbox rows, one per (subscription, story, status): the unique key makes a re-collection
or a second dispatcher fanning out the same event add nothing.

Dispatchers claim rows with one ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP
LOCKED) RETURNING``: two of them never take the same row, and only a subscription's
oldest undelivered alert is ever claimable, so each receiver hears in order. SQLite
serialises writers on its database lock, which makes the same single statement atomic.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from nba_tracker.domain.alerts import (
    AlertFilter,
    Channel,
    StoryFacts,
    SubscriptionIndex,
    alert_text,
    owed_status,
)
from nba_tracker.store.models import (
    AlertOutbox,
    AlertStoryEvent,
    AlertSubscription,
    DeliveryState,
    Story,
    utcnow,
)
from nba_tracker.store.reference import dialect_insert
from nba_tracker.store.wakeups import wake_dispatchers

__all__ = [
    "ClaimedAlert",
    "DeliveryState",
    "DeliveryView",
    "Finished",
    "SubscriptionView",
    "add_subscription",
    "claim",
    "enqueue_for_stories",
    "events_pending",
    "fan_out",
    "failures",
    "get_subscription",
    "list_subscriptions",
    "next_due",
    "record_outcomes",
    "remove_subscription",
    "replay",
    "state_counts",
]

OUTBOX = cast(Table, AlertOutbox.__table__)
EVENTS = cast(Table, AlertStoryEvent.__table__)
MAX_ERROR_CHARS = 500
_OPEN = (DeliveryState.PENDING.value, DeliveryState.SENDING.value)


@dataclass(frozen=True)
class SubscriptionView:
    id: int
    name: str
    channel: str
    target: str
    secret: str
    filter: AlertFilter
    created_at: datetime
    pending: int = 0
    delivered: int = 0
    failed: int = 0

    def to_json_dict(self, reveal_secret: bool = False) -> dict[str, Any]:
        """The secret only when asked (once, at creation): lists never show it."""
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "channel": self.channel,
            "target": _redacted_target(self.channel, self.target),
            "teams": sorted(self.filter.teams),
            "players": sorted(self.filter.players),
            "categories": sorted(self.filter.categories),
            "least_status": self.filter.least_status.value,
            "created_at": self.created_at.isoformat(),
            "pending": self.pending,
            "delivered": self.delivered,
            "failed": self.failed,
        }
        if reveal_secret:
            out["secret"] = self.secret
        return out


def _redacted_target(channel: str, target: str) -> str:
    """Webhook URLs carry their own credentials (Discord and Slack put the token in the
    path): show the host and no more."""
    if channel == Channel.SNS:
        return target
    if channel == Channel.WEBPUSH:
        return "web push subscription"
    scheme, _, rest = target.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}/…"


def _view(row: AlertSubscription, counts: dict[str, int] | None = None) -> SubscriptionView:
    counts = counts or {}
    return SubscriptionView(
        id=row.id,
        name=row.name,
        channel=row.channel,
        target=row.target,
        secret=row.secret,
        filter=AlertFilter.parse(row.teams, row.players, row.categories, row.least_status),
        created_at=row.created_at,
        pending=counts.get(DeliveryState.PENDING, 0) + counts.get(DeliveryState.SENDING, 0),
        delivered=counts.get(DeliveryState.DELIVERED, 0),
        failed=counts.get(DeliveryState.FAILED, 0),
    )


def add_subscription(
    session: Session, name: str, channel: Channel, target: str, filter_: AlertFilter
) -> SubscriptionView:
    """A new subscription with a fresh signing secret. Alerts start with the next story
    that matches: what was stored before is not replayed to a new follower."""
    row = AlertSubscription(
        name=name,
        channel=channel.value,
        target=target,
        secret=secrets.token_urlsafe(32),
        teams=sorted(filter_.teams),
        players=sorted(filter_.players),
        categories=sorted(filter_.categories),
        least_status=filter_.least_status.value,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _view(row)


def get_subscription(session: Session, subscription_id: int) -> SubscriptionView | None:
    row = session.get(AlertSubscription, subscription_id)
    return _view(row) if row is not None else None


def list_subscriptions(session: Session) -> list[SubscriptionView]:
    counts: dict[int, dict[str, int]] = {}
    for sub_id, state, n in session.execute(
        select(AlertOutbox.subscription_id, AlertOutbox.state, func.count()).group_by(
            AlertOutbox.subscription_id, AlertOutbox.state
        )
    ):
        counts.setdefault(sub_id, {})[state] = n
    rows = session.scalars(select(AlertSubscription).order_by(AlertSubscription.id))
    return [_view(r, counts.get(r.id)) for r in rows]


def remove_subscription(session: Session, subscription_id: int) -> bool:
    """Its undelivered alerts go with it (the foreign key cascades)."""
    session.execute(delete(AlertOutbox).where(AlertOutbox.subscription_id == subscription_id))
    result = session.execute(
        delete(AlertSubscription).where(AlertSubscription.id == subscription_id)
    )
    return bool(getattr(result, "rowcount", 0))


def enqueue_for_stories(session: Session, story_ids: Iterable[int], now: datetime) -> int:
    """One story event per story of ``story_ids``, as it now stands; returns how many.

    Nothing when nobody subscribes: a subscription added later starts with the next
    story, it is never sent what was stored before it."""
    ids = sorted(set(story_ids))
    if not ids:
        return 0
    newest = session.scalar(select(func.max(AlertSubscription.id)))
    if newest is None:
        return 0
    rows = [
        {
            "story_id": r.id,
            "facts": {
                "category": r.category,
                "status": r.status,
                "headline": r.headline,
                "teams": sorted(r.teams or ()),
                "players": sorted(r.players or ()),
            },
            "last_subscription_id": int(newest),
            "created_at": now,
        }
        for r in session.execute(
            select(
                Story.id, Story.category, Story.status, Story.headline, Story.teams, Story.players
            ).where(Story.id.in_(ids))
        )
    ]
    if rows:
        session.execute(EVENTS.insert(), rows)
        wake_dispatchers(session)
        # Read by whoever times commits (bench/bench_alerts.py): this transaction owes alerts.
        session.info["alerts_enqueued"] = session.info.get("alerts_enqueued", 0) + len(rows)
    return len(rows)


def events_pending(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count()).select_from(EVENTS).where(EVENTS.c.fanned_out_at.is_(None))
        )
        or 0
    )


def fan_out(session: Session, now: datetime, limit: int = 500) -> int:
    """Turn up to ``limit`` story events, oldest first, into the alerts they owe; returns
    how many alerts. Events of one story are read in order, so reported then official
    makes "now official". On PostgreSQL a second dispatcher skips the events this one
    holds; on SQLite the database lock serialises them; the unique key settles any race."""
    pick = (
        select(EVENTS.c.id, EVENTS.c.story_id, EVENTS.c.facts, EVENTS.c.last_subscription_id)
        .where(EVENTS.c.fanned_out_at.is_(None))
        .order_by(EVENTS.c.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    events = session.execute(pick).all()
    if not events:
        return 0
    subscriptions = _subscription_index(session)
    story_ids = sorted({e.story_id for e in events})
    sent: dict[tuple[int, int], list[str]] = {}
    for sub_id, story_id, status in session.execute(
        select(AlertOutbox.subscription_id, AlertOutbox.story_id, AlertOutbox.status).where(
            AlertOutbox.story_id.in_(story_ids)
        )
    ):
        sent.setdefault((sub_id, story_id), []).append(status)
    rows: list[dict[str, Any]] = []
    payloads: dict[tuple[int, str, str | None], dict[str, Any]] = {}
    for event in events:
        facts = event.facts
        story = StoryFacts(
            id=event.story_id,
            category=facts["category"],
            status=facts["status"],
            headline=facts["headline"],
            teams=frozenset(facts["teams"]),
            players=frozenset(facts["players"]),
        )
        for sub_id, filter_ in subscriptions.candidates(story):
            if sub_id > event.last_subscription_id:
                continue  # subscribed after this story was stored
            owed = owed_status(filter_, story, sent.get((sub_id, story.id), ()))
            if owed is None:
                continue
            status, previous = owed
            before = previous.value if previous else None
            key = (story.id, status.value, before)
            if key not in payloads:
                payloads[key] = _payload(story, status.value, before)
            # What this fan-out owes counts as sent for the story's later events.
            sent.setdefault((sub_id, story.id), []).append(status.value)
            rows.append(
                {
                    "subscription_id": sub_id,
                    "story_id": story.id,
                    "status": status.value,
                    "previous_status": before,
                    "payload": payloads[key],
                    "state": DeliveryState.PENDING.value,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
            )
    if rows:
        _insert_outbox(session, rows, now)
    session.execute(
        update(EVENTS).where(EVENTS.c.id.in_([e.id for e in events])).values(fanned_out_at=now)
    )
    return len(rows)


# Parsed subscriptions per database, kept while no subscription is added or removed
# (both move the (count, max id) pair): a collection stores several feeds, each asking.
_INDEXES: dict[tuple[str, int, int], SubscriptionIndex] = {}


def _subscription_index(session: Session) -> SubscriptionIndex:
    count, top = session.execute(
        select(func.count(), func.coalesce(func.max(AlertSubscription.id), 0))
    ).one()
    key = (str(session.connection().engine.url), int(count), int(top))
    index = _INDEXES.get(key)
    if index is None:
        index = SubscriptionIndex(
            (
                row.id,
                AlertFilter.parse(row.teams, row.players, row.categories, row.least_status),
            )
            for row in session.execute(
                select(
                    AlertSubscription.id,
                    AlertSubscription.teams,
                    AlertSubscription.players,
                    AlertSubscription.categories,
                    AlertSubscription.least_status,
                )
            )
        )
        # One database's current index is all that is worth keeping.
        for stale in [k for k in _INDEXES if k[0] == key[0]]:
            del _INDEXES[stale]
        _INDEXES[key] = index
    return index


def _insert_outbox(session: Session, rows: list[dict[str, Any]], now: datetime) -> None:
    """PostgreSQL takes the rows as arrays in one statement (a fan-out owing a few
    thousand alerts pays one round trip); SQLite one cached statement executed many times."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(dialect_insert(session, OUTBOX).on_conflict_do_nothing(), rows)
        return
    # A story's payload is the same for every subscription it reaches: each distinct one
    # is sent once and rows point at it by position.
    texts: dict[str, int] = {}
    by_object: dict[int, int] = {}
    positions = []
    for r in rows:
        # Rows of one story and step share one payload object: serialised once.
        position = by_object.get(id(r["payload"]))
        if position is None:
            text = json.dumps(r["payload"], sort_keys=True)
            position = by_object[id(r["payload"])] = texts.setdefault(text, len(texts) + 1)
        positions.append(position)
    connection.exec_driver_sql(
        "INSERT INTO alert_outbox (subscription_id, story_id, status, previous_status, payload, "
        "state, attempts, next_attempt_at, created_at) "
        "SELECT s, t, st, p, pl.body::json, %(state)s, 0, %(now)s, %(now)s "
        "FROM unnest(%(s)s::bigint[], %(t)s::bigint[], %(st)s::text[], %(p)s::text[], "
        "%(i)s::int[]) WITH ORDINALITY AS r(s, t, st, p, i, k) "
        "JOIN unnest(%(payloads)s::text[]) WITH ORDINALITY AS pl(body, n) ON pl.n = r.i "
        # Ids in the rows' order: a story's reported alert before its official one when
        # one fan-out holds both events.
        "ORDER BY k ON CONFLICT DO NOTHING",
        {
            "s": [r["subscription_id"] for r in rows],
            "t": [r["story_id"] for r in rows],
            "st": [r["status"] for r in rows],
            "p": [r["previous_status"] for r in rows],
            "i": positions,
            "payloads": list(texts),
            "state": DeliveryState.PENDING.value,
            "now": now,
        },
    )


def _payload(story: StoryFacts, status: str, previous: str | None) -> dict[str, Any]:
    return {
        "story": {
            "id": story.id,
            "headline": story.headline,
            "category": story.category,
            "teams": sorted(story.teams),
            "players": sorted(story.players),
            "path": f"/story/{story.id}",
        },
        "status": status,
        "previous_status": previous,
        "now_official": previous is not None and status == "official",
        "text": alert_text(story.headline, status, previous),
    }


@dataclass(frozen=True)
class ClaimedAlert:
    id: int
    subscription_id: int
    channel: str
    target: str
    secret: str
    story_id: int
    status: str
    payload: dict[str, Any]
    attempts: int  # including this one
    created_at: datetime


def next_due(session: Session, now: datetime) -> datetime | None:
    """When the dispatcher next has work: ``now`` while a story event waits to be fanned
    out, else the earliest retry or lapsed lease; ``None`` when nothing is open. A read
    alone, so an idle dispatcher checking in never takes SQLite's write lock for nothing,
    and a listening one knows how long it may sleep."""
    pending_retry = (
        select(func.min(OUTBOX.c.next_attempt_at))
        .where(OUTBOX.c.state == DeliveryState.PENDING)
        .scalar_subquery()
    )
    lease_end = (
        select(func.min(OUTBOX.c.claimed_until))
        .where(OUTBOX.c.state == DeliveryState.SENDING)
        .scalar_subquery()
    )
    events, retry_at, lease_at = session.execute(
        select(exists().where(EVENTS.c.fanned_out_at.is_(None)), pending_retry, lease_end)
    ).one()
    if events:
        return now
    times = [t for t in (retry_at, lease_at) if t is not None]
    return min(times) if times else None


def _due(table: Any, now: datetime) -> Any:
    return or_(
        (table.c.state == DeliveryState.PENDING) & (table.c.next_attempt_at <= now),
        (table.c.state == DeliveryState.SENDING) & (table.c.claimed_until < now),
    )


def claim(session: Session, limit: int, lease: timedelta, now: datetime) -> list[ClaimedAlert]:
    """Take up to ``limit`` due alerts, at most one per subscription (its oldest
    undelivered), for ``lease``; a dispatcher that dies mid-send loses them after it."""
    candidate = OUTBOX.alias("candidate")
    earlier = OUTBOX.alias("earlier")
    due = _due(candidate, now)
    first_of_its_subscription = ~exists().where(
        earlier.c.subscription_id == candidate.c.subscription_id,
        earlier.c.id < candidate.c.id,
        earlier.c.state.in_(_OPEN),
    )
    pick = (
        select(candidate.c.id)
        .where(due, first_of_its_subscription)
        .order_by(candidate.c.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    # The claimed rows come back from the UPDATE itself, and their receivers from one read
    # of plain columns: no ORM objects on the dispatcher's hot path.
    claimed = session.execute(
        update(OUTBOX)
        .where(OUTBOX.c.id.in_(pick.scalar_subquery()))
        .values(
            state=DeliveryState.SENDING,
            claimed_until=now + lease,
            attempts=OUTBOX.c.attempts + 1,
        )
        .returning(
            OUTBOX.c.id,
            OUTBOX.c.subscription_id,
            OUTBOX.c.story_id,
            OUTBOX.c.status,
            OUTBOX.c.payload,
            OUTBOX.c.attempts,
            OUTBOX.c.created_at,
        )
    ).all()
    if not claimed:
        return []
    receivers = {
        r.id: r
        for r in session.execute(
            select(
                AlertSubscription.id,
                AlertSubscription.channel,
                AlertSubscription.target,
                AlertSubscription.secret,
            ).where(AlertSubscription.id.in_({o.subscription_id for o in claimed}))
        )
    }
    alerts = []
    for o in sorted(claimed, key=lambda o: o.id):
        receiver = receivers[o.subscription_id]
        alerts.append(
            ClaimedAlert(
                id=o.id,
                subscription_id=o.subscription_id,
                channel=receiver.channel,
                target=receiver.target,
                secret=receiver.secret,
                story_id=o.story_id,
                status=o.status,
                payload=dict(o.payload),
                attempts=o.attempts,
                created_at=o.created_at,
            )
        )
    return alerts


@dataclass(frozen=True)
class Finished:
    """What became of one claimed alert: delivered, back to pending for a retry at
    ``next_attempt_at``, or failed for good."""

    alert_id: int
    state: DeliveryState
    delivered_at: datetime | None = None
    next_attempt_at: datetime | None = None
    error: str | None = None


_RECORD = (
    update(OUTBOX)
    # Only while still ours: a row whose lease ran out may belong to another dispatcher.
    .where(OUTBOX.c.id == bindparam("b_id"), OUTBOX.c.state == DeliveryState.SENDING)
    .values(
        state=bindparam("b_state"),
        claimed_until=None,
        delivered_at=bindparam("b_delivered_at"),
        next_attempt_at=func.coalesce(bindparam("b_next_attempt_at"), OUTBOX.c.next_attempt_at),
        last_error=bindparam("b_error"),
    )
)


def record_outcomes(session: Session, finished: Sequence[Finished]) -> None:
    """A round's outcomes in one executemany (psycopg pipelines it): one statement per
    alert cost the dispatcher ~1.4 ms each, longer than the sends on loopback."""
    if not finished:
        return
    session.execute(
        _RECORD,
        [
            {
                "b_id": f.alert_id,
                "b_state": f.state.value,
                "b_delivered_at": f.delivered_at,
                "b_next_attempt_at": f.next_attempt_at,
                "b_error": f.error[:MAX_ERROR_CHARS] if f.error is not None else None,
            }
            for f in finished
        ],
    )


@dataclass(frozen=True)
class DeliveryView:
    id: int
    subscription_id: int
    subscription: str
    story_id: int
    status: str
    state: str
    attempts: int
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    text: str

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "subscription_id": self.subscription_id,
            "subscription": self.subscription,
            "story_id": self.story_id,
            "status": self.status,
            "state": self.state,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "created_at": self.created_at.isoformat(),
            "delivered_at": self.delivered_at.isoformat() if self.delivered_at else None,
            "text": self.text,
        }


def deliveries(
    session: Session,
    state: DeliveryState | None = None,
    subscription_id: int | None = None,
    limit: int = 100,
) -> list[DeliveryView]:
    """Newest first."""
    stmt = (
        select(AlertOutbox, AlertSubscription.name)
        .join(AlertSubscription, AlertSubscription.id == AlertOutbox.subscription_id)
        .order_by(AlertOutbox.id.desc())
        .limit(limit)
    )
    if state is not None:
        stmt = stmt.where(AlertOutbox.state == state)
    if subscription_id is not None:
        stmt = stmt.where(AlertOutbox.subscription_id == subscription_id)
    return [
        DeliveryView(
            id=o.id,
            subscription_id=o.subscription_id,
            subscription=name,
            story_id=o.story_id,
            status=o.status,
            state=o.state,
            attempts=o.attempts,
            last_error=o.last_error,
            created_at=o.created_at,
            delivered_at=o.delivered_at,
            text=str((o.payload or {}).get("text", "")),
        )
        for o, name in session.execute(stmt)
    ]


def failures(session: Session, limit: int = 100) -> list[DeliveryView]:
    return deliveries(session, DeliveryState.FAILED, limit=limit)


def replay(
    session: Session,
    now: datetime,
    alert_ids: Sequence[int] = (),
    subscription_id: int | None = None,
) -> int:
    """Queue failed alerts again (all, some by id, or one subscription's), attempts reset."""
    stmt = update(AlertOutbox).where(AlertOutbox.state == DeliveryState.FAILED)
    if alert_ids:
        stmt = stmt.where(AlertOutbox.id.in_(list(alert_ids)))
    if subscription_id is not None:
        stmt = stmt.where(AlertOutbox.subscription_id == subscription_id)
    result = session.execute(
        stmt.values(state=DeliveryState.PENDING, attempts=0, next_attempt_at=now)
    )
    queued = int(getattr(result, "rowcount", 0) or 0)
    if queued:
        wake_dispatchers(session)
    return queued


def state_counts(session: Session) -> dict[str, int]:
    """Alerts by delivery state (every state present, zero when none)."""
    counts = {s.value: 0 for s in DeliveryState}
    for state, n in session.execute(
        select(AlertOutbox.state, func.count()).group_by(AlertOutbox.state)
    ):
        counts[state] = int(n)
    return counts
