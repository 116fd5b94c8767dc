"""Which receivers an alert may be sent to."""

from __future__ import annotations

import json

import pytest

from nba_tracker.alerts.channels import retry_after_seconds
from nba_tracker.alerts.guard import TargetRefused, check_target
from nba_tracker.domain.alerts import Channel


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://hooks.example.com/x", "https://"),
        ("https://127.0.0.1/x", "loopback"),
        ("https://2130706433/x", "loopback"),
        ("https://10.0.0.8/x", "private"),
        ("https://[fe80::1%25eth0]/x", "link-local"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://localhost:8443/x", "loopback name"),
        ("https://user:pw@hooks.example.com/x", "user name"),
        ("ftp://hooks.example.com/x", "https://"),
    ],
)
def test_webhook_urls_refused(url: str, reason: str) -> None:
    with pytest.raises(TargetRefused, match=reason):
        check_target(Channel.WEBHOOK, url, loopback=False)


def test_loopback_mode_allows_this_machine_only() -> None:
    assert check_target(Channel.WEBHOOK, "http://127.0.0.1:8080/x", loopback=True)
    with pytest.raises(TargetRefused, match="private"):
        check_target(Channel.WEBHOOK, "https://192.168.1.2/x", loopback=True)
    with pytest.raises(TargetRefused, match="https://"):
        check_target(Channel.WEBHOOK, "http://hooks.example.com/x", loopback=True)


def test_channel_specific_targets() -> None:
    assert check_target(Channel.WEBHOOK, "https://hooks.example.com/x", loopback=False)
    with pytest.raises(TargetRefused, match="discord.com"):
        check_target(Channel.DISCORD, "https://evil.example/api/webhooks/1/x", loopback=False)
    with pytest.raises(TargetRefused, match="hooks.slack.com"):
        check_target(Channel.SLACK, "https://evil.example/services/x", loopback=False)
    assert check_target(Channel.SNS, "arn:aws:sns:ap-northeast-1:123456789012:alerts", False)
    with pytest.raises(TargetRefused, match="topic ARN"):
        check_target(Channel.SNS, "arn:aws:sqs:ap-northeast-1:123456789012:q", False)
    with pytest.raises(TargetRefused, match="PushSubscription"):
        check_target(Channel.WEBPUSH, '{"endpoint": "https://push.example/x"}', False)
    push = json.dumps({"endpoint": "https://10.0.0.1/push", "keys": {"p256dh": "a", "auth": "b"}})
    with pytest.raises(TargetRefused, match="private"):
        check_target(Channel.WEBPUSH, push, False)


def test_retry_after_forms() -> None:
    assert retry_after_seconds("12") == 12.0
    assert retry_after_seconds("-3") == 0.0
    assert retry_after_seconds("999999") == 3600.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_resolver_refuses_a_name_that_resolves_to_this_machine() -> None:
    """DNS rebinding: a public-looking name whose answer is loopback or private gets no
    connection; a public answer is passed on for aiohttp to connect to."""
    import asyncio
    import socket

    from nba_tracker.alerts.guard import GuardedResolver
    from nba_tracker.ingest.address_guard import AddressRefused

    class Answers:
        def __init__(self, *addresses: str) -> None:
            self.addresses = addresses

        async def resolve(self, host: str, port: int, family: int) -> list[dict[str, object]]:
            return [
                {
                    "hostname": host,
                    "host": a,
                    "port": port,
                    "family": socket.AF_INET,
                    "proto": 0,
                    "flags": 0,
                }
                for a in self.addresses
            ]

        async def close(self) -> None:
            return None

    async def resolve(*addresses: str) -> list[str]:
        resolver = GuardedResolver()
        await resolver.close()
        resolver._inner = Answers(*addresses)  # type: ignore[assignment]
        return [r["host"] for r in await resolver.resolve("hooks.example.com", 443)]

    assert asyncio.run(resolve("93.184.215.14")) == ["93.184.215.14"]
    for answer in (("127.0.0.1",), ("93.184.215.14", "10.1.2.3"), ("169.254.169.254",)):
        with pytest.raises(AddressRefused, match="resolves to"):
            asyncio.run(resolve(*answer))
