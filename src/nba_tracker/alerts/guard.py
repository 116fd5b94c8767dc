"""Receivers are untrusted: where an alert may be sent, and the client that sends it.

A subscription's URL is checked when it is added and again by the client at connection
time (:class:`nba_tracker.ingest.fetch.GuardedTransport`, the fetcher's own guard: every
resolved address must be public, DNS rebinding included). https only; redirects are
never followed (a 3xx is a failed delivery); timeouts are short and a response body is
read to a cap, so a slow or chatty receiver costs one task a few seconds, never the
collection. ``loopback`` mode (``NBA_TRACKER_ALERTS_ALLOW_LOOPBACK``) lets ``http://`` and
this machine's own addresses through, for tests and a laptop; private and link-local
addresses stay refused.
"""

from __future__ import annotations

import json
import re

import httpx

from nba_tracker.domain.alerts import Channel
from nba_tracker.ingest.address_guard import literal_address, refusal
from nba_tracker.ingest.fetch import GuardedTransport

__all__ = ["MAX_RESPONSE_BYTES", "TargetRefused", "check_target", "make_client"]

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


def make_client(timeout: float, concurrency: int, loopback: bool) -> httpx.AsyncClient:
    """No redirects, short timeouts; outside loopback mode every connection goes through
    the address guard after DNS resolution."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(
        follow_redirects=False,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)),
        limits=limits,
        headers={"User-Agent": "NBATradeTracker-Alerts/0.1"},
        transport=None if loopback else GuardedTransport(limits),
    )
