"""Schema migrations (Alembic) and reference data (teams and players from nba_api)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from nba_tracker.settings import Settings

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to ``revision``; safe to run from several processes at start-up."""
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Serialise concurrent start-ups (up to 10 ECS tasks) on one advisory lock.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7365120001)")
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def prepare_database(engine: Engine) -> dict[str, int]:
    """Migrate, then load teams and players when they are missing; idempotent and cheap
    when the database is already current."""
    from sqlalchemy import func, select

    from nba_tracker.store.engine import make_sessionmaker, transaction
    from nba_tracker.store.models import Player, Team
    from nba_tracker.store.reference import seed_reference_data

    upgrade(engine)
    factory = make_sessionmaker(engine)
    with transaction(factory) as session:
        teams = session.scalar(select(func.count()).select_from(Team)) or 0
        known = (
            session.scalar(
                select(func.count()).select_from(Player).where(Player.nba_id.is_not(None))
            )
            or 0
        )
        if teams < 30 or known == 0:
            return seed_reference_data(session)
    return {"teams": teams, "players": known}


@contextmanager
def prepared_engine(settings: Settings) -> Iterator[Engine]:
    """An engine on ``settings``' database, prepared (:func:`prepare_database`) and
    disposed of on the way out: what a one-shot command works with."""
    from nba_tracker.store.engine import make_engine

    engine = make_engine(settings)
    try:
        prepare_database(engine)
        yield engine
    finally:
        engine.dispose()
