"""The same migrations build the same schema on PostgreSQL 15 and SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine, make_sessionmaker, transaction
from nba_tracker.store.migrate import current_revision, downgrade, head_revision, prepare_database
from nba_tracker.store.models import Base, Player, Team
from nba_tracker.store.reference import seed_reference_data

TABLES = {
    "sources",
    "articles",
    "teams",
    "players",
    "article_teams",
    "article_players",
    "stories",
    "scrape_runs",
    "data_version",
}


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> object:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.db'}"
        return
    from tests.support.databases import fresh_postgres_database

    with fresh_postgres_database(request.getfixturevalue("postgres_url")) as url:
        yield url


def test_upgrade_down_and_up_again(empty_url: str) -> None:
    engine = make_engine(Settings(), empty_url)
    try:
        counts = prepare_database(engine)
        assert counts["teams"] == 30 and counts["players"] > 5000
        assert current_revision(engine) == head_revision()
        tables = set(inspect(engine).get_table_names())
        assert tables >= TABLES
        # Every model column exists in the migrated schema: models and migrations agree.
        for table in Base.metadata.sorted_tables:
            columns = {c["name"] for c in inspect(engine).get_columns(table.name)}
            assert {c.name for c in table.columns} <= columns, table.name
        downgrade(engine, "base")
        assert not (set(inspect(engine).get_table_names()) & TABLES)
        prepare_database(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_seeding_is_idempotent_and_links_players_learned_later(database_url: str) -> None:
    engine = make_engine(Settings(), database_url)
    factory = make_sessionmaker(engine)
    try:
        with transaction(factory) as session:
            # A two-way signing stored before the list knew "Jaylen Brown"... simulate by
            # removing a known player and re-adding him as a name-only row.
            brown = session.scalars(select(Player).where(Player.full_name == "Jaylen Brown")).one()
            nba_id = brown.nba_id
            brown.nba_id = None
            brown.full_name = "Jaylen Brown"
        with transaction(factory) as session:
            seed_reference_data(session)
        with transaction(factory) as session:
            rows = session.scalars(select(Player).where(Player.name_key == "jaylen brown")).all()
            assert [(p.nba_id, p.full_name) for p in rows] == [(nba_id, "Jaylen Brown")]
            assert session.scalar(select(func.count()).select_from(Team)) == 30
            lal = session.scalars(select(Team).where(Team.abbreviation == "LAL")).one()
            assert lal.full_name == "Los Angeles Lakers"
    finally:
        engine.dispose()
