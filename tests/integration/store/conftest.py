from __future__ import annotations

from collections.abc import Iterator

import pytest

from nba_tracker.settings import Settings
from nba_tracker.store.engine import SessionFactory, make_engine, make_sessionmaker


@pytest.fixture
def factory(database_url: str) -> Iterator[SessionFactory]:
    """Sessions on a migrated, seeded database of each backend."""
    engine = make_engine(Settings(), database_url)
    yield make_sessionmaker(engine)
    engine.dispose()
