"""One collection at a time across every process that shares the database, held by a
heartbeat so a hung collector cannot keep it.

PostgreSQL: a session-level advisory lock (up to 10 ECS tasks and the MWAA DAG share
one Aurora cluster). The holder's lock connection runs a trivial statement every
``lease / 4`` seconds, which moves its ``pg_stat_activity.state_change``; a waiter that
finds the holder's connection idle for longer than ``lease`` (the process was stopped,
or its host froze) terminates that backend, which releases the lock, and takes it.

SQLite: a lease file beside the database naming the holder (pid, a token) and its last
beat. A lease whose beat is older than ``lease``, or whose process is gone (``kill -9``),
is taken over. ``flock`` only guards the few microseconds of reading and writing it.

Either way a holder that finds it has lost its lease (its beat failed, or the lease
names someone else) says so through :attr:`LockHandle.lost`; the collection checks it
between feeds and stops. A process that dies never needs the lease to expire on
PostgreSQL (its session ends) or SQLite (its pid is gone).

The lock belongs to the database the collectors share, so it lives in the store; the
collectors hold it through :mod:`nba_tracker.ingest.lock`.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, text

from nba_tracker.errors import CollectionInProgress
from nba_tracker.observability import get_logger

__all__ = ["ADVISORY_KEY", "LockHandle", "LockMode", "collection_lock"]

log = get_logger(__name__)
ADVISORY_KEY = 7365120002
# A holder silent for this long has lost the lock: well within a minute.
DEFAULT_LEASE_SECONDS = 45.0
_memory_lock = threading.Lock()


class LockMode(StrEnum):
    WAIT = "wait"  # wait up to ``wait_seconds`` for the running collection to finish
    SKIP = "skip"  # give up at once if one is running (after taking over a dead lease)
    NONE = "none"  # no lock (tests that prove the writes alone are race-safe)


@dataclass
class LockHandle:
    """What the holder of the lock can ask: whether it still holds it."""

    lost: threading.Event = field(default_factory=threading.Event)
    took_over: bool = False  # the previous holder had stopped beating or was gone

    @property
    def held(self) -> bool:
        return not self.lost.is_set()


@contextmanager
def collection_lock(
    engine: Engine,
    mode: LockMode,
    wait_seconds: float = 300.0,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
) -> Iterator[LockHandle]:
    handle = LockHandle()
    if mode is LockMode.NONE:
        yield handle
        return
    if engine.dialect.name == "postgresql":
        with _pg_lock(engine, mode, wait_seconds, lease_seconds, handle):
            yield handle
        return
    database = engine.url.database
    if not database or database == ":memory:":
        with _memory(mode, wait_seconds):
            yield handle
        return
    with _file_lease(f"{database}.collect.lock", mode, wait_seconds, lease_seconds, handle):
        yield handle


def _deadline_loop(mode: LockMode, wait_seconds: float) -> Iterator[None]:
    deadline = time.monotonic() + (wait_seconds if mode is LockMode.WAIT else 0)
    while True:
        yield
        if time.monotonic() >= deadline:
            raise CollectionInProgress()
        time.sleep(0.2)


class _Heartbeat:
    """Calls ``beat`` every ``interval`` seconds on its own thread until stopped; a beat
    that fails or returns False marks the lock lost."""

    def __init__(self, interval: float, beat: Any, handle: LockHandle) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval, beat, handle))
        self._thread.daemon = True
        self._thread.start()

    def _run(self, interval: float, beat: Any, handle: LockHandle) -> None:
        while not self._stop.wait(interval):
            try:
                still_held = beat()
            except Exception:
                log.warning("Collection lock heartbeat failed", exc_info=True)
                still_held = False
            if not still_held:
                log.warning("Collection lock lost: another collector took it over")
                handle.lost.set()
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


# --- PostgreSQL ------------------------------------------------------------------------

_HOLDER = text(
    """
    SELECT a.pid, a.state, EXTRACT(EPOCH FROM (clock_timestamp() - a.state_change)) AS idle
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
      AND l.classid = :high AND l.objid = :low
    """
)


def _take_from_stale_holder(conn: Connection, lease_seconds: float) -> bool:
    """Terminate the holder's backend when its lock connection has been idle (no
    heartbeat) for more than the lease; True when one was terminated."""
    row = conn.execute(
        _HOLDER, {"high": ADVISORY_KEY >> 32, "low": ADVISORY_KEY & 0xFFFFFFFF}
    ).first()
    conn.commit()
    if row is None or row.state not in {"idle", "idle in transaction"}:
        return False
    if row.idle is None or float(row.idle) <= lease_seconds:
        return False
    log.warning(
        "Collection lock taken from a collector that stopped beating",
        holder_pid=row.pid,
        silent_seconds=round(float(row.idle), 1),
    )
    conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": row.pid})
    conn.commit()
    return True


@contextmanager
def _pg_lock(
    engine: Engine, mode: LockMode, wait_seconds: float, lease_seconds: float, handle: LockHandle
) -> Iterator[None]:
    with engine.connect() as conn:
        for _ in _deadline_loop(mode, wait_seconds):
            if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar():
                conn.commit()
                break
            conn.commit()
            if _take_from_stale_holder(conn, lease_seconds):
                handle.took_over = True
                time.sleep(0.1)  # the terminated backend releases its locks as it exits
                if conn.execute(
                    text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}
                ).scalar():
                    conn.commit()
                    break
                conn.commit()

        def beat() -> bool:
            conn.execute(text("SELECT 1"))
            conn.commit()
            return True

        heartbeat = _Heartbeat(lease_seconds / 4, beat, handle)
        try:
            yield
        finally:
            heartbeat.stop()
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                conn.commit()
            except Exception:
                # The connection died (or was terminated as stale): the lock went with it.
                conn.invalidate()


# --- SQLite ----------------------------------------------------------------------------


@contextmanager
def _memory(mode: LockMode, wait_seconds: float) -> Iterator[None]:
    for _ in _deadline_loop(mode, wait_seconds):
        if _memory_lock.acquire(blocking=False):
            break
    try:
        yield
    finally:
        _memory_lock.release()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process, but it exists
    return True


class _LeaseFile:
    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        self.me = {"pid": os.getpid(), "token": uuid.uuid4().hex}

    @contextmanager
    def _locked(self) -> Iterator[dict[str, Any] | None]:
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            os.lseek(self.fd, 0, os.SEEK_SET)
            raw = os.read(self.fd, 4096)
            try:
                current = json.loads(raw) if raw.strip() else None
            except ValueError:
                current = None  # a lock file from before leases, or torn: nobody holds it
            yield current if isinstance(current, dict) else None
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def _write(self, lease: dict[str, Any] | None) -> None:
        data = json.dumps(lease).encode() if lease else b""
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, data, 0)

    def _mine(self, lease: dict[str, Any] | None) -> bool:
        return bool(lease) and lease.get("token") == self.me["token"]  # type: ignore[union-attr]

    def try_take(self, lease_seconds: float) -> bool | None:
        """True: taken; None: taken from a holder that was gone or silent; False: held."""
        with self._locked() as current:
            took_over = False
            if current and not self._mine(current):
                pid = int(current.get("pid", 0))
                silent = time.time() - float(current.get("beat", 0))
                if pid and _alive(pid) and silent <= lease_seconds:
                    return False
                log.warning(
                    "Collection lock taken from a collector that stopped beating",
                    holder_pid=pid,
                    holder_alive=bool(pid) and _alive(pid),
                    silent_seconds=round(silent, 1),
                )
                took_over = True
            self._write({**self.me, "beat": time.time()})
            return None if took_over else True

    def beat(self) -> bool:
        with self._locked() as current:
            if not self._mine(current):
                return False
            self._write({**self.me, "beat": time.time()})
            return True

    def release(self) -> None:
        with self._locked() as current:
            if self._mine(current):
                self._write(None)
        os.close(self.fd)


@contextmanager
def _file_lease(
    path: str, mode: LockMode, wait_seconds: float, lease_seconds: float, handle: LockHandle
) -> Iterator[None]:
    lease = _LeaseFile(path)
    try:
        for _ in _deadline_loop(mode, wait_seconds):
            taken = lease.try_take(lease_seconds)
            if taken is not False:
                handle.took_over = taken is None
                break
    except BaseException:
        os.close(lease.fd)
        raise
    heartbeat = _Heartbeat(lease_seconds / 4, lease.beat, handle)
    try:
        yield
    finally:
        heartbeat.stop()
        lease.release()
