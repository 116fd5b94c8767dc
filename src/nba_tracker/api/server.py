"""How ``nba-tracker serve`` runs uvicorn so that slow or idle clients cannot hold it.

Uvicorn on its own never times out a connection that has not finished its request: one
that sends nothing, or its headers a byte a minute, or its body one byte at a time,
keeps its socket (and under a file-descriptor limit, the whole server) forever. Here:

* **header deadline**: a request's line and headers must arrive within
  ``header_timeout`` of the connection opening or of the previous response;
* **body deadline**: its body within ``body_timeout`` of the headers;
* **keep-alive**: an idle kept-alive connection is closed after ``keep_alive``;
* **connection ceiling**: at ``max_connections`` open connections, a new one takes the
  place of the connection that has waited longest without a request under way (idle,
  or trickling its headers); when every one is busy with a request, the new one is
  answered ``503`` and closed. The ceiling stays below the process's file-descriptor
  limit, so accepting never fails for want of descriptors, and a flood of idle sockets
  cannot lock out a health check;
* **repeated errors**: the same warning or error line is logged once per
  ``window`` seconds with a count, not thousands of times a second.

Figures of the probe these defend against are in docs/reliability.md.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from dataclasses import dataclass
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["RepeatFilter", "ServerLimits", "guarded_protocol", "install_repeat_filter"]

# Descriptors kept free for what is not a client connection: the database pool, feed
# fetches, log files, the listening socket.
FD_RESERVE = 128


@dataclass(frozen=True)
class ServerLimits:
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    keep_alive: float = 5.0
    max_connections: int = 1000

    def bounded_by_fd_limit(self) -> ServerLimits:
        """``max_connections`` lowered below the soft RLIMIT_NOFILE, less the reserve."""
        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft == resource.RLIM_INFINITY:
            return self
        ceiling = max(16, soft - FD_RESERVE)
        return ServerLimits(
            self.header_timeout,
            self.body_timeout,
            self.keep_alive,
            min(self.max_connections, ceiling),
        )


_TIMEOUT_408 = b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
_FULL_503 = (
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"retry-after: 1\r\ncontent-length: 32\r\nconnection: close\r\n\r\n"
    b"server busy; retry in a moment\r\n"
)


def guarded_protocol(limits: ServerLimits) -> type[H11Protocol]:
    """Uvicorn's h11 protocol with the read deadlines and the connection ceiling."""

    class GuardedH11Protocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None
        _reading_body = False
        _idle_since = 0.0

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._idle_since = time.monotonic()
            if len(self.connections) > limits.max_connections and not self._evict_one():
                self.transport.write(_FULL_503)
                self.transport.close()
                _log.warning("Connection refused: every connection is busy with a request")
                return
            self._arm(limits.header_timeout)

        def _waiting(self) -> bool:
            """No request under way: idle, or its request line and headers unfinished."""
            return self.conn.their_state is h11.IDLE and (
                self.cycle is None or self.cycle.response_complete
            )

        def _evict_one(self) -> bool:
            waiting = [
                c
                for c in self.connections
                if c is not self
                and isinstance(c, GuardedH11Protocol)
                and c._waiting()
                and not c.transport.is_closing()
            ]
            if not waiting:
                return False
            oldest = min(waiting, key=lambda c: c._idle_since)
            oldest._disarm()
            oldest.transport.close()
            self.connections.discard(oldest)
            return True

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def handle_events(self) -> None:
            super().handle_events()
            state = self.conn.their_state
            if state is h11.SEND_BODY and not self._reading_body:
                self._reading_body = True
                self._arm(limits.body_timeout)
            elif state in {h11.DONE, h11.MUST_CLOSE, h11.CLOSED, h11.ERROR}:
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                # The next request on this connection gets its own header deadline
                # (uvicorn's keep-alive timer stops at its first byte).
                self._reading_body = False
                self._idle_since = time.monotonic()
                self._arm(limits.header_timeout)

        def _arm(self, seconds: float) -> None:
            self._disarm()
            self._deadline = self.loop.call_later(seconds, self._expire)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _expire(self) -> None:
            self._deadline = None
            if self.transport.is_closing():
                return
            if self.conn.our_state is h11.IDLE:
                self.transport.write(_TIMEOUT_408)
            if self.cycle is not None and not self.cycle.response_complete:
                self.cycle.disconnected = True
                self.cycle.message_event.set()
            self.transport.close()

    return GuardedH11Protocol


_log = logging.getLogger("nba_tracker.server")


class RepeatFilter(logging.Filter):
    """Lets a WARNING-or-worse line through once per ``window`` seconds per (logger,
    level, first line of the message and its fields); the next one through says how many
    were held back.
    INFO and below (the per-request log) always pass."""

    def __init__(self, window: float = 10.0, max_keys: int = 1000) -> None:
        super().__init__()
        self.window = window
        self.max_keys = max_keys
        self._seen: dict[tuple[str, int, str], tuple[float, int]] = {}

    @staticmethod
    def _text(record: logging.LogRecord) -> str:
        msg: Any = record.msg
        if isinstance(msg, dict):
            # structlog's event dict: the same event about another feed is another line.
            msg = repr(sorted((k, str(v)) for k, v in msg.items() if k != "timestamp"))
        return str(msg).split("\n", 1)[0][:300]

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        key = (record.name, record.levelno, self._text(record))
        now = time.monotonic()
        last = self._seen.get(key)
        if last is not None and now - last[0] < self.window:
            self._seen[key] = (last[0], last[1] + 1)
            return False
        if len(self._seen) >= self.max_keys:
            self._seen.clear()
        self._seen[key] = (now, 0)
        if last is not None and last[1]:
            held = f"repeated {last[1]} more times in {self.window:g} s"
            if isinstance(record.msg, dict):
                record.msg = {**record.msg, "repeated": last[1]}
            else:
                record.msg = f"{record.msg} ({held})"
        return True


def install_repeat_filter(window: float = 10.0) -> RepeatFilter:
    """On every root handler, so records of every logger (asyncio's accept-loop errors
    included) pass through it."""
    repeat = RepeatFilter(window)
    for handler in logging.getLogger().handlers:
        handler.addFilter(repeat)
    return repeat
