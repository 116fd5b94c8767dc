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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/reliability" in str(item.fspath):
            item.add_marker(pytest.mark.reliability)
