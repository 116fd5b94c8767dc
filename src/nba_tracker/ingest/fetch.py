"""Fetch feeds concurrently with a bound: per-feed deadline and size cap, retries with
backoff on timeouts and 5xx, conditional GET, a real User-Agent.

A failure is a :class:`FetchResult` with a short, classified ``error`` ("timeout",
"HTTP 404", "cannot connect" …: public fields show it, so it carries no driver text,
address or path); it never raises, so one broken feed cannot stop the others.

Only public addresses are fetched, first request and every redirect. A feed marked
``allow_private`` may be on a private host: that host and port only, its redirects
elsewhere are checked like any other; ``FetchOptions.allow_private`` lifts the check for
every feed. See :mod:`nba_tracker.ingest.address_guard`.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, replace

import httpcore
import httpx

from nba_tracker.errors import FeedError, FeedTooLarge
from nba_tracker.ingest.address_guard import AddressRefused, GuardedBackend, refusal
from nba_tracker.ingest.registry import FeedSpec, read_local_feed
from nba_tracker.observability import get_logger
from nba_tracker.settings import Settings

log = get_logger(__name__)
RETRY_STATUS = frozenset({500, 502, 503, 504, 429})
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class FetchOptions:
    """How feeds are fetched. The defaults are ``Settings``' (``fetch_*``, ``user_agent``):
    build it with :func:`fetch_options`."""

    timeout: float
    max_bytes: int
    concurrency: int
    retries: int
    user_agent: str
    # Every feed may be on a loopback/private address (a tracker inside a private
    # network, or a test's loopback feed server).
    allow_private: bool
    backoff: float = 0.5


def fetch_options(settings: Settings) -> FetchOptions:
    # Here, not in the pipeline: `nba-tracker parse` fetches without the store.
    return FetchOptions(
        timeout=settings.fetch_timeout,
        max_bytes=settings.fetch_max_bytes,
        concurrency=settings.fetch_concurrency,
        retries=settings.fetch_retries,
        user_agent=settings.user_agent,
        allow_private=settings.fetch_allow_private,
    )


@dataclass(frozen=True)
class Validators:
    """What the previous fetch of a feed told us, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchResult:
    spec: FeedSpec
    body: bytes | None = None
    status_code: int | None = None
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


def _read_local(spec: FeedSpec, max_bytes: int) -> FetchResult:
    try:
        return FetchResult(spec, body=read_local_feed(spec, max_bytes), status_code=200)
    except FeedError as exc:
        return FetchResult(spec, error=str(exc))


async def _get_once(
    client: httpx.AsyncClient, spec: FeedSpec, headers: dict[str, str], max_bytes: int
) -> FetchResult:
    async with client.stream("GET", spec.url, headers=headers) as response:
        if response.status_code == 304:
            return FetchResult(spec, status_code=304, not_modified=True)
        if response.status_code >= 400:
            return FetchResult(
                spec,
                status_code=response.status_code,
                error=f"HTTP {response.status_code}",
            )
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise FeedTooLarge(f"too large: over the {max_bytes:,}-byte cap")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_raw():
            size += len(chunk)
            if size > max_bytes:
                raise FeedTooLarge(f"too large: over the {max_bytes:,}-byte cap")
            chunks.append(chunk)
        body = b"".join(chunks)
        encoding = response.headers.get("content-encoding", "").lower()
        if encoding and encoding != "identity":
            body = _decompress(body, encoding, max_bytes)
        return FetchResult(
            spec,
            body=body,
            status_code=response.status_code,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            content_type=response.headers.get("content-type"),
        )


def _decompress(body: bytes, encoding: str, max_bytes: int) -> bytes:
    """Decode gzip/deflate ourselves so a compression bomb cannot pass the size cap."""
    import zlib

    if encoding not in {"gzip", "x-gzip", "deflate"}:
        return body
    wbits = 16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS
    decoder = zlib.decompressobj(wbits)
    out = decoder.decompress(body, max_bytes + 1)
    if len(out) > max_bytes or decoder.unconsumed_tail:
        raise FeedTooLarge(f"too large: decompressed over the {max_bytes:,}-byte cap")
    return out


def _describe(exc: BaseException, timeout: float) -> str:
    """A short class of failure: what an operator needs, nothing a prober could use to
    map a network (no addresses, ports, resolver or TLS library text)."""
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, httpx.TooManyRedirects):
        return f"too many redirects (more than {MAX_REDIRECTS}; a redirect loop?)"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "refused a non-HTTP URL or redirect"
    if isinstance(exc, AddressRefused):
        return REFUSED
    if isinstance(exc, httpx.ConnectError):
        return "cannot connect"
    if isinstance(exc, FeedTooLarge):
        return str(exc)
    if isinstance(exc, httpx.RemoteProtocolError):
        return "invalid HTTP response"
    if isinstance(exc, httpx.HTTPError):
        return "fetch failed"
    return "fetch failed (unexpected error)"


REFUSED = "refused: not a public address"


async def fetch_one(
    client: httpx.AsyncClient, spec: FeedSpec, validators: Validators, options: FetchOptions
) -> FetchResult:
    started = time.monotonic()
    if spec.is_local:
        result = await asyncio.to_thread(_read_local, spec, options.max_bytes)
        return _timed(result, started)
    reason = None if options.allow_private or spec.allow_private else refusal(_host(spec.url))
    if reason:
        log.warning("Fetch refused", feed=spec.name, detail=reason)
        return _timed(FetchResult(spec, error=REFUSED), started)
    headers = {}
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    attempt = 0
    while True:
        try:
            async with asyncio.timeout(options.timeout):
                result = await _get_once(client, spec, headers, options.max_bytes)
            retryable = result.status_code in RETRY_STATUS
        except (TimeoutError, httpx.TimeoutException, httpx.TransportError) as exc:
            result = FetchResult(spec, error=_describe(exc, options.timeout))
            retryable = not isinstance(exc, httpx.UnsupportedProtocol | httpx.TooManyRedirects)
        except AddressRefused as exc:
            # The detail (which address, after which lookup) is for the operator's log only.
            log.warning("Fetch refused", feed=spec.name, detail=str(exc))
            result = FetchResult(spec, error=_describe(exc, options.timeout))
            retryable = False
        except (FeedTooLarge, httpx.HTTPError) as exc:
            result = FetchResult(spec, error=_describe(exc, options.timeout))
            retryable = False
        if result.ok or not retryable or attempt >= options.retries:
            return _timed(result, started)
        attempt += 1
        # Exponential backoff with jitter so a struggling host is not hit in lockstep.
        await asyncio.sleep(options.backoff * 2 ** (attempt - 1) * (0.5 + random.random()))


def _timed(result: FetchResult, started: float) -> FetchResult:
    return replace(result, seconds=round(time.monotonic() - started, 3))


def _host(url: str) -> str:
    try:
        return httpx.URL(url).host
    except httpx.InvalidURL:
        return ""


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport on a connection pool whose every connection, redirects
    included, goes through :class:`GuardedBackend`."""

    def __init__(self, limits: httpx.Limits, allowed: tuple[str, int] | None = None) -> None:
        super().__init__(limits=limits)
        # httpx offers no parameter for the network backend; the pool it built is
        # replaced by the same pool on the guarded backend.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(allowed=allowed),
        )


def make_client(options: FetchOptions, allowed_url: str | None = None) -> httpx.AsyncClient:
    """Unless ``options.allow_private``, the client connects to public addresses only
    (checked after DNS resolution, for the first request and every redirect), and to the
    host and port of ``allowed_url`` (an explicitly local feed)."""
    limits = httpx.Limits(
        max_connections=options.concurrency, max_keepalive_connections=options.concurrency
    )
    allowed = None
    if allowed_url:
        parsed = httpx.URL(allowed_url)
        allowed = (parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80))
    return httpx.AsyncClient(
        headers={
            "User-Agent": options.user_agent,
            "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
            "text/xml;q=0.8, */*;q=0.5",
            # Compressed bodies are decoded by _decompress, within the size cap.
            "Accept-Encoding": "gzip, deflate",
        },
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        timeout=httpx.Timeout(options.timeout),
        limits=limits,
        transport=None if options.allow_private else GuardedTransport(limits, allowed),
    )


async def fetch_each(
    specs: Iterable[tuple[FeedSpec, Validators]],
    options: FetchOptions,
    client: httpx.AsyncClient | None = None,
) -> AsyncIterator[FetchResult]:
    """Fetch every feed, at most ``options.concurrency`` at a time, yielding each result
    as soon as it arrives so the caller can store one feed while others download."""
    semaphore = asyncio.Semaphore(options.concurrency)
    own_client = client is None
    http = client or make_client(options)
    # Each explicitly local feed gets a pool of its own: a connection it opened to its
    # private host must never be reused by another feed's redirect to that host.
    local_clients: dict[str, httpx.AsyncClient] = {}

    def client_for(spec: FeedSpec) -> httpx.AsyncClient:
        if not spec.allow_private or options.allow_private or not own_client:
            return http
        if spec.url not in local_clients:
            local_clients[spec.url] = make_client(options, allowed_url=spec.url)
        return local_clients[spec.url]

    async def bounded(spec: FeedSpec, validators: Validators) -> FetchResult:
        async with semaphore:
            try:
                return await fetch_one(client_for(spec), spec, validators, options)
            except Exception as exc:  # a bug in one feed's handling must not sink the run
                return FetchResult(spec, error=_describe(exc, options.timeout))

    tasks = [asyncio.ensure_future(bounded(s, v)) for s, v in specs]
    try:
        for next_done in asyncio.as_completed(tasks):
            yield await next_done
    finally:
        for task in tasks:
            task.cancel()
        if own_client:
            await http.aclose()
        for local in local_clients.values():
            await local.aclose()


async def fetch_all(
    specs: Iterable[tuple[FeedSpec, Validators]],
    options: FetchOptions,
    client: httpx.AsyncClient | None = None,
) -> list[FetchResult]:
    """Every result, in the order of ``specs``."""
    spec_list = list(specs)
    results = {id(r.spec): r async for r in fetch_each(spec_list, options, client)}
    return [results[id(spec)] for spec, _ in spec_list]
