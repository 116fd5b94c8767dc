"""What every resolver can reach: the session factory, settings, the app's services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from strawberry.fastapi import BaseContext
from strawberry.permission import BasePermission
from strawberry.types import Info

from nba_tracker.api.auth import FailedAuthLimiter, client_address, token_matches
from nba_tracker.settings import Settings
from nba_tracker.store.engine import SessionFactory


@dataclass
class Context(BaseContext):
    settings: Settings
    sessionmaker: SessionFactory
    services: Any
    limiter: FailedAuthLimiter
    client: str
    authorization: str | None

    def __post_init__(self) -> None:
        super().__init__()


async def get_context(request: Request) -> Context:
    state = request.app.state
    return Context(
        settings=state.settings,
        sessionmaker=state.sessionmaker,
        services=state.services,
        limiter=state.auth_limiter,
        client=client_address(request.scope),
        authorization=request.headers.get("authorization"),
    )


class BearerToken(BasePermission):
    """Mutations need ``Authorization: Bearer <NBA_TRACKER_API_TOKEN>``; a wrong or missing
    token is an error, counts towards the client's rate limit, and runs nothing."""

    message = "Authentication required: send Authorization: Bearer <token>"
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        ctx: Context = info.context
        ok = token_matches(ctx.settings.api_token, ctx.authorization)
        if not ok:
            ctx.limiter.record_failure(ctx.client)
        return ok
