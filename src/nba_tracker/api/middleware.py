"""Pure ASGI middleware (cheaper than Starlette's BaseHTTPMiddleware on every request):
request logging and metrics, the request-size cap, the read cache. The failed-auth
limiter is in ``auth``."""

from __future__ import annotations

import ipaddress
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


# A caller's request id is kept only when it is an id: letters, digits and ``._:-``,
# at most 64 characters. Anything else (newlines, JSON, escapes, a forged log line) is
# replaced by our own, so what the log says was sent is never the caller's text.
_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,64}")


def safe_request_id(value: bytes | None) -> str:
    if value and _REQUEST_ID.fullmatch(value):
        return value.decode("ascii")
    return uuid.uuid4().hex


class HttpMiddleware:
    """An ASGI middleware of HTTP requests (:meth:`http`); anything else (the lifespan,
    websockets) passes through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class RequestLog(HttpMiddleware):
    """One JSON line per request (``Request completed`` with a numeric ``duration`` in ms),
    an ``X-Request-ID`` header, metrics, and a clean 500 for anything unhandled."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        headers = dict(scope.get("headers") or [])
        request_id = safe_request_id(headers.get(b"x-request-id"))
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


class ReadCache(HttpMiddleware):
    """Serve repeated reads from memory; add ETag / Cache-Control; answer 304."""

    def __init__(self, app: ASGIApp, cache: ResponseCache, max_age: int = 10) -> None:
        super().__init__(app)
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

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
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


# Every page's scripts and styles are our own files; the only inline styles are the
# team-colour custom properties in ``style`` attributes.
CONTENT_SECURITY_POLICY = (
    b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    b"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    b"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_EVERY_RESPONSE = ((b"x-content-type-options", b"nosniff"),)
_HTML_RESPONSE = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
)


class SecurityHeaders(HttpMiddleware):
    """``nosniff`` on every response; CSP, ``X-Frame-Options`` and a referrer policy on
    every HTML one (the page, GraphiQL, error pages), whoever rendered it."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                extra = list(_EVERY_RESPONSE)
                if content_type.startswith(b"text/html"):
                    extra += _HTML_RESPONSE
                message["headers"] = headers + [(k, v) for k, v in extra if k not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _networks(spec: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network] | None:
    """``FORWARDED_ALLOW_IPS`` as networks; None means "*" (trust every peer)."""
    networks = []
    for part in (p.strip() for p in spec.split(",")):
        if part == "*":
            return None
        if part:
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                log.warning("Ignoring a FORWARDED_ALLOW_IPS entry that is no address", entry=part)
    return networks


def _forwarded_address(entry: str) -> str | None:
    """``1.2.3.4``, ``1.2.3.4:5678``, ``2001:db8::1`` or ``[2001:db8::1]:5678`` → the address."""
    entry = entry.strip()
    if entry.startswith("["):
        entry = entry[1:].split("]", 1)[0]
    elif entry.count(":") == 1:
        entry = entry.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(entry))
    except ValueError:
        return None


class TrustedProxy:
    """The client address behind a trusted proxy: the last ``X-Forwarded-For`` hop only,
    which is the one the proxy itself appended.

    Uvicorn's own handling walks left past every hop that is itself trusted, so a
    client that sends ``X-Forwarded-For: <anything>, 127.0.0.1`` chooses its address —
    and a fresh one per request escapes the failed-token limiter. Trusted proxies are
    ``FORWARDED_ALLOW_IPS`` (the variable uvicorn reads; 127.0.0.1 by default)."""

    def __init__(self, app: ASGIApp, trusted: str = "127.0.0.1") -> None:
        self.app = app
        self.trusted = _networks(trusted)

    def _trusts(self, host: str) -> bool:
        if self.trusted is None:
            return True
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] in {"http", "websocket"} and client and self._trusts(str(client[0])):
            forwarded = [v for k, v in scope.get("headers") or [] if k == b"x-forwarded-for"]
            if forwarded:
                host = _forwarded_address(forwarded[-1].decode("latin-1").rsplit(",", 1)[-1])
                if host is not None:  # else not an address: keep the proxy's own
                    scope["client"] = (host, 0)
            proto = dict(scope.get("headers") or []).get(b"x-forwarded-proto", b"").strip()
            if proto in {b"http", b"https"}:
                scope["scheme"] = proto.decode()
        await self.app(scope, receive, send)
