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

``serve --workers N`` (:func:`serve_workers`): N forked processes accept on one port
(a socket each, SO_REUSEPORT); the first alone collects and dispatches alerts.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import logging
import os
import resource
import signal
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

import h11
import structlog
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = [
    "RepeatFilter",
    "ServerLimits",
    "guarded_protocol",
    "install_repeat_filter",
    "serve_workers",
]

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


# --- serve --workers N -----------------------------------------------------------------

STARTUP_FAILURE = 3  # uvicorn's exit status for a server that could not start
_STOPS = frozenset({signal.SIGTERM, signal.SIGINT})
_WATCHED = _STOPS | {signal.SIGCHLD}
_PR_SET_PDEATHSIG = 1


def serve_workers(
    count: int,
    host: str,
    port: int,
    build_app: Callable[[bool], Any],
    options: dict[str, Any],
    stop_timeout: float = 30.0,
) -> int:
    """Bind ``host:port`` here, then fork ``count`` workers that each run uvicorn on it
    with ``build_app(first)``'s application, ``first`` true for worker 0 only; supervise
    them until SIGTERM or SIGINT. Returns the exit status: 0 once every worker has
    stopped on request, non-zero when one stopped by itself.

    Forked rather than uvicorn's own ``workers=``, whose supervisor spawns fresh
    interpreters that import the application from a string and receive the Config
    pickled: every worker would be the same, with nothing to tell the one that collects
    and sends alerts from the others; the guarded protocol, a class built at run time
    from the limits, cannot be pickled; and each worker would import everything again
    and hold its own start-up heap, where forked workers share the parent's, frozen
    before the fork so that no worker's garbage collector writes to (and so copies)
    those pages."""
    import uvicorn

    try:
        sockets = _listen(host, port, count)
    except OSError as exc:
        _log.error("Cannot listen on %s port %d: %s", host, port, exc)
        return STARTUP_FAILURE
    shown = f"[{host}]" if sockets[0].family == socket.AF_INET6 else host
    port = sockets[0].getsockname()[1]
    _log.info("Uvicorn running on http://%s:%d with %d workers", shown, port, count)

    def run(index: int) -> None:
        sock = sockets[index]
        for other in sockets:
            if other is not sock:
                other.close()
        structlog.contextvars.bind_contextvars(worker=index)
        app = build_app(index == 0)
        gc.collect()
        gc.freeze()
        server = uvicorn.Server(uvicorn.Config(app, **options))
        server.run(sockets=[sock])
        if not server.started:
            raise SystemExit(STARTUP_FAILURE)

    gc.collect()
    gc.freeze()
    try:
        return _fork_and_supervise(count, run, stop_timeout, sockets)
    finally:
        for sock in sockets:
            sock.close()


def _listen(host: str, port: int, count: int) -> list[socket.socket]:
    """One listening socket per worker, all on ``host:port`` with SO_REUSEPORT: the
    kernel spreads new connections evenly across them. On one shared socket every
    worker is woken for each connection and the first one awake accepts all that are
    waiting (asyncio accepts up to its backlog per wake-up), so a burst of keep-alive
    connections (wrk's 32, a load balancer's pool) lands on one worker while the others
    idle: 0.75 and 0.01 cores measured under wrk, against 0.39 and 0.42 with a socket
    each.
    Listening before the workers start: a connection made while they import and build
    the app waits in a backlog instead of being refused."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    if port:
        # SO_REUSEPORT would also let this server join another one already listening
        # here (a second `serve` of the same user) and share its connections unnoticed:
        # a plain bind fails first, as one process's does.
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sockets.append(
                socket.create_server((host, port), family=family, backlog=2048, reuse_port=True)
            )
            port = sockets[0].getsockname()[1]
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def _fork_and_supervise(
    count: int, run: Callable[[int], None], stop_timeout: float, sockets: list[socket.socket]
) -> int:
    parent = os.getpid()
    children: dict[int, int] = {}  # pid -> worker index
    # Blocked from before the first fork and taken by sigtimedwait below, never by a
    # handler: a SIGTERM that arrives while the workers are being forked waits for the
    # loop instead of killing the parent and leaving the workers orphaned; a child starts
    # with the mask and lifts it itself.
    signal.pthread_sigmask(signal.SIG_BLOCK, _WATCHED)
    try:
        for index in range(count):
            pid = os.fork()
            if pid == 0:
                _worker(index, parent, run)
            children[pid] = index
        # Each socket is its worker's alone from here: one that exits takes its socket
        # out of the kernel's spread at once.
        for sock in sockets:
            sock.close()
        return _supervise(children, stop_timeout)
    except BaseException:
        _signal(children, signal.SIGKILL)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        raise
    finally:
        # A signal that came after the last worker exited has nothing left to stop; left
        # pending, SIGTERM's default action would kill the parent on unblocking.
        while signal.sigtimedwait(_WATCHED, 0) is not None:
            pass
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _WATCHED)


def _worker(index: int, parent: int, run: Callable[[int], None]) -> NoReturn:
    code = 1
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _WATCHED)
        _stop_with_parent()
        if os.getppid() != parent:  # the parent died before the line above
            code = 0
        else:
            run(index)
            code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    except KeyboardInterrupt:  # a terminal's Ctrl-C before uvicorn took SIGINT over
        code = 0
    except BaseException:
        _log.critical("Worker %d failed", index, exc_info=True)
    finally:
        # Never back into the parent's stack (Typer, its exit handlers): this process
        # ends here.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


def _stop_with_parent() -> None:
    """A parent killed outright (SIGKILL, the OOM killer) takes its workers with it: they
    get SIGTERM and shut down as on request, instead of serving on unsupervised."""
    if sys.platform != "linux":
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM))


def _supervise(children: dict[int, int], stop_timeout: float) -> int:
    """Until every worker has exited. A worker that stops without being asked (a crash,
    the OOM killer, a failed start-up) stops the others and the whole server exits
    non-zero, as one process would: the service manager restarts it, rather than a
    server answering its health check on fewer workers than it was given, or none
    collecting."""
    status = 0
    deadline: float | None = None
    killed = False
    while children:
        received = signal.sigtimedwait(_WATCHED, 1.0)
        if received is not None and received.si_signo in _STOPS:
            if deadline is None:
                _log.info("Stopping %d workers", len(children))
                deadline = time.monotonic() + stop_timeout
                # SIGTERM whichever signal came: a terminal's Ctrl-C reaches the workers
                # too, and a second SIGINT would make uvicorn drop its connections.
                _signal(children, signal.SIGTERM)
            else:  # asked twice: uvicorn's own "force quit"
                _signal(children, signal.SIGINT)
        for pid in list(children):
            try:
                done, wait_status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, wait_status = pid, 0
            if done == 0:
                continue
            index = children.pop(pid)
            code = os.waitstatus_to_exitcode(wait_status)
            if deadline is None:
                _log.error(
                    "Worker %d (pid %d) exited with status %d: stopping the others",
                    index,
                    pid,
                    code,
                )
                status = code if code > 0 else 1
                deadline = time.monotonic() + stop_timeout
                _signal(children, signal.SIGTERM)
        if deadline is not None and not killed and children and time.monotonic() > deadline:
            _log.error("Workers %s did not stop in %g s: killed", sorted(children), stop_timeout)
            _signal(children, signal.SIGKILL)
            killed = True
    return status


def _signal(children: dict[int, int], signum: int) -> None:
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)
