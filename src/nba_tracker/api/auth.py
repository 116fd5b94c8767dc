"""Mutations need ``Authorization: Bearer <NBA_TRACKER_API_TOKEN>``; queries are public.

A client that keeps sending wrong tokens is refused with 429 before its request is even
parsed, so guessing the token is slow and a flood of bad mutations never runs anything.
The client is the address uvicorn reports: behind the ALB that is the real client, taken
from ``X-Forwarded-For`` as far as ``FORWARDED_ALLOW_IPS`` trusts it (see the Dockerfile).
"""

from __future__ import annotations

import hmac
import time
from collections import OrderedDict, deque

from pydantic import SecretStr

from nba_tracker.api.graphql import PATHS as GRAPHQL_PATHS
from nba_tracker.api.middleware import (
    ASGIApp,
    Receive,
    Scope,
    Send,
    graphql_query,
    is_mutation,
    json_error,
    respond,
)

AUTH_FAILURE_LIMIT = 10
AUTH_WINDOW_SECONDS = 60.0
TRACKED_CLIENTS = 10_000


def token_matches(expected: SecretStr | None, authorization: str | None) -> bool:
    """Constant-time check of a ``Bearer`` header; no configured token accepts nothing."""
    secret = expected.get_secret_value() if expected else ""
    scheme, _, token = (authorization or "").partition(" ")
    return (
        bool(secret)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(token.strip().encode(), secret.encode())
    )


class FailedAuthLimiter:
    """At ``limit`` failures within ``window`` seconds a client is blocked until its
    oldest failure leaves the window. Memory stays bounded under a spray of addresses."""

    def __init__(
        self, limit: int = AUTH_FAILURE_LIMIT, window: float = AUTH_WINDOW_SECONDS
    ) -> None:
        self.limit = limit
        self.window = window
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, client: str, now: float) -> deque[float] | None:
        bucket = self._failures.get(client)
        if bucket is None:
            return None
        while bucket and bucket[0] <= now - self.window:
            bucket.popleft()
        return bucket

    def record_failure(self, client: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        bucket = self._recent(client, now)
        if bucket is None:
            bucket = self._failures[client] = deque(maxlen=self.limit)
        bucket.append(now)
        self._failures.move_to_end(client)
        while len(self._failures) > TRACKED_CLIENTS:
            self._failures.popitem(last=False)

    def blocked(self, client: str, now: float | None = None) -> bool:
        bucket = self._recent(client, time.monotonic() if now is None else now)
        return bucket is not None and len(bucket) >= self.limit


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class AuthRateLimit:
    """429 for a blocked client's mutations (and for bodies too odd to tell); its
    queries still work, so a reader behind the same address keeps reading."""

    def __init__(self, app: ASGIApp, limiter: FailedAuthLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"] in GRAPHQL_PATHS
            and scope["method"] == "POST"
            and self.limiter.blocked(client_address(scope))
        ):
            query = graphql_query(scope.get("state", {}).get("body", b""))
            if query is None or is_mutation(query):
                await respond(
                    send,
                    429,
                    json_error("too many failed authentications; slow down"),
                    [(b"content-type", b"application/json"), (b"retry-after", b"60")],
                )
                return
        await self.app(scope, receive, send)
