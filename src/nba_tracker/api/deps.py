"""Request dependencies and running database work off the event loop."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import anyio
from fastapi import Request

from nba_tracker.errors import DatabaseUnavailable
from nba_tracker.store.engine import UNAVAILABLE_ERRORS, Session, SessionFactory

T = TypeVar("T")


def get_session(request: Request) -> Iterator[Session]:
    factory: SessionFactory = request.app.state.sessionmaker
    with factory() as session:
        yield session


async def run_db(factory: SessionFactory, work: Callable[[Session], T]) -> T:
    """Run ``work`` with a fresh session in a worker thread; database failures become
    :class:`DatabaseUnavailable`."""

    def call() -> T:
        with factory() as session:
            return work(session)

    with unavailable_on_db_errors():
        return await anyio.to_thread.run_sync(call)


@contextmanager
def unavailable_on_db_errors() -> Iterator[None]:
    """A database that is away within (refused, lost, the pool exhausted:
    :data:`~nba_tracker.store.engine.UNAVAILABLE_ERRORS`) becomes
    :class:`DatabaseUnavailable`; a bad statement is a bug and surfaces as one."""
    try:
        yield
    except UNAVAILABLE_ERRORS as exc:
        raise DatabaseUnavailable() from exc
