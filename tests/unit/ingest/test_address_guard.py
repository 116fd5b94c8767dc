"""Every spelling of a non-public address is refused before any lookup; public ones pass."""

from __future__ import annotations

import pytest

from nba_tracker.ingest.address_guard import AddressRefused, check_resolved, refusal


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "LOCALHOST.",
        "api.localhost",
        "ip6-localhost",
        "127.0.0.1",
        "127.1",
        "2130706433",
        "0x7f000001",
        "0177.0.0.1",
        "0.0.0.0",
        "0",
        "[::1]",
        "::",
        "[::ffff:127.0.0.1]",
        "::ffff:7f00:1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "fe80::1%eth0",
        "fd00::1",
        "224.0.0.1",
        "2002:7f00:1::",
    ],
)
def test_non_public_spellings_are_refused(host: str) -> None:
    assert refusal(host), host


@pytest.mark.parametrize("host", ["www.espn.com", "93.184.216.34", "[2606:4700::1111]", "8.8.8.8"])
def test_public_hosts_pass(host: str) -> None:
    assert refusal(host) is None


def test_a_name_resolving_to_a_private_address_is_refused_after_lookup() -> None:
    assert check_resolved("feeds.example", ["93.184.216.34"]) == ["93.184.216.34"]
    with pytest.raises(AddressRefused, match="resolves to 10.0.0.7"):
        check_resolved("feeds.example", ["93.184.216.34", "10.0.0.7"])
    with pytest.raises(AddressRefused):
        check_resolved("feeds.example", [])
