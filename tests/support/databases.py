"""Databases for tests: a SQLite file, or a fresh database in the test PostgreSQL server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from nba_tracker.store.engine import normalize_url


@contextmanager
def fresh_postgres_database(admin_url: str, template: str | None = None) -> Iterator[str]:
    """CREATE DATABASE with a random name (copied from ``template`` when given, which is
    fast); dropped afterwards. Yields its URL."""
    name = f"nbt_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalize_url(admin_url), isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    url = (
        make_url(normalize_url(admin_url)).set(database=name).render_as_string(hide_password=False)
    )
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_from_template(admin_url: str, template: str) -> AbstractContextManager[str]:
    """A fresh database copied from an already migrated and seeded template."""
    return fresh_postgres_database(admin_url, template)


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'tracker.db'}"
