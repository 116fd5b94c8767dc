"""What went wrong with the database or its disk, in a few words anyone may read.

Driver messages carry SQL text, bound parameters, file paths and host names; public
fields (a source's ``lastError``, ``/health``, a GraphQL error, the CLI's one line) get
the short class from :func:`classify` instead, and the detail goes to the log only.

Storage faults (disk full, read-only, permission denied) are also remembered by the
process (:func:`note`), so ``/health`` can say the tracker cannot store news even when
the failing write happened in a background collection.
"""

from __future__ import annotations

import errno
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports this module on every start; SQLAlchemy only when used
    from sqlalchemy import Engine

__all__ = ["Fault", "classify", "current", "disk_problem", "note"]


@dataclass(frozen=True)
class Fault:
    """``reason`` is the public text; ``storage`` marks a disk/permission problem (no
    retry helps until an operator acts); ``busy`` a lock or timeout (a retry may)."""

    reason: str
    storage: bool = False
    busy: bool = False


BUSY = Fault("database busy", busy=True)
DISK_FULL = Fault("disk full", storage=True)
READ_ONLY = Fault("storage is read-only", storage=True)
PERMISSION = Fault("permission denied on storage", storage=True)
IO_ERROR = Fault("disk I/O error", storage=True)
UNAVAILABLE = Fault("database unavailable")
FAILED = Fault("database write failed")

# PostgreSQL SQLSTATEs by class; https://www.postgresql.org/docs/current/errcodes-appendix.html
_PG_STATES = {
    "55P03": BUSY,  # lock_not_available (lock_timeout)
    "57014": BUSY,  # query_canceled (statement_timeout)
    "40P01": BUSY,  # deadlock_detected
    "40001": BUSY,  # serialization_failure
    "53100": DISK_FULL,
    "25006": READ_ONLY,  # read_only_sql_transaction (a replica, or default_transaction_read_only)
    "42501": PERMISSION,  # insufficient_privilege
    "58030": IO_ERROR,
}
# SQLite reports through the message only.
_SQLITE_TEXT = (
    ("database is locked", BUSY),
    ("database table is locked", BUSY),
    ("database or disk is full", DISK_FULL),
    ("readonly database", READ_ONLY),
    ("unable to open database file", PERMISSION),
    ("disk i/o error", IO_ERROR),
)
_ERRNO = {
    errno.ENOSPC: DISK_FULL,
    errno.EDQUOT: DISK_FULL,
    errno.EFBIG: DISK_FULL,  # over the file-size limit: no room, as far as we can tell
    errno.EROFS: READ_ONLY,
    errno.EACCES: PERMISSION,
    errno.EPERM: PERMISSION,
    errno.EIO: IO_ERROR,
}


def classify(exc: BaseException) -> Fault:
    """The short class of a database or storage failure (never its message)."""
    seen: set[int] = set()
    current_exc: BaseException | None = exc
    while current_exc is not None and id(current_exc) not in seen:
        seen.add(id(current_exc))
        found = _one(current_exc)
        if found is not None:
            return found
        current_exc = (
            getattr(current_exc, "orig", None) or current_exc.__cause__ or current_exc.__context__
        )
    return FAILED


def _one(exc: BaseException) -> Fault | None:
    state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    if isinstance(state, str):
        if state in _PG_STATES:
            return _PG_STATES[state]
        if state.startswith("08") or state in {"57P01", "57P02", "57P03"}:
            return UNAVAILABLE
        if state.startswith("53"):
            return Fault("database out of resources", storage=True)
    if isinstance(exc, OSError) and exc.errno in _ERRNO:
        return _ERRNO[exc.errno]
    if type(exc).__module__ == "sqlite3":
        text = str(exc).lower()
        for needle, fault in _SQLITE_TEXT:
            if needle in text:
                return fault
    if type(exc).__name__ in {"OperationalError", "InterfaceError"} and type(
        exc
    ).__module__.startswith("psycopg"):
        return UNAVAILABLE
    return None


_lock = threading.Lock()
_last: tuple[Fault, float] | None = None


def note(fault: Fault | None) -> None:
    """Remember the latest storage fault of this process (None: a write succeeded)."""
    global _last
    with _lock:
        if fault is None:
            _last = None
        elif fault.storage:
            _last = (fault, time.time())


def current(max_age: float = 3600.0) -> Fault | None:
    """The storage fault this process last met, unless a write succeeded since or it is
    older than ``max_age`` seconds."""
    with _lock:
        if _last is None or time.time() - _last[1] > max_age:
            return None
        return _last[0]


# Below this much free space a SQLite database is about to fail its next write.
MIN_FREE_BYTES = 16 * 1024 * 1024


def disk_problem(engine: Engine) -> Fault | None:
    """For a SQLite file: a full disk or a file/directory the process cannot write. A
    PostgreSQL server's disk is its own (its errors are classified when they happen)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    path = Path(database)
    try:
        if shutil.disk_usage(path.parent).free < MIN_FREE_BYTES:
            return DISK_FULL
    except OSError as exc:
        return _ERRNO.get(exc.errno or 0, IO_ERROR)
    writable = os.access(path, os.W_OK) if path.exists() else os.access(path.parent, os.W_OK)
    # The journal is created beside the file, so the directory must be writable too.
    if not writable or not os.access(path.parent, os.W_OK):
        return READ_ONLY if _read_only_mount(path.parent) else PERMISSION
    return None


def _read_only_mount(directory: Path) -> bool:
    try:
        return bool(os.statvfs(directory).f_flag & os.ST_RDONLY)
    except OSError:
        return False
