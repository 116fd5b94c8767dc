"""One collection run: sync sources, fetch every enabled feed concurrently, parse,
understand, and write each feed in its own transaction while the others keep going."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from nba_tracker.domain.analysis import analyze
from nba_tracker.ingest.fetch import FetchOptions, FetchResult, Validators, fetch_each
from nba_tracker.ingest.lock import LockMode, collection_lock
from nba_tracker.ingest.parse import FeedParseError, parse_feed
from nba_tracker.ingest.registry import FeedSpec, load_feeds
from nba_tracker.observability import emf_line, emit_emf, get_logger
from nba_tracker.settings import Settings
from nba_tracker.store import faults
from nba_tracker.store.engine import transaction
from nba_tracker.store.models import DataVersion, ScrapeRun, Source
from nba_tracker.store.reference import dialect_insert
from nba_tracker.store.writer import AnalyzedItem, store_items

log = get_logger(__name__)


@dataclass
class FeedOutcome:
    name: str
    url: str
    status: str  # ok | not_modified | failed
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
    new_article_ids: list[int] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return {
            "fetched": sum(f.fetched for f in self.feeds),
            "new": sum(f.new for f in self.feeds),
            "duplicate": sum(f.duplicate for f in self.feeds),
            "failed": sum(1 for f in self.feeds if f.status == "failed"),
        }

    @property
    def all_failed(self) -> bool:
        return bool(self.feeds) and all(f.status == "failed" for f in self.feeds)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "totals": self.totals,
            "feeds": [asdict(f) for f in self.feeds],
        }


def fetch_options(settings: Settings) -> FetchOptions:
    return FetchOptions(
        timeout=settings.fetch_timeout,
        max_bytes=settings.fetch_max_bytes,
        concurrency=settings.fetch_concurrency,
        retries=settings.fetch_retries,
        user_agent=settings.user_agent,
        allow_private=settings.fetch_allow_private,
    )


@dataclass(frozen=True)
class _SourceState:
    spec: FeedSpec
    source_id: int
    validators: Validators


def _sync_sources(session: Session, specs: Sequence[FeedSpec]) -> list[_SourceState]:
    """Make sure each configured feed has a source row; keep what the database says about
    enabled state (an operator may have switched one off) and the conditional-GET validators."""
    if specs:
        stmt = dialect_insert(session, Source).values(
            [
                {
                    "name": s.name,
                    "url": s.url,
                    "enabled": s.enabled,
                    "created_at": datetime.now(UTC),
                }
                for s in specs
            ]
        )
        session.execute(
            stmt.on_conflict_do_update(index_elements=["name"], set_={"url": stmt.excluded.url})
        )
    rows = {
        s.name: s
        for s in session.scalars(select(Source).where(Source.name.in_([s.name for s in specs])))
    }
    states = []
    for spec in specs:
        row = rows[spec.name]
        if not (spec.enabled and row.enabled):
            continue
        # A URL change makes old validators meaningless.
        same_url = row.url == spec.url
        states.append(
            _SourceState(
                spec,
                row.id,
                Validators(row.etag if same_url else None, row.last_modified if same_url else None),
            )
        )
    return states


class Collector:
    def __init__(self, settings: Settings, factory: sessionmaker[Session]) -> None:
        self.settings = settings
        self.factory = factory

    async def run(
        self,
        feeds: Sequence[FeedSpec] | None = None,
        trigger: str = "cli",
        lock: LockMode = LockMode.WAIT,
    ) -> CollectionReport:
        engine = self.factory.kw["bind"]
        specs = list(feeds) if feeds is not None else load_feeds(self.settings.feeds_file)
        lock_cm = collection_lock(engine, lock)
        await asyncio.to_thread(lock_cm.__enter__)
        try:
            return await self._run_locked(specs, trigger)
        finally:
            await asyncio.to_thread(lock_cm.__exit__, None, None, None)

    async def _run_locked(self, specs: list[FeedSpec], trigger: str) -> CollectionReport:
        started = time.monotonic()
        states, run_id = await asyncio.to_thread(self._begin, specs, trigger)
        report = CollectionReport(run_id=run_id, started_at=datetime.now(UTC))
        options = fetch_options(self.settings)
        by_name = {s.spec.name: s for s in states}
        async for result in fetch_each([(s.spec, s.validators) for s in states], options):
            outcome = await asyncio.to_thread(self._process, by_name[result.spec.name], result)
            report.feeds.append(outcome)
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
        with transaction(self.factory) as session:
            states = _sync_sources(session, specs)
            run = ScrapeRun(trigger=trigger, status="running", started_at=datetime.now(UTC))
            session.add(run)
            session.flush()
            return states, run.id

    def _process(self, state: _SourceState, result: FetchResult) -> FeedOutcome:
        outcome = FeedOutcome(state.spec.name, state.spec.url, "ok", seconds=result.seconds)
        now = datetime.now(UTC)
        if not result.ok:
            return self._fail(state, outcome, result.error or "unknown error")
        if result.not_modified:
            outcome.status = "not_modified"
            self._record_health(state, None, result)
            return outcome
        try:
            feed = parse_feed(result.body or b"", now, self.settings.max_items_per_feed)
        except FeedParseError as exc:
            return self._fail(state, outcome, str(exc))
        except Exception:  # feedparser on a pathological body; never sink the run
            log.warning("Feed parser failed", feed=state.spec.name, exc_info=True)
            return self._fail(state, outcome, "cannot parse feed")
        analyzed = [AnalyzedItem(item, analyze(item.title, item.summary)) for item in feed.items]
        outcome.fetched = len(feed.items)
        outcome.skipped = feed.skipped
        outcome.warning = feed.warning
        try:
            with transaction(self.factory) as session:
                source = session.get(Source, state.source_id)
                assert source is not None
                written = store_items(session, source, analyzed, now)
                _mark_success(source, result, feed.warning, now)
        except Exception as exc:
            log.error(
                "Feed write failed; nothing of it was stored", feed=state.spec.name, exc_info=True
            )
            outcome.fetched = 0
            # The source's error is public: its class only; the detail is in the log above.
            fault = faults.classify(exc)
            faults.note(fault)
            return self._fail(state, outcome, f"database write failed: {fault.reason}")
        faults.note(None)
        outcome.new = written.new
        outcome.duplicate = written.duplicate
        outcome.seconds = round(outcome.seconds + (datetime.now(UTC) - now).total_seconds(), 3)
        return outcome

    def _fail(self, state: _SourceState, outcome: FeedOutcome, error: str) -> FeedOutcome:
        outcome.status = "failed"
        outcome.error = error
        log.warning("Feed failed", feed=state.spec.name, error=error)
        try:
            with transaction(self.factory) as session:
                session.execute(
                    update(Source)
                    .where(Source.id == state.source_id)
                    .values(
                        last_error=error[:2000],
                        last_error_at=datetime.now(UTC),
                        consecutive_failures=Source.consecutive_failures + 1,
                    )
                )
        except Exception:
            log.error("Cannot record feed failure", feed=state.spec.name, exc_info=True)
        return outcome

    def _record_health(self, state: _SourceState, warning: str | None, result: FetchResult) -> None:
        try:
            with transaction(self.factory) as session:
                source = session.get(Source, state.source_id)
                if source is not None:
                    _mark_success(source, result, warning, datetime.now(UTC))
        except Exception:
            log.error("Cannot record feed health", feed=state.spec.name, exc_info=True)

    def _finish(self, report: CollectionReport) -> None:
        totals = report.totals
        status = "failed" if report.all_failed else ("partial" if totals["failed"] else "ok")
        try:
            with transaction(self.factory) as session:
                if report.run_id is not None:
                    session.execute(
                        update(ScrapeRun)
                        .where(ScrapeRun.id == report.run_id)
                        .values(
                            finished_at=report.finished_at,
                            status=status,
                            feeds=[asdict(f) for f in report.feeds],
                            **totals,
                        )
                    )
                if totals["new"]:
                    session.execute(
                        update(DataVersion)
                        .where(DataVersion.id == 1)
                        .values(version=DataVersion.version + 1, changed_at=datetime.now(UTC))
                    )
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


def _mark_success(source: Source, result: FetchResult, warning: str | None, now: datetime) -> None:
    if result.etag or result.last_modified:
        source.etag = result.etag
        source.last_modified = result.last_modified
    source.last_success_at = now
    source.consecutive_failures = 0
    source.last_error = warning
    source.last_error_at = now if warning else source.last_error_at
