"""Alert subscriptions over GraphQL. Everything here needs the bearer token: a
subscription's target is a credential (Discord and Slack put theirs in the URL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TypeVar

import anyio
import strawberry
from strawberry.types import Info

from nba_tracker.alerts import service
from nba_tracker.api.graphql.context import BearerToken
from nba_tracker.store import alerts as store

T = TypeVar("T")


async def _run(work: Callable[[], T]) -> T:
    return await anyio.to_thread.run_sync(work)


@strawberry.type
class AlertSubscription:
    id: strawberry.ID
    name: str
    channel: str
    target: str = strawberry.field(description="Host only: the full URL is a credential.")
    teams: list[str]
    players: list[str]
    categories: list[str]
    least_status: str
    created_at: datetime
    delivered: int
    pending: int
    failed: int
    secret: str | None = strawberry.field(
        default=None,
        description="The webhook signing secret; returned once, by addAlertSubscription.",
    )

    @classmethod
    def of(cls, s: store.SubscriptionView, reveal_secret: bool = False) -> AlertSubscription:
        d = s.to_json_dict(reveal_secret)
        return cls(
            id=strawberry.ID(str(s.id)),
            name=s.name,
            channel=s.channel,
            target=d["target"],
            teams=d["teams"],
            players=d["players"],
            categories=d["categories"],
            least_status=d["least_status"],
            created_at=s.created_at,
            delivered=s.delivered,
            pending=s.pending,
            failed=s.failed,
            secret=d.get("secret"),
        )


@strawberry.type
class AlertDelivery:
    id: strawberry.ID
    subscription_id: strawberry.ID
    subscription: str
    story_id: strawberry.ID
    status: str
    state: str
    attempts: int
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    text: str

    @classmethod
    def of(cls, d: store.DeliveryView) -> AlertDelivery:
        return cls(
            id=strawberry.ID(str(d.id)),
            subscription_id=strawberry.ID(str(d.subscription_id)),
            subscription=d.subscription,
            story_id=strawberry.ID(str(d.story_id)),
            status=d.status,
            state=d.state,
            attempts=d.attempts,
            last_error=d.last_error,
            created_at=d.created_at,
            delivered_at=d.delivered_at,
            text=d.text,
        )


@strawberry.type
class AlertTestResult:
    delivered: bool
    error: str | None


@strawberry.input
class AlertSubscriptionInput:
    channel: str = strawberry.field(description="webhook, discord, slack, webpush or sns")
    target: str = strawberry.field(
        description="An https URL; an SNS topic ARN; for webpush the PushSubscription JSON."
    )
    name: str = "alerts"
    teams: list[str] = strawberry.field(default_factory=list)
    players: list[str] = strawberry.field(default_factory=list)
    categories: list[str] = strawberry.field(default_factory=list)
    least_status: str = "reported"


def _id(value: strawberry.ID) -> int:
    from nba_tracker.errors import InvalidInput

    try:
        return int(value)
    except ValueError:
        raise InvalidInput(f"not an id: {str(value)[:40]!r}") from None


@strawberry.type
class AlertQueries:
    @strawberry.field(permission_classes=[BearerToken], description="Every alert subscription.")
    async def alert_subscriptions(self, info: Info) -> list[AlertSubscription]:
        subs = await _run(partial(service.list_all, info.context.sessionmaker))
        return [AlertSubscription.of(s) for s in subs]

    @strawberry.field(
        permission_classes=[BearerToken],
        description='Recent alerts, newest first; `state: "failed"` lists the failures.',
    )
    async def alert_deliveries(
        self,
        info: Info,
        state: str | None = None,
        subscription_id: strawberry.ID | None = None,
        limit: int = 50,
    ) -> list[AlertDelivery]:
        sub = _id(subscription_id) if subscription_id is not None else None
        rows = await _run(partial(service.deliveries, info.context.sessionmaker, state, sub, limit))
        return [AlertDelivery.of(r) for r in rows]


@strawberry.type
class AlertMutations:
    @strawberry.mutation(
        permission_classes=[BearerToken],
        description="Follow teams, players or categories on a channel (empty lists: any).",
    )
    async def add_alert_subscription(
        self, info: Info, subscription: AlertSubscriptionInput
    ) -> AlertSubscription:
        ctx = info.context
        view = await _run(
            partial(
                service.add,
                ctx.sessionmaker,
                ctx.settings,
                name=subscription.name,
                channel=subscription.channel,
                target=subscription.target,
                teams=subscription.teams,
                players=subscription.players,
                categories=subscription.categories,
                least_status=subscription.least_status,
            )
        )
        return AlertSubscription.of(view, reveal_secret=True)

    @strawberry.mutation(permission_classes=[BearerToken], description="Stop a subscription.")
    async def remove_alert_subscription(self, info: Info, id: strawberry.ID) -> bool:
        await _run(partial(service.remove, info.context.sessionmaker, _id(id)))
        return True

    @strawberry.mutation(permission_classes=[BearerToken], description="Send one test alert now.")
    async def test_alert_subscription(self, info: Info, id: strawberry.ID) -> AlertTestResult:
        ctx = info.context
        outcome = await service.send_test(ctx.sessionmaker, ctx.settings, _id(id))
        return AlertTestResult(delivered=outcome.delivered, error=outcome.error)

    @strawberry.mutation(
        permission_classes=[BearerToken],
        description="Queue failed alerts again (these ids, one subscription's, or all).",
    )
    async def replay_failed_alerts(
        self,
        info: Info,
        ids: list[strawberry.ID] | None = None,
        subscription_id: strawberry.ID | None = None,
    ) -> int:
        alert_ids = [_id(i) for i in ids or []]
        sub = _id(subscription_id) if subscription_id is not None else None
        return await _run(partial(service.replay, info.context.sessionmaker, alert_ids, sub))
