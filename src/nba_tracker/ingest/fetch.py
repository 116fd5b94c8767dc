"""Fetch feeds concurrently with a bound: per-feed deadline and size cap, retries with
backoff on timeouts and 5xx, conditional GET, a real User-Agent.

A failure is a :class:`FetchResult` with a clear ``error``; it never raises, so one
broken feed cannot stop the others.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from nba_tracker.errors import FeedTooLarge
from nba_tracker.ingest.registry import FeedSpec

RETRY_STATUS = frozenset({500, 502, 503, 504, 429})
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class FetchOptions:
    timeout: float = 10.0
    max_bytes: int = 5 * 1024 * 1024
    concurrency: int = 16
    retries: int = 2
    backoff: float = 0.5
    user_agent: str = "NBATradeTracker/0.1"


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
    path = Path(spec.url.removeprefix("file://"))
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return FetchResult(
                spec, error=f"file is {size:,} bytes, over the {max_bytes:,}-byte cap"
            )
        return FetchResult(spec, body=path.read_bytes(), status_code=200)
    except OSError as exc:
        return FetchResult(spec, error=f"cannot read file {path}: {exc.strerror or exc}")


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
                error=f"HTTP {response.status_code} {response.reason_phrase}".strip(),
            )
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise FeedTooLarge(f"body is {int(declared):,} bytes, over the {max_bytes:,}-byte cap")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_raw():
            size += len(chunk)
            if size > max_bytes:
                raise FeedTooLarge(f"body exceeds the {max_bytes:,}-byte cap")
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
        raise FeedTooLarge(f"decompressed body exceeds the {max_bytes:,}-byte cap")
    return out


def _describe(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, httpx.TooManyRedirects):
        return f"too many redirects (more than {MAX_REDIRECTS}; a redirect loop?)"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return f"refused a non-HTTP URL or redirect: {exc}"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {exc}"
    if isinstance(exc, FeedTooLarge):
        return str(exc)
    if isinstance(exc, httpx.HTTPError):
        return f"{type(exc).__name__}: {exc}"
    return f"unexpected {type(exc).__name__}: {exc}"


async def fetch_one(
    client: httpx.AsyncClient, spec: FeedSpec, validators: Validators, options: FetchOptions
) -> FetchResult:
    started = time.monotonic()
    if spec.is_local:
        result = await asyncio.to_thread(_read_local, spec, options.max_bytes)
        return _timed(result, started)
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


def make_client(options: FetchOptions) -> httpx.AsyncClient:
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
        limits=httpx.Limits(
            max_connections=options.concurrency, max_keepalive_connections=options.concurrency
        ),
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

    async def bounded(spec: FeedSpec, validators: Validators) -> FetchResult:
        async with semaphore:
            try:
                return await fetch_one(http, spec, validators, options)
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


async def fetch_all(
    specs: Iterable[tuple[FeedSpec, Validators]],
    options: FetchOptions,
    client: httpx.AsyncClient | None = None,
) -> list[FetchResult]:
    """Every result, in the order of ``specs``."""
    spec_list = list(specs)
    results = {id(r.spec): r async for r in fetch_each(spec_list, options, client)}
    return [results[id(spec)] for spec, _ in spec_list]
