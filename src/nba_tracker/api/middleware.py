"""Pure ASGI middleware (cheaper than Starlette's BaseHTTPMiddleware on every request):
request logging and metrics, the request-size cap, the read cache. The failed-auth
limiter is in ``auth``."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from nba_tracker.api import metrics
from nba_tracker.api.cache import CachedResponse, ResponseCache
from nba_tracker.api.graphql import PATHS as GRAPHQL_PATHS
from nba_tracker.observability import get_logger
from nba_tracker.web.i18n import scope_language

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = get_logger("nba_tracker.api")


async def respond(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


def json_error(message: str) -> bytes:
    return json.dumps({"errors": [{"message": message}]}).encode()


class RequestLog:
    """One JSON line per request (``Request completed`` with a numeric ``duration`` in ms),
    an ``X-Request-ID`` header, metrics, and a clean 500 for anything unhandled."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = dict(scope.get("headers") or [])
        request_id = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or uuid.uuid4().hex
        status = 500
        response_started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            log.error("Unhandled error", path=scope["path"], request_id=request_id, exc_info=True)
            status = 500
            if not response_started:
                await respond(
                    send,
                    500,
                    json_error("internal error"),
                    [
                        (b"content-type", b"application/json"),
                        (b"x-request-id", request_id.encode()),
                    ],
                )
        finally:
            duration_ms = (time.perf_counter() - started) * 1000
            metrics.observe(scope["method"], scope["path"], status, duration_ms / 1000)
            log.info(
                "Request completed",
                method=scope["method"],
                path=scope["path"],
                status=status,
                duration=round(duration_ms, 2),
                request_id=request_id,
            )


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` before anything parses them."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in {"POST", "PUT", "PATCH"}:
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        scope.setdefault("state", {})["body"] = body
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        await respond(
            send,
            413,
            json_error(f"request body over {self.max_bytes:,} bytes"),
            [(b"content-type", b"application/json")],
        )


_MUTATION = re.compile(r"\bmutation\b")


def graphql_request(body: bytes) -> dict[str, Any] | None:
    """The JSON object of a GraphQL POST, or None when the body is not one."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def graphql_query(body: bytes) -> str | None:
    query = (graphql_request(body) or {}).get("query")
    return query if isinstance(query, str) else None


def is_mutation(query: str) -> bool:
    """Conservative: any document that mentions ``mutation`` counts as one."""
    return _MUTATION.search(query) is not None


_CACHEABLE_GET = re.compile(r"^(/|/team/[^/]+|/story/\d+|/feeds/.+\.atom)$")


class ReadCache:
    """Serve repeated reads from memory; add ETag / Cache-Control; answer 304."""

    def __init__(self, app: ASGIApp, cache: ResponseCache, max_age: int = 10) -> None:
        self.app = app
        self.cache = cache
        self.cache_control = f"public, max-age={max_age}, must-revalidate".encode()

    def _key(self, scope: Scope) -> str | None:
        if self.cache.version is None:
            return None
        method, path = scope["method"], scope["path"]
        if method == "GET" and _CACHEABLE_GET.match(path):
            headers = dict(scope.get("headers") or [])
            # A page's edition comes from ?lang=, the remembered choice or Accept-Language;
            # the Accept header picks GraphiQL's HTML over JSON on /graphql (not cached).
            query_string = scope.get("query_string", b"")
            return self.cache.key(
                method,
                path,
                query_string,
                b"",
                headers.get(b"accept", b"")[:64].decode("latin-1")
                + "|"
                + scope_language(query_string, headers),
            )
        if method == "POST" and path in GRAPHQL_PATHS:
            request = graphql_request(scope.get("state", {}).get("body", b""))
            query = request.get("query") if request else None
            if request is None or not isinstance(query, str) or is_mutation(query):
                return None
            # Key order and spacing of the JSON do not make a different request.
            normalized = json.dumps(
                [query, request.get("variables") or {}, request.get("operationName")],
                sort_keys=True,
                separators=(",", ":"),
            )
            return self.cache.key(method, path, b"", normalized.encode())
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        etag = self.cache.etag(key).encode()
        if_none_match = dict(scope.get("headers") or []).get(b"if-none-match")
        hit = self.cache.get(key)
        if hit is not None:
            metrics.CACHE.labels("hit").inc()
            if if_none_match == etag:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 304,
                        "headers": [(b"etag", etag), (b"cache-control", self.cache_control)],
                    }
                )
                await send({"type": "http.response.body", "body": b""})
                return
            await send(
                {"type": "http.response.start", "status": hit.status, "headers": list(hit.headers)}
            )
            await send({"type": "http.response.body", "body": hit.body})
            return
        metrics.CACHE.labels("miss").inc()
        version = self.cache.version
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                if message["status"] == 200:
                    message["headers"] = [
                        (k, v) for k, v in message.get("headers", []) if k.lower() != b"etag"
                    ] + [(b"etag", etag), (b"cache-control", self.cache_control)]
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and start.get("status") == 200:
                    body = b"".join(chunks)
                    graphql_error = scope["method"] == "POST" and b'"errors"' in body
                    if not graphql_error and self.cache.version == version:
                        self.cache.put(
                            key, CachedResponse(200, tuple(start["headers"]), body, etag.decode())
                        )
            await send(message)

        await self.app(scope, receive, capture)
