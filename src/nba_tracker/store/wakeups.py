"""Wake idle dispatchers the moment alerts are owed, instead of making them poll.

On PostgreSQL a transaction that writes story events (or queues failed alerts again)
sends ``NOTIFY`` on :data:`WAKE_CHANNEL`. The server delivers it at commit, only if the
transaction commits, and folds several sent in one transaction into one, so a collection
wakes each listening dispatcher once. A dispatcher holds one extra connection that
``LISTEN``s; between wake-ups it sleeps, costing the collection no CPU and no queries.
SQLite has no such channel: its dispatchers poll (``alert_poll_seconds``).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.orm import Session

from nba_tracker.observability import get_logger
from nba_tracker.store.engine import SessionFactory, engine_of

if TYPE_CHECKING:
    import psycopg

__all__ = ["WAKE_CHANNEL", "Wakeups", "wake_dispatchers"]

log = get_logger(__name__)
WAKE_CHANNEL = "nba_tracker_alerts"


def wake_dispatchers(session: Session) -> None:
    """Tell listening dispatchers, when this transaction commits, that work is waiting."""
    if session.connection().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {WAKE_CHANNEL}"))


class Wakeups:
    """A ``LISTEN`` connection and the event its notifications set.

    :meth:`connect` gives ``None`` where there is nothing to listen to (SQLite) or the
    connection cannot be made; the caller then polls. If the connection is lost later,
    :attr:`alive` turns false and the event is set once more, so the waiting caller
    notices at once and falls back to polling.
    """

    def __init__(self, connection: psycopg.AsyncConnection[object]) -> None:
        self._connection = connection
        self._woken = asyncio.Event()
        self._task = asyncio.create_task(self._listen())

    @staticmethod
    def possible(factory: SessionFactory) -> bool:
        return engine_of(factory).dialect.name == "postgresql"

    @classmethod
    async def connect(cls, factory: SessionFactory) -> Wakeups | None:
        if not cls.possible(factory):
            return None
        # Imported here: a SQLite tracker (the collector's CLI, make run) never needs it.
        import psycopg

        engine = engine_of(factory)
        # The engine's own connection parameters (host, user, password, TLS), so the
        # listener reaches the database exactly as the pool does.
        _, params = engine.dialect.create_connect_args(engine.url)
        params.pop("context", None)
        try:
            connection = await psycopg.AsyncConnection.connect(
                **params,
                autocommit=True,
                connect_timeout=3,
                application_name="nba-tracker-dispatcher",
            )
            await connection.execute(f"LISTEN {WAKE_CHANNEL}")
        except psycopg.Error as exc:
            # The message may name the host, never the password: psycopg leaves it out.
            log.warning("Cannot listen for alert wake-ups; polling", error=type(exc).__name__)
            return None
        return cls(connection)

    async def _listen(self) -> None:
        import psycopg

        try:
            async for _ in self._connection.notifies():
                self._woken.set()
        except psycopg.Error as exc:
            log.warning("Alert wake-up connection lost; polling", error=type(exc).__name__)
        finally:
            self._woken.set()

    @property
    def alive(self) -> bool:
        return not self._task.done()

    async def woken(self) -> None:
        """Return once a notification has arrived since the last return (at once if one
        came meanwhile: none is missed between a claim that found nothing and this)."""
        await self._woken.wait()
        self._woken.clear()

    async def aclose(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self._connection.close()
