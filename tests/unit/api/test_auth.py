"""Bearer tokens and the failed-authentication limiter."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from pydantic import SecretStr

from nba_tracker.api.auth import AuthRateLimit, FailedAuthLimiter, token_matches

TOKEN = SecretStr("s3cret-token")


def test_token_must_match_exactly_with_the_bearer_scheme() -> None:
    assert token_matches(TOKEN, "Bearer s3cret-token")
    assert token_matches(TOKEN, "bearer s3cret-token")
    for header in (None, "", "s3cret-token", "Basic s3cret-token", "Bearer s3cret", "Bearer"):
        assert not token_matches(TOKEN, header), header


def test_without_a_configured_token_nothing_is_accepted() -> None:
    assert not token_matches(None, "Bearer ")
    assert not token_matches(SecretStr(""), "Bearer ")


def test_a_client_is_blocked_at_the_limit_and_released_after_the_window() -> None:
    limiter = FailedAuthLimiter(limit=3, window=60)
    for t in (0.0, 1.0):
        limiter.record_failure("1.2.3.4", now=t)
    assert not limiter.blocked("1.2.3.4", now=2.0)
    limiter.record_failure("1.2.3.4", now=2.0)
    assert limiter.blocked("1.2.3.4", now=2.0)
    assert not limiter.blocked("5.6.7.8", now=2.0)
    assert limiter.blocked("1.2.3.4", now=59.0)
    assert not limiter.blocked("1.2.3.4", now=60.5)  # the first failure left the window


def test_tracking_many_addresses_stays_bounded() -> None:
    limiter = FailedAuthLimiter(limit=2)
    for i in range(20_000):
        limiter.record_failure(f"10.0.{i // 256}.{i % 256}", now=0.0)
    assert len(limiter._failures) <= 10_000


def call(limiter: FailedAuthLimiter, body: dict[str, Any] | bytes) -> tuple[int, bool]:
    """Send one POST /graphql through the middleware; (status, reached the app)."""
    reached = False

    async def app(scope: Any, receive: Any, send: Any) -> None:
        nonlocal reached
        reached = True
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "client": ("9.9.9.9", 1234),
        "state": {"body": raw},
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": raw}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(AuthRateLimit(app, limiter)(scope, receive, send))
    return sent[0]["status"], reached


def test_a_blocked_client_may_still_read_but_not_mutate() -> None:
    limiter = FailedAuthLimiter(limit=1)
    assert call(limiter, {"query": "mutation { scrapeRss { savedCount } }"}) == (200, True)
    limiter.record_failure("9.9.9.9")
    assert call(limiter, {"query": "mutation { scrapeRss { savedCount } }"}) == (429, False)
    assert call(limiter, b"not json") == (429, False)
    assert call(limiter, {"query": "{ teams { abbreviation } }"}) == (200, True)
