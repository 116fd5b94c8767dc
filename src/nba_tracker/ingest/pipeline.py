"""One collection run: sync sources, fetch every enabled feed concurrently, parse,
understand, and write each feed in its own transaction while the others keep going.

This module orchestrates only: every write is a function of the store.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from nba_tracker.errors import (
    DatabaseUnavailable,
    FeedParseError,
    StorageUnavailable,
    TrackerError,
)
from nba_tracker.ingest.fetch import FetchResult, Validators, fetch_each, fetch_options
from nba_tracker.ingest.lock import held_collection_lock
from nba_tracker.ingest.parse import check_safe_xml
from nba_tracker.ingest.prescan import count_items, item_uids
from nba_tracker.ingest.registry import FeedSpec, load_feeds
from nba_tracker.ingest.understand import Understanding
from nba_tracker.observability import emf_line, emit_emf, get_logger
from nba_tracker.settings import Settings
from nba_tracker.store import collection as store
from nba_tracker.store import faults
from nba_tracker.store.collection import KnownSource, RunStatus
from nba_tracker.store.engine import SessionFactory, transaction
from nba_tracker.store.lock import LockHandle, LockMode
from nba_tracker.store.writer import store_items, stored_among

log = get_logger(__name__)


class FeedStatus(StrEnum):
    OK = "ok"  # answered with a feed (its items may all be known already)
    NOT_MODIFIED = "not_modified"  # answered 304 to the conditional GET
    FAILED = "failed"  # unreachable, refused, unreadable, or its write failed


@dataclass
class FeedOutcome:
    name: str
    url: str
    status: FeedStatus
    fetched: int = 0
    new: int = 0
    duplicate: int = 0
    skipped: int = 0
    seconds: float = 0.0
    error: str | None = None
    warning: str | None = None


@dataclass
class CollectionReport:
    run_id: int | None
    started_at: datetime
    finished_at: datetime | None = None
    feeds: list[FeedOutcome] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return {
            "fetched": sum(f.fetched for f in self.feeds),
            "new": sum(f.new for f in self.feeds),
            "duplicate": sum(f.duplicate for f in self.feeds),
            "failed": sum(1 for f in self.feeds if f.status is FeedStatus.FAILED),
        }

    @property
    def all_failed(self) -> bool:
        return bool(self.feeds) and all(f.status is FeedStatus.FAILED for f in self.feeds)

    @property
    def status(self) -> RunStatus:
        if self.all_failed:
            return RunStatus.FAILED
        return RunStatus.PARTIAL if self.totals["failed"] else RunStatus.OK

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "totals": self.totals,
            "feeds": [asdict(f) for f in self.feeds],
        }


@dataclass(frozen=True)
class _SourceState:
    spec: FeedSpec
    source: KnownSource

    @property
    def validators(self) -> Validators:
        return Validators(self.source.etag, self.source.last_modified)


def _as_tracker_error(exc: Exception) -> Exception:
    """A whole-run failure of the database or its disk as the error callers render: a
    full or read-only disk is StorageUnavailable, an unreachable database
    DatabaseUnavailable; anything else stays what it is (a bug keeps its traceback)."""
    fault = faults.classify(exc)
    if fault is faults.FAILED:
        return exc
    faults.note(fault)
    log.error("Collection failed", reason=fault.reason, detail=str(exc).split("\n", 1)[0][:300])
    if fault.storage:
        return StorageUnavailable(f"cannot store news: {fault.reason}")
    if fault is faults.UNAVAILABLE or fault.busy:
        return DatabaseUnavailable(f"cannot store news: {fault.reason}")
    return exc


class Collector:
    def __init__(self, settings: Settings, factory: SessionFactory) -> None:
        self.settings = settings
        self.factory = factory
        # Feeds are understood concurrently (on every core when the run is large), but
        # written one at a time: one writer never waits on another's transaction.
        self._write_lock = threading.Lock()
        self._understanding = Understanding()
        self._handle: LockHandle | None = None
        self._teams: dict[int, str] | None = None
        self._teams_lock = threading.Lock()

    async def run(
        self,
        feeds: Sequence[FeedSpec] | None = None,
        trigger: str = "cli",
        lock: LockMode = LockMode.WAIT,
    ) -> CollectionReport:
        specs = list(feeds) if feeds is not None else load_feeds(self.settings.feeds_file)
        try:
            return await self._run(specs, trigger, lock)
        except TrackerError:
            raise
        except Exception as exc:
            converted = _as_tracker_error(exc)
            if converted is exc:
                raise
            raise converted from exc

    async def _run(self, specs: list[FeedSpec], trigger: str, lock: LockMode) -> CollectionReport:
        async with held_collection_lock(self.factory, lock, self.settings) as handle:
            return await self._run_locked(specs, trigger, handle)

    async def _run_locked(
        self, specs: list[FeedSpec], trigger: str, handle: LockHandle
    ) -> CollectionReport:
        started = time.monotonic()
        states, run_id = await asyncio.to_thread(self._begin, specs, trigger)
        report = CollectionReport(run_id=run_id, started_at=datetime.now(UTC))
        options = fetch_options(self.settings)
        by_name = {s.spec.name: s for s in states}
        self._handle = handle
        self._understanding = Understanding()
        self._teams = None  # read again each run: the log may have moved since
        processing: list[asyncio.Task[FeedOutcome | None]] = []
        try:
            async for result in fetch_each([(s.spec, s.validators) for s in states], options):
                if not handle.held:
                    break
                # Each feed is understood as it arrives, beside the ones before it.
                processing.append(
                    asyncio.create_task(
                        asyncio.to_thread(self._process, by_name[result.spec.name], result)
                    )
                )
            outcomes = await asyncio.gather(*processing)
        finally:
            await asyncio.to_thread(self._understanding.close)
        report.feeds.extend(o for o in outcomes if o is not None)
        if not handle.held:
            # Another collector took the lock after this one stopped beating (it was
            # suspended or frozen): it owns the run now; nothing more was written.
            log.warning("Collection stopped: the lock was taken over", run_id=run_id)
        report.finished_at = datetime.now(UTC)
        await asyncio.to_thread(self._finish, report)
        elapsed = time.monotonic() - started
        self._emit_metrics(report, elapsed)
        log.info(
            "Collection finished",
            run_id=run_id,
            trigger=trigger,
            seconds=round(elapsed, 3),
            **report.totals,
        )
        return report

    def _begin(self, specs: list[FeedSpec], trigger: str) -> tuple[list[_SourceState], int]:
        by_name = {s.name: s for s in specs}
        with transaction(self.factory) as session:
            known = store.sync_sources(session, specs)
            # This collector holds the lock, so any run still "running" has no collector.
            abandoned = store.abandon_unfinished_runs(session, datetime.now(UTC))
            if abandoned:
                log.warning("Runs left unfinished by a lost collector", abandoned=abandoned)
            run_id = store.begin_run(session, trigger, datetime.now(UTC))
        return [_SourceState(by_name[k.name], k) for k in known], run_id

    def _process(self, state: _SourceState, result: FetchResult) -> FeedOutcome | None:
        """One feed, start to end; ``None`` when the lock was lost before its write."""
        outcome = FeedOutcome(
            state.spec.name, state.spec.url, FeedStatus.OK, seconds=result.seconds
        )
        now = datetime.now(UTC)
        if not result.ok:
            return self._fail(state, outcome, result.error or "unknown error")
        if result.not_modified:
            outcome.status = FeedStatus.NOT_MODIFIED
            self._record_health(state, None, result)
            return outcome
        body = result.body or b""
        try:
            check_safe_xml(body)
            # Known items are recognised by their ids before any parsing: a re-sent feed
            # whose items are all stored costs one indexed read.
            known = self._known_before_parsing(body)
            if known is not None:
                outcome.fetched = outcome.duplicate = known
                self._record_health(state, None, result, keep_warning=True)
                return outcome
            self._understanding.note_items(count_items(body))
            feed = self._understanding.parse(body, now, self.settings.max_items_per_feed)
        except FeedParseError as exc:
            return self._fail(state, outcome, str(exc))
        except Exception as exc:  # feedparser on a pathological body; never sink the run
            fault = faults.classify(exc)
            if fault is not faults.FAILED:
                # The database (read for known items) failed, not the feed.
                log.error("Feed read failed", feed=state.spec.name, reason=fault.reason)
                faults.note(fault)
                return self._fail(state, outcome, f"database read failed: {fault.reason}")
            log.warning("Feed parser failed", feed=state.spec.name, exc_info=True)
            return self._fail(state, outcome, "cannot parse feed")
        stored = self._stored([i.uid for i in feed.items], [i.url for i in feed.items])
        fresh = [i for i in feed.items if i.uid not in stored and i.url not in stored]
        analyzed = self._understanding.analyze(fresh, self._players_teams() if fresh else None)
        outcome.fetched = len(feed.items)
        outcome.skipped = feed.skipped
        outcome.warning = feed.warning
        try:
            with self._write_lock:
                if self._handle is not None and not self._handle.held:
                    return None
                with transaction(self.factory) as session:
                    written = store_items(session, state.source.id, state.spec.name, analyzed, now)
                    store.record_success(
                        session,
                        state.source.id,
                        now,
                        feed.warning,
                        result.etag,
                        result.last_modified,
                    )
        except Exception as exc:
            fault = faults.classify(exc)
            # A known fault (disk full, lock timeout …) is one line; only an unclassified
            # one, a bug, carries its traceback.
            log.error(
                "Feed write failed; nothing of it was stored",
                feed=state.spec.name,
                reason=fault.reason,
                detail=str(exc).split("\n", 1)[0][:300],
                exc_info=fault is faults.FAILED,
            )
            outcome.fetched = 0
            # The source's error is public: its class only; the detail is in the log above.
            faults.note(fault)
            error = "database write failed"
            return self._fail(
                state, outcome, f"{error}: {fault.reason}" if fault.reason != error else error
            )
        faults.note(None)
        outcome.new = written.new
        outcome.duplicate = written.duplicate + len(feed.items) - len(fresh)
        outcome.seconds = round(outcome.seconds + (datetime.now(UTC) - now).total_seconds(), 3)
        return outcome

    def _players_teams(self) -> dict[int, str]:
        """Players' teams today by the stored league log, read once per run and only
        when an item is new (a run of known items never pays for it)."""
        with self._teams_lock:
            if self._teams is None:
                from nba_tracker.store.league_log import current_teams

                try:
                    with transaction(self.factory) as session:
                        self._teams = current_teams(session)
                except Exception:
                    # An enrichment only: without it items keep the teams they name, and
                    # a database that is really down fails the feed's write, reported.
                    log.warning("League log unreadable; teams as named", exc_info=True)
                    self._teams = {}
            return self._teams

    def _known_before_parsing(self, body: bytes) -> int | None:
        """How many items the body has when every one is stored already, else None."""
        uids = item_uids(body, self.settings.max_items_per_feed)
        if uids is None:
            return None
        stored = self._stored(uids, [])
        return len(uids) if all(uid in stored for uid in uids) else None

    def _stored(self, uids: list[str], urls: list[str]) -> set[str]:
        if not uids:
            return set()
        with transaction(self.factory) as session:
            return stored_among(session, uids, urls)

    def _fail(self, state: _SourceState, outcome: FeedOutcome, error: str) -> FeedOutcome:
        outcome.status = FeedStatus.FAILED
        outcome.error = error
        log.warning("Feed failed", feed=state.spec.name, error=error)
        try:
            with self._write_lock, transaction(self.factory) as session:
                store.record_failure(session, state.source.id, error, datetime.now(UTC))
        except Exception:
            log.error("Cannot record feed failure", feed=state.spec.name, exc_info=True)
        return outcome

    def _record_health(
        self,
        state: _SourceState,
        warning: str | None,
        result: FetchResult,
        keep_warning: bool = False,
    ) -> None:
        try:
            with self._write_lock, transaction(self.factory) as session:
                store.record_success(
                    session,
                    state.source.id,
                    datetime.now(UTC),
                    warning,
                    result.etag,
                    result.last_modified,
                    keep_warning=keep_warning,
                )
        except Exception:
            log.error("Cannot record feed health", feed=state.spec.name, exc_info=True)

    def _finish(self, report: CollectionReport) -> None:
        totals = report.totals
        try:
            with transaction(self.factory) as session:
                if report.run_id is not None:
                    store.finish_run(
                        session,
                        report.run_id,
                        report.finished_at,
                        report.status,
                        [asdict(f) for f in report.feeds],
                        totals,
                    )
                if totals["new"]:
                    store.bump_data_version(session)
        except Exception:
            log.error("Cannot record the collection run", run_id=report.run_id, exc_info=True)

    def _emit_metrics(self, report: CollectionReport, seconds: float) -> None:
        totals = report.totals
        emit_emf(
            emf_line(
                {
                    "ArticlesNew": (totals["new"], "Count"),
                    "FeedsFailed": (totals["failed"], "Count"),
                    "FeedsTotal": (len(report.feeds), "Count"),
                    "CollectionSeconds": (round(seconds, 3), "Seconds"),
                },
                {"Environment": self.settings.env},
                {"run_id": report.run_id, "message": "Collection metrics"},
            )
        )
