"""Request dependencies and running database work off the event loop."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import anyio
from fastapi import Request
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from nba_tracker.errors import DatabaseUnavailable

T = TypeVar("T")

# The database is away or overloaded (connection refused or lost, pool exhausted) — not
# a bad statement, which is a bug and must surface as one.
DB_ERRORS = (OperationalError, InterfaceError, PoolTimeout)


def get_session(request: Request) -> Iterator[Session]:
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory() as session:
        yield session


async def run_db(factory: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    """Run ``work`` with a fresh session in a worker thread; database failures become
    :class:`DatabaseUnavailable`."""

    def call() -> T:
        with factory() as session:
            return work(session)

    with unavailable_on_db_errors():
        return await anyio.to_thread.run_sync(call)


@contextmanager
def unavailable_on_db_errors() -> Iterator[None]:
    """A database that is away (:data:`DB_ERRORS`) within becomes :class:`DatabaseUnavailable`."""
    try:
        yield
    except DB_ERRORS as exc:
        raise DatabaseUnavailable() from exc
