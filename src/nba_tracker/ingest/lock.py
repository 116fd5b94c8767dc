"""One collection at a time across every process that shares the database.

PostgreSQL: a session-level advisory lock (up to 10 ECS tasks and the MWAA DAG share
one Aurora cluster). SQLite: an exclusive file lock beside the database file.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum

from sqlalchemy import Engine, text

from nba_tracker.errors import CollectionInProgress

ADVISORY_KEY = 7365120002
_memory_lock = threading.Lock()


class LockMode(StrEnum):
    WAIT = "wait"  # wait up to ``wait_seconds`` for the running collection to finish
    SKIP = "skip"  # give up at once if one is running
    NONE = "none"  # no lock (tests that prove the writes alone are race-safe)


@contextmanager
def collection_lock(engine: Engine, mode: LockMode, wait_seconds: float = 300.0) -> Iterator[None]:
    if mode is LockMode.NONE:
        yield
        return
    if engine.dialect.name == "postgresql":
        with _pg_lock(engine, mode, wait_seconds):
            yield
    else:
        with _file_lock(engine, mode, wait_seconds):
            yield


def _deadline_loop(mode: LockMode, wait_seconds: float) -> Iterator[None]:
    deadline = time.monotonic() + (wait_seconds if mode is LockMode.WAIT else 0)
    while True:
        yield
        if time.monotonic() >= deadline:
            raise CollectionInProgress()
        time.sleep(0.2)


@contextmanager
def _pg_lock(engine: Engine, mode: LockMode, wait_seconds: float) -> Iterator[None]:
    with engine.connect() as conn:
        for _ in _deadline_loop(mode, wait_seconds):
            if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar():
                conn.commit()
                break
        try:
            yield
        finally:
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                conn.commit()
            except Exception:
                # The connection died with the database: the server already released it.
                conn.invalidate()


@contextmanager
def _file_lock(engine: Engine, mode: LockMode, wait_seconds: float) -> Iterator[None]:
    database = engine.url.database
    if not database or database == ":memory:":
        for _ in _deadline_loop(mode, wait_seconds):
            if _memory_lock.acquire(blocking=False):
                break
        try:
            yield
        finally:
            _memory_lock.release()
        return
    fd = os.open(f"{database}.collect.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        for _ in _deadline_loop(mode, wait_seconds):
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                continue
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
