"""What the CLI and GraphQL do with alerts: one function each, errors as the tracker's."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from nba_tracker.alerts.channels import Message, Outcome, Sender
from nba_tracker.alerts.dispatcher import Dispatcher, DispatchReport
from nba_tracker.alerts.guard import TargetRefused, check_target, make_client
from nba_tracker.domain.alerts import AlertFilter, Channel
from nba_tracker.errors import InvalidInput
from nba_tracker.settings import Settings
from nba_tracker.store import alerts as store
from nba_tracker.store.engine import SessionFactory, transaction

__all__ = [
    "add",
    "deliveries",
    "dispatch",
    "list_all",
    "remove",
    "replay",
    "send_test",
]

MAX_NAME_CHARS = 100


def parse_channel(value: str) -> Channel:
    try:
        return Channel(value.strip().lower())
    except ValueError:
        raise InvalidInput(
            f"unknown channel {value!r}: one of {', '.join(c.value for c in Channel)}"
        ) from None


def add(
    factory: SessionFactory,
    settings: Settings,
    *,
    name: str,
    channel: str,
    target: str,
    teams: Sequence[str] = (),
    players: Sequence[str] = (),
    categories: Sequence[str] = (),
    least_status: str | None = None,
) -> store.SubscriptionView:
    name = name.strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise InvalidInput(f"a subscription's name is 1 to {MAX_NAME_CHARS} characters")
    kind = parse_channel(channel)
    try:
        filter_ = AlertFilter.parse(teams, players, categories, least_status)
        checked = check_target(kind, target, settings.alerts_allow_loopback)
    except TargetRefused as exc:
        raise InvalidInput(f"{kind.value} target: {exc}") from None
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if kind == Channel.WEBPUSH and settings.vapid_private_key is None:
        raise InvalidInput("Web Push needs a VAPID key: set NBA_TRACKER_VAPID_PRIVATE_KEY")
    with transaction(factory) as session:
        return store.add_subscription(session, name, kind, checked, filter_)


def list_all(factory: SessionFactory) -> list[store.SubscriptionView]:
    with transaction(factory) as session:
        return store.list_subscriptions(session)


def remove(factory: SessionFactory, subscription_id: int) -> None:
    with transaction(factory) as session:
        if not store.remove_subscription(session, subscription_id):
            raise InvalidInput(f"no subscription {subscription_id}")


async def send_test(factory: SessionFactory, settings: Settings, subscription_id: int) -> Outcome:
    """Send one test alert now, outside the outbox (nothing is recorded)."""
    with transaction(factory) as session:
        sub = store.get_subscription(session, subscription_id)
    if sub is None:
        raise InvalidInput(f"no subscription {subscription_id}")
    key = settings.vapid_private_key
    sender = Sender(
        make_client(settings.alert_timeout_seconds, 1, settings.alerts_allow_loopback),
        vapid_private_key=key.get_secret_value() if key else None,
        vapid_subject=settings.vapid_subject,
    )
    headline = "Test alert from NBA Trade Tracker"
    payload = {
        "test": True,
        "story": {
            "id": 0,
            "headline": headline,
            "category": "Other",
            "teams": sorted(sub.filter.teams),
            "players": sorted(sub.filter.players),
            "path": "/",
        },
        "status": "official",
        "previous_status": None,
        "now_official": False,
        "text": f"Test: {sub.filter.describe()}",
    }
    try:
        # A test's id is negative so a receiver never confuses it with a real alert.
        message = Message(-int(time.time()), sub.id, sub.channel, sub.target, sub.secret, payload)
        return await sender.send(message)
    finally:
        await sender.aclose()


async def dispatch(
    factory: SessionFactory, settings: Settings, forever: bool = False
) -> DispatchReport:
    dispatcher = Dispatcher(factory, settings)
    try:
        if forever:
            # A service is stopped with SIGTERM (ECS, systemd): sends under way finish
            # and are recorded first, so the next dispatcher sends none of them again.
            if settings.dispatcher_nice and hasattr(os, "nice"):
                os.nice(settings.dispatcher_nice)
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, stop.set)
            await dispatcher.run_forever(stop)
            return DispatchReport()
        return await dispatcher.run_until_idle()
    finally:
        await dispatcher.aclose()


def deliveries(
    factory: SessionFactory,
    state: str | None = None,
    subscription_id: int | None = None,
    limit: int = 100,
) -> list[store.DeliveryView]:
    if not 1 <= limit <= 1000:
        raise InvalidInput("limit must be between 1 and 1000")
    try:
        wanted = store.DeliveryState(state) if state else None
    except ValueError:
        raise InvalidInput(
            f"unknown state {state!r}: one of {', '.join(s.value for s in store.DeliveryState)}"
        ) from None
    with transaction(factory) as session:
        return store.deliveries(session, wanted, subscription_id, limit)


def replay(
    factory: SessionFactory, alert_ids: Sequence[int] = (), subscription_id: int | None = None
) -> int:
    with transaction(factory) as session:
        return store.replay(session, datetime.now(UTC), alert_ids, subscription_id)


def counts(factory: SessionFactory) -> dict[str, int]:
    with transaction(factory) as session:
        return store.state_counts(session)
