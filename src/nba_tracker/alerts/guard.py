"""Receivers are untrusted: where an alert may be sent, and the client that sends it.

A subscription's URL is checked when it is added and again by the client at connection
time, with the fetcher's own rules (:mod:`nba_tracker.ingest.address_guard`): the host as
written, then every address it resolves to must be public, and the connection is made to
an address that was checked. https only; redirects are never followed (a 3xx is a failed
delivery); timeouts are short and a response body is read to a cap, so a slow or chatty
receiver costs one task a few seconds, never the collection.

``loopback`` mode (``NBA_TRACKER_ALERTS_ALLOW_LOOPBACK``) lets ``http://`` and this
machine's own addresses through, for tests and a laptop; private and link-local
addresses stay refused.

The client is aiohttp's, not httpx's (which the fetcher uses): with the dispatcher's 64
sends in flight httpx's connection pool falls to ~90 posts per second on loopback where
aiohttp keeps thousands (encode/httpx#3215; both measured by ``make bench-alerts``), and
a collection that owes 1,600 alerts must reach its receivers within a second.
"""

from __future__ import annotations

import json
import re
import socket
from dataclasses import dataclass

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult

from nba_tracker.domain.alerts import Channel
from nba_tracker.ingest.address_guard import (
    AddressRefused,
    check_resolved,
    literal_address,
    refusal,
)

__all__ = [
    "MAX_RESPONSE_BYTES",
    "AlertClient",
    "Answer",
    "SendTimedOut",
    "SendFailed",
    "TargetRefused",
    "check_target",
    "make_client",
]

MAX_RESPONSE_BYTES = 16 * 1024
MAX_TARGET_CHARS = 2048
_SNS_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$")


class TargetRefused(ValueError):
    """The channel's target cannot be used; the message says why."""


def _is_loopback(host: str) -> bool:
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    address = literal_address(name)
    return address is not None and address.is_loopback


def check_url(url: str, loopback: bool) -> str:
    """``url`` when an alert may be posted to it, else :class:`TargetRefused`."""
    if len(url) > MAX_TARGET_CHARS:
        raise TargetRefused(f"the URL is over {MAX_TARGET_CHARS} characters")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise TargetRefused(f"not a URL: {exc}") from None
    if parsed.userinfo:
        raise TargetRefused("the URL may not carry a user name or password")
    host = parsed.host
    if loopback and _is_loopback(host) and parsed.scheme in ("http", "https"):
        return url
    if parsed.scheme != "https":
        raise TargetRefused("receivers must use https://")
    reason = refusal(host)
    if reason:
        raise TargetRefused(reason.replace("refused: ", "refused: receiver "))
    return url


def check_target(channel: Channel, target: str, loopback: bool) -> str:
    """The target normalised, or :class:`TargetRefused` saying what is wrong with it."""
    target = target.strip()
    if channel == Channel.SNS:
        if not _SNS_ARN.match(target):
            raise TargetRefused("an SNS target is a topic ARN: arn:aws:sns:REGION:ACCOUNT:NAME")
        return target
    if channel == Channel.WEBPUSH:
        try:
            sub = json.loads(target)
            endpoint = sub["endpoint"]
            keys = sub["keys"]
            assert isinstance(endpoint, str) and keys["p256dh"] and keys["auth"]
        except (ValueError, KeyError, TypeError, AssertionError):
            raise TargetRefused(
                'a Web Push target is the browser\'s PushSubscription JSON: {"endpoint": …, '
                '"keys": {"p256dh": …, "auth": …}}'
            ) from None
        check_url(endpoint, loopback)
        return json.dumps(
            {"endpoint": endpoint, "keys": {"p256dh": keys["p256dh"], "auth": keys["auth"]}}
        )
    check_url(target, loopback)
    if channel == Channel.DISCORD and not loopback:
        host = httpx.URL(target).host
        if host not in ("discord.com", "discordapp.com") and not host.endswith(".discord.com"):
            raise TargetRefused("a Discord webhook is on discord.com")
    if channel == Channel.SLACK and not loopback and httpx.URL(target).host != "hooks.slack.com":
        raise TargetRefused("a Slack incoming webhook is on hooks.slack.com")
    return target


class GuardedResolver(AbstractResolver):
    """aiohttp's resolver, then every address checked: a name that resolves to this
    machine or a private network (DNS rebinding included) is refused before connecting,
    and aiohttp connects to one of the addresses returned here."""

    def __init__(self) -> None:
        self._inner = aiohttp.ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        reason = refusal(host)
        if reason:
            raise AddressRefused(reason)
        results = await self._inner.resolve(host, port, family)
        check_resolved(host, (r["host"] for r in results))
        return results

    async def close(self) -> None:
        await self._inner.close()


@dataclass(frozen=True)
class Answer:
    status: int
    retry_after: str | None


class SendTimedOut(Exception):
    """The receiver did not answer within the timeout."""


class SendFailed(Exception):
    """No answer: the connection could not be made or broke."""


class AlertClient:
    """Posts one body and returns the receiver's status, reading at most
    :data:`MAX_RESPONSE_BYTES` of its answer. Raises :class:`AddressRefused`,
    :class:`SendTimedOut` or :class:`SendFailed`; never follows a redirect.

    The session is made on first use, inside the event loop that will use it."""

    def __init__(self, timeout: float, concurrency: int, loopback: bool) -> None:
        self._timeout = aiohttp.ClientTimeout(
            total=timeout, connect=min(timeout, 3.0), sock_connect=min(timeout, 3.0)
        )
        self._concurrency = concurrency
        self._guarded = not loopback
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self._concurrency,
                resolver=GuardedResolver() if self._guarded else None,
                # Two dispatchers or a new DNS answer: addresses are checked per lookup.
                use_dns_cache=not self._guarded,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=self._timeout,
                headers={"User-Agent": "NBATradeTracker-Alerts/0.1"},
                auto_decompress=False,
            )
        return self._session

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> Answer:
        if self._guarded:
            # aiohttp does not resolve an address written as one: checked here instead.
            reason = refusal(httpx.URL(url).host)
            if reason:
                raise AddressRefused(reason)
        session = self._open()
        try:
            async with session.post(
                url, data=body, headers=headers, allow_redirects=False
            ) as response:
                read = 0
                async for chunk in response.content.iter_any():
                    read += len(chunk)
                    if read > MAX_RESPONSE_BYTES:
                        break  # what the receiver says is not worth more than the cap
                return Answer(response.status, response.headers.get("Retry-After"))
        except TimeoutError:
            raise SendTimedOut() from None
        except aiohttp.ClientError as exc:
            raise SendFailed(type(exc).__name__) from exc

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def make_client(timeout: float, concurrency: int, loopback: bool) -> AlertClient:
    """No redirects, short timeouts; outside loopback mode every connection goes through
    the address guard after DNS resolution."""
    return AlertClient(timeout, concurrency, loopback)
