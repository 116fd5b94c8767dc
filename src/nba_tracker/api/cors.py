"""Cross-origin reads for browser clients on other origins (the original tracker's page
runs on a static host or localhost:8080 and calls the API with ``fetch``).

``NBA_TRACKER_CORS_ORIGINS`` is ``*`` (the default: the news is public, so any page may
read it) or a comma-separated list of origins. With ``*`` credentials are never allowed
(browsers refuse the combination, and it would let any site act as the reader); with a
list, ``NBA_TRACKER_CORS_ALLOW_CREDENTIALS=true`` allows them for the listed origins.
CORS only decides what a browser lets a page read: mutations still need the bearer
token, which no origin setting grants."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from nba_tracker.api.graphql import PATHS as GRAPHQL_PATHS
from nba_tracker.api.middleware import ASGIApp, Message, Receive, Scope, Send
from nba_tracker.errors import ConfigurationError
from nba_tracker.settings import Settings

METHODS = "GET, POST, OPTIONS"
# What the original client and GraphQL tools send; Authorization carries the token.
# Apollo Kotlin (the original page's client) names each operation in headers of its own.
ALLOWED_HEADERS = frozenset(
    {
        "accept",
        "authorization",
        "content-type",
        "x-request-id",
        "x-apollo-operation-id",
        "x-apollo-operation-name",
        "apollographql-client-name",
        "apollographql-client-version",
        "apollo-require-preflight",
    }
)
EXPOSED_HEADERS = b"ETag, Retry-After, X-Request-ID"
PREFLIGHT_MAX_AGE = b"600"
API_PREFIXES = ("/feeds/", "/api/")
API_PATHS = frozenset({*GRAPHQL_PATHS, "/health"})


@dataclass(frozen=True)
class CorsPolicy:
    any_origin: bool
    origins: frozenset[str]
    credentials: bool

    @classmethod
    def from_settings(cls, settings: Settings) -> CorsPolicy:
        return cls.parse(settings.cors_origins, settings.cors_allow_credentials)

    @classmethod
    def parse(cls, value: str, credentials: bool = False) -> CorsPolicy:
        entries = [e.strip() for e in value.split(",") if e.strip()]
        if "*" in entries:
            if len(entries) > 1:
                raise ConfigurationError("NBA_TRACKER_CORS_ORIGINS: '*' cannot be combined")
            if credentials:
                raise ConfigurationError(
                    "NBA_TRACKER_CORS_ALLOW_CREDENTIALS needs a list of origins, not '*'"
                )
            return cls(True, frozenset(), False)
        origins = set()
        for entry in entries:
            parts = urlsplit(entry)
            if (
                parts.scheme not in {"http", "https"}
                or not parts.hostname
                or parts.path not in {"", "/"}
                or parts.query
                or parts.fragment
            ):
                raise ConfigurationError(
                    f"NBA_TRACKER_CORS_ORIGINS: {entry!r} is not an origin like "
                    "https://example.com or http://localhost:8080"
                )
            origins.add(f"{parts.scheme}://{parts.netloc}".lower())
        return cls(False, frozenset(origins), credentials)

    def allows(self, origin: str) -> bool:
        return self.any_origin or origin.lower() in self.origins

    def headers(self, origin: str) -> list[tuple[bytes, bytes]]:
        if self.any_origin:
            return [(b"access-control-allow-origin", b"*")]
        out = [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin")]
        if self.credentials:
            out.append((b"access-control-allow-credentials", b"true"))
        return out


def is_api(path: str, method: str) -> bool:
    if path == "/" and method in {"GET", "HEAD"}:
        return False  # the page, not GraphQL
    return path in API_PATHS or path.startswith(API_PREFIXES)


class Cors:
    """Answers preflights and marks API responses readable by the allowed origins."""

    def __init__(self, app: ASGIApp, policy: CorsPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_api(scope["path"], scope["method"]):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        origin = headers.get(b"origin", b"").decode("latin-1")
        if not origin:
            await self.app(scope, receive, send)
            return
        requested = headers.get(b"access-control-request-method")
        if scope["method"] == "OPTIONS" and requested is not None:
            await self._preflight(send, origin, requested, headers)
            return
        if not self.policy.allows(origin):
            # Answered as usual, without the headers: the browser keeps it from the page.
            await self.app(scope, receive, send)
            return
        extra = [*self.policy.headers(origin), (b"access-control-expose-headers", EXPOSED_HEADERS)]

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _preflight(
        self, send: Send, origin: str, method: bytes, headers: dict[bytes, bytes]
    ) -> None:
        asked = {
            h.strip().lower()
            for h in headers.get(b"access-control-request-headers", b"")
            .decode("latin-1")
            .split(",")
            if h.strip()
        }
        refused = None
        if not self.policy.allows(origin):
            refused = f"origin {origin} is not allowed"
        elif method.decode("latin-1").upper() not in {"GET", "POST"}:
            refused = f"method {method.decode('latin-1')} is not allowed"
        elif asked - ALLOWED_HEADERS:
            refused = f"headers {', '.join(sorted(asked - ALLOWED_HEADERS))} are not allowed"
        if refused:
            body = refused.encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        allow_headers = ", ".join(sorted(asked or ALLOWED_HEADERS)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 204,
                "headers": [
                    *self.policy.headers(origin),
                    (b"access-control-allow-methods", METHODS.encode()),
                    (b"access-control-allow-headers", allow_headers),
                    (b"access-control-max-age", PREFLIGHT_MAX_AGE),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})
