"""Engines and sessions for PostgreSQL (psycopg 3) and the embedded SQLite default."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from nba_tracker.settings import Settings

__all__ = [
    "UNAVAILABLE_ERRORS",
    "Session",
    "SessionFactory",
    "engine_of",
    "make_engine",
    "make_sessionmaker",
    "normalize_url",
    "ping",
    "transaction",
]


def normalize_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` mean psycopg 3 here."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(settings: Settings, url: str | None = None, **overrides: Any) -> Engine:
    raw = normalize_url(url or settings.database_url_plain)
    parsed = make_url(raw)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            raw, connect_args={"timeout": settings.db_lock_timeout_ms / 1000}, **overrides
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    options = (
        f"-c statement_timeout={settings.db_statement_timeout_ms} "
        f"-c lock_timeout={settings.db_lock_timeout_ms} "
        "-c idle_in_transaction_session_timeout=60000"
    )
    params: dict[str, Any] = {
        "pool_pre_ping": True,
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_pool_size,
        "pool_timeout": 5,
        "pool_recycle": 1800,
        "connect_args": {
            "connect_timeout": 3,
            "options": options,
            "application_name": "nba-tracker",
        },
    }
    params.update(overrides)
    return create_engine(raw, **params)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the page read while a collection writes; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


# What the layers above hold to reach the database: they open sessions from it and hand
# them to the store's functions, and never build a statement themselves. ``Session`` is
# re-exported for their annotations, so no layer above imports SQLAlchemy.
SessionFactory = sessionmaker[Session]

# The database did not answer (down, refused, the pool exhausted): a 503 to a client,
# never a 500 — what a layer above catches without knowing SQLAlchemy.
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError, PoolTimeout)


def make_sessionmaker(engine: Engine) -> SessionFactory:
    return sessionmaker(engine, expire_on_commit=False)


def engine_of(factory: SessionFactory) -> Engine:
    """The engine a session factory was made for (the collection lock needs it)."""
    bind = factory.kw["bind"]
    assert isinstance(bind, Engine)
    return bind


@contextmanager
def transaction(factory: SessionFactory) -> Iterator[Session]:
    """Commit on success, roll back on any exception."""
    with factory() as session, session.begin():
        yield session


def ping(session: Session) -> None:
    """A round trip to the database; raises when it does not answer."""
    session.execute(text("SELECT 1"))
