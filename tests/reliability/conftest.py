from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import free_port, unavailable
from tests.support.pg_cluster import PgCluster


@pytest.fixture
def own_postgres() -> Iterator[PgCluster]:
    """A PostgreSQL server this test may stop and start (the shared one stays up)."""
    try:
        cluster = PgCluster(free_port()).init()
        cluster.start()
    except (FileNotFoundError, OSError) as exc:
        unavailable(f"cannot run a PostgreSQL server: {exc}")
    try:
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def postgres_database(postgres_url: str, prepared_postgres: str) -> Iterator[str]:
    """PostgreSQL only: table locks that block writers are its matter (SQLite waits on
    its busy timeout, which the engine sets)."""
    from tests.support.databases import postgres_from_template

    with postgres_from_template(postgres_url, prepared_postgres) as url:
        yield url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/reliability" in str(item.fspath):
            item.add_marker(pytest.mark.reliability)
