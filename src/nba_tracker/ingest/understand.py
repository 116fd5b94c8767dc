"""Parsing and understanding, the collection's CPU work, on every core when it is large.

A collection of a few feeds is parsed in the collector's threads; one of more than
:data:`POOL_THRESHOLD` items spreads its feeds over a process pool (one process per
core), since the GIL keeps threads to one core. The pool's processes come from a
forkserver, never a fork of the collector itself: the collector has threads (fetching,
the lock's heartbeat) whose locks a forked child could inherit held.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime

from nba_tracker.domain.news import AnalyzedItem
from nba_tracker.ingest.parse import ParsedFeed, ParsedItem, parse_feed
from nba_tracker.observability import get_logger

__all__ = ["POOL_THRESHOLD", "Understanding", "analyze_items", "parse_body"]

log = get_logger(__name__)

# Below this many items in a run, starting worker processes costs more than it saves.
POOL_THRESHOLD = 300


def parse_body(body: bytes, fetched_at: datetime, max_items: int) -> ParsedFeed:
    return parse_feed(body, fetched_at, max_items)


def analyze_items(
    items: Sequence[ParsedItem], teams: Mapping[int, str] | None = None
) -> list[AnalyzedItem]:
    """Each item understood; ``teams`` (a player's NBA id -> his team today, from the
    league's log) links an item that names players but no team to their teams."""
    # Imported on first use: its patterns and model cost ~0.2 s to load, and a collection
    # whose items are all known already (most of them) never analyses anything.
    from nba_tracker.domain.analysis import analyze

    team_of = teams.get if teams else None
    return [AnalyzedItem(item, analyze(item.title, item.summary, team_of)) for item in items]


class Understanding:
    """Where one run's feeds are parsed and analysed: in the calling thread until the
    run has seen more than :data:`POOL_THRESHOLD` items, then in a process pool."""

    def __init__(self, workers: int | None = None, threshold: int | None = None) -> None:
        self.workers = workers or min(os.cpu_count() or 1, 4)
        self.threshold = POOL_THRESHOLD if threshold is None else threshold
        self.items_seen = 0
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        # Without the pool, feeds are understood one at a time: more threads would add
        # no core, only take GIL turns from the event loop that is still fetching.
        self._inline = threading.Lock()

    def note_items(self, count: int) -> None:
        """Count a fetched feed's items; past the threshold, the pool starts."""
        with self._lock:
            self.items_seen += count
            if self._pool is None and self.workers > 1 and self.items_seen > self.threshold:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload([__name__])
                self._pool = ProcessPoolExecutor(self.workers, mp_context=context)

    @property
    def pooled(self) -> bool:
        return self._pool is not None

    def parse(self, body: bytes, fetched_at: datetime, max_items: int) -> ParsedFeed:
        pool = self._pool
        if pool is not None:
            try:
                return pool.submit(parse_body, body, fetched_at, max_items).result()
            except BrokenProcessPool:
                self._lost(pool)
        with self._inline:
            return parse_body(body, fetched_at, max_items)

    def analyze(
        self, items: Sequence[ParsedItem], teams: Mapping[int, str] | None = None
    ) -> list[AnalyzedItem]:
        pool = self._pool
        if pool is not None and items:
            try:
                return pool.submit(analyze_items, list(items), teams).result()
            except BrokenProcessPool:
                self._lost(pool)
        with self._inline:
            return analyze_items(items, teams)

    def _lost(self, pool: ProcessPoolExecutor) -> None:
        """A worker died (killed, out of memory, or a host program that cannot be
        re-imported by the forkserver): the run goes on in this process."""
        log.warning("Understanding pool lost; continuing in the collector", exc_info=True)
        with self._lock:
            if self._pool is pool:
                self._pool = None
                self.workers = 1  # no new pool for this run
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
