"""Feeds are fetched from public addresses only, unless a feed is explicitly local.

A feed that answers ``302 Location: http://127.0.0.1:…`` (or names such a host itself)
would otherwise make the tracker fetch from its own machine or network and publish
the answer. Hosts are checked twice:

* as written, before any lookup, in every spelling an HTTP stack accepts: ``localhost``
  and its kin, dotted, decimal (``2130706433``), octal, hex and short IPv4
  (``127.1``), bracketed IPv6 with or without a zone, IPv4-mapped IPv6;
* after DNS resolution, at connection time, against every address the name resolves
  to, and the connection is made to the checked address, so a name that resolves to
  a public address when checked and to ``127.0.0.1`` when used (DNS rebinding) gets
  nowhere.

"Public" is :attr:`ipaddress.IPv4Address.is_global` (which excludes loopback, private,
link-local such as the 169.254.169.254 metadata service, carrier-grade NAT, unspecified
``0.0.0.0``/``::`` and reserved ranges), and never multicast.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import anyio
import httpcore

__all__ = ["AddressRefused", "GuardedBackend", "literal_address", "refusal"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_LOCAL_NAMES = frozenset(
    {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", "localhost6"}
)


class AddressRefused(Exception):
    """The feed (or a redirect) points at an address the tracker must not reach."""


def literal_address(host: str) -> IPAddress | None:
    """The address ``host`` spells, in any notation, or None when it is a name."""
    bare = host.strip().strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(bare.split("%", 1)[0])
    except ValueError:
        pass
    try:
        # inet_aton takes what the C resolver takes: 2130706433, 0x7f000001, 0177.1, 127.1.
        return ipaddress.IPv4Address(socket.inet_aton(bare))
    except (OSError, ValueError):
        return None


def _public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            return _public(embedded)
    return address.is_global and not address.is_multicast


def refusal(host: str) -> str | None:
    """Why ``host`` as written may not be fetched, or None when it may (so far)."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if not name:
        return "refused: the URL names no host"
    if name in _LOCAL_NAMES or name.endswith(".localhost"):
        return f"refused: {host} is this machine (a loopback name)"
    address = literal_address(name)
    if address is not None and not _public(address):
        return f"refused: {host} is not a public address ({_kind(address)})"
    return None


def check_resolved(host: str, addresses: Iterable[str]) -> list[str]:
    """``addresses`` when every one is public; else :class:`AddressRefused`. A name with
    one private address among public ones is refused: which one is used is not ours."""
    checked = list(dict.fromkeys(addresses))
    for text in checked:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if not _public(address):
            raise AddressRefused(f"refused: {host} resolves to {text} ({_kind(address)})")
    if not checked:
        raise AddressRefused(f"refused: {host} resolves to no address")
    return checked


def _kind(address: IPAddress) -> str:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    for attribute, label in (
        ("is_unspecified", "unspecified"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_private", "private"),
    ):
        if getattr(address, attribute):
            return label
    return "not globally routable"


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend with the after-resolution check: resolves the name
    itself, refuses any non-public answer, then connects to the address it checked.
    ``allowed`` is the one (host, port) an explicitly local feed may use."""

    def __init__(
        self,
        inner: httpcore.AsyncNetworkBackend | None = None,
        allowed: tuple[str, int] | None = None,
    ) -> None:
        self._inner = inner or httpcore.AnyIOBackend()
        self._allowed = allowed

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if self._allowed is not None and (host.lower(), port) == self._allowed:
            return await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        reason = refusal(host)
        if reason:
            raise AddressRefused(reason)
        try:
            with anyio.fail_after(timeout):
                infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc.strerror}") from exc
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
        addresses = check_resolved(host, (str(info[4][0]) for info in infos))
        last: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused("refused: feeds are never read from a Unix socket")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
