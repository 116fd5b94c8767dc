"""How a collector holds the collection lock across its asynchronous work.

The lock itself (a PostgreSQL advisory lock or a lease file beside SQLite) is the
store's, in :mod:`nba_tracker.store.lock`; taking and releasing it blocks, so both run on
a worker thread and the event loop keeps fetching meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from nba_tracker.settings import Settings
from nba_tracker.store.engine import SessionFactory, engine_of
from nba_tracker.store.lock import LockHandle, LockMode, collection_lock

__all__ = ["held_collection_lock"]


@asynccontextmanager
async def held_collection_lock(
    factory: SessionFactory, mode: LockMode, settings: Settings
) -> AsyncIterator[LockHandle]:
    """The collection lock of ``factory``'s database, with the lease of ``settings``."""
    lock = collection_lock(
        engine_of(factory), mode, lease_seconds=settings.collection_lease_seconds
    )
    handle = await asyncio.to_thread(lock.__enter__)
    try:
        yield handle
    finally:
        await asyncio.to_thread(lock.__exit__, None, None, None)
