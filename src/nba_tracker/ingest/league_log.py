"""Read the league's transaction log: fetch it like any feed (conditional GET, size cap,
timeout, retries, its own health on its source row), store its rows, and match its
transactions to the stories outlets reported.

This module orchestrates only: parsing and matching are the domain's, writes the store's.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from nba_tracker.domain.league_log import ParsedLog, parse_log
from nba_tracker.domain.league_match import Window, match_transactions
from nba_tracker.errors import FeedError
from nba_tracker.ingest.fetch import FetchResult, Validators, fetch_all, fetch_options
from nba_tracker.ingest.lock import held_collection_lock
from nba_tracker.ingest.pipeline import FeedStatus
from nba_tracker.ingest.registry import FeedSpec, SourceKind, load_feeds
from nba_tracker.observability import emf_line, emit_emf, get_logger
from nba_tracker.settings import Settings
from nba_tracker.store import collection as sources
from nba_tracker.store import league_log as store
from nba_tracker.store.engine import SessionFactory, transaction
from nba_tracker.store.lock import LockMode

log = get_logger(__name__)

# The whole log since 2015 is 3.7 MB; RSS feeds' 5 MB cap would be outgrown in a few
# seasons, so the log has a cap of its own.
MAX_BYTES = 20 * 1024 * 1024
# Transactions recorded this recently are matched again on every read (an outlet's
# article may arrive after the league's row); unreported ones become stories of their own.
RECENT_DAYS = 14
AGREEMENT_DAYS = 7


# A log is read as a feed is, and ends the same three ways.
LogStatus = FeedStatus


@dataclass
class LogOutcome:
    name: str
    url: str
    status: LogStatus
    rows: int = 0
    new: int = 0
    revised: int = 0
    skipped: int = 0
    transactions: int = 0
    confirmed: int = 0
    contradicted: int = 0
    log_only: int = 0
    seconds: float = 0.0
    error: str | None = None
    warning: str | None = None


@dataclass
class LogReport:
    logs: list[LogOutcome] = field(default_factory=list)
    agreement: store.Agreement | None = None

    @property
    def failed(self) -> int:
        return sum(1 for o in self.logs if o.status is LogStatus.FAILED)

    def to_dict(self) -> dict[str, Any]:
        return {
            "logs": [asdict(o) for o in self.logs],
            "agreement": asdict(self.agreement) if self.agreement else None,
        }


class LeagueLogReader:
    def __init__(self, settings: Settings, factory: SessionFactory) -> None:
        self.settings = settings
        self.factory = factory

    async def run(
        self,
        logs: list[FeedSpec] | None = None,
        now: datetime | None = None,
        lock: LockMode = LockMode.WAIT,
    ) -> LogReport:
        specs = (
            logs
            if logs is not None
            else load_feeds(self.settings.feeds_file, kind=SourceKind.LEAGUE_LOG)
        )
        specs = [s for s in specs if s.enabled]
        moment = now or datetime.now(UTC)
        started = time.monotonic()
        with transaction(self.factory) as session:
            known = {k.name: k for k in sources.sync_sources(session, specs)}
        options = replace(fetch_options(self.settings), max_bytes=MAX_BYTES)
        pairs = [
            (s, Validators(known[s.name].etag, known[s.name].last_modified))
            for s in specs
            if s.name in known
        ]
        results = await fetch_all(pairs, options)
        report = LogReport()
        # Stories are written too: one writer at a time with the RSS collection.
        async with held_collection_lock(self.factory, lock, self.settings):
            for result in results:
                source_id = known[result.spec.name].id
                outcome = await asyncio.to_thread(self._process, source_id, result, moment)
                report.logs.append(outcome)
            report.agreement = await asyncio.to_thread(self._agreement, moment)
        self._emit(report, time.monotonic() - started)
        return report

    def _process(self, source_id: int, result: FetchResult, now: datetime) -> LogOutcome:
        spec = result.spec
        outcome = LogOutcome(spec.name, spec.url, LogStatus.OK, seconds=result.seconds)
        if not result.ok:
            return self._fail(source_id, outcome, result.error or "unknown error", now)
        if result.not_modified:
            outcome.status = LogStatus.NOT_MODIFIED
            with transaction(self.factory) as session:
                sources.record_success(session, source_id, now)
                # Articles reported since the last read may match recent transactions.
                self._match(session, outcome, set(), now)
            return outcome
        try:
            parsed: ParsedLog = parse_log(result.body or b"", max_bytes=MAX_BYTES)
        except FeedError as exc:
            return self._fail(source_id, outcome, str(exc), now)
        outcome.rows = len(parsed.rows)
        outcome.skipped = len(parsed.skipped)
        outcome.warning = parsed.warning
        if parsed.skipped:
            log.warning("League log rows skipped", log=spec.name, warning=parsed.warning)
        try:
            with transaction(self.factory) as session:
                written = store.store_log_rows(session, source_id, parsed.rows, now)
                changed = (
                    store.groups_touched_at(session, now)
                    if written.new or written.revised
                    else set()
                )
                outcome.new, outcome.revised = written.new, written.revised
                self._match(session, outcome, changed, now)
                sources.record_success(
                    session, source_id, now, parsed.warning, result.etag, result.last_modified
                )
        except Exception:
            log.error("League log write failed; nothing of it was stored", exc_info=True)
            outcome.new = outcome.revised = 0
            return self._fail(source_id, outcome, "database write failed", now)
        return outcome

    def _match(self, session: Any, outcome: LogOutcome, changed: set[str], now: datetime) -> None:
        window = Window()
        recent_since: date = (now - timedelta(days=RECENT_DAYS)).date()
        recent = {t.group_id for t in store.log_transactions(session, since=recent_since)}
        scope = sorted(changed | recent)
        if not scope:
            return
        transactions = store.log_transactions(session, group_ids=scope)
        start, end = store.window_of(transactions, window)
        result = match_transactions(transactions, store.story_facts(session, start, end), window)
        written = store.apply_matches(session, transactions, result, now, recent_since)
        outcome.transactions = len(transactions)
        outcome.confirmed = written.confirmed
        outcome.contradicted = written.contradicted
        outcome.log_only = written.log_only

    def _fail(self, source_id: int, outcome: LogOutcome, error: str, now: datetime) -> LogOutcome:
        outcome.status = LogStatus.FAILED
        outcome.error = error
        log.warning("League log failed", log=outcome.name, error=error)
        try:
            with transaction(self.factory) as session:
                sources.record_failure(session, source_id, error, now)
        except Exception:
            log.error("Cannot record league log failure", log=outcome.name, exc_info=True)
        return outcome

    def _agreement(self, now: datetime) -> store.Agreement:
        with transaction(self.factory) as session:
            return store.agreement(session, now, AGREEMENT_DAYS)

    def _emit(self, report: LogReport, seconds: float) -> None:
        figures: dict[str, tuple[float, str]] = {
            "LeagueLogRowsNew": (sum(o.new + o.revised for o in report.logs), "Count"),
            "LeagueLogFailed": (report.failed, "Count"),
            "LeagueLogSeconds": (round(seconds, 3), "Seconds"),
        }
        agreement = report.agreement
        if agreement is not None:
            figures["LogUnreported"] = (agreement.unreported, "Count")
            if agreement.rate is not None:
                figures["LogAgreementPercent"] = (round(100 * agreement.rate, 2), "Percent")
        emit_emf(
            emf_line(
                figures,
                {"Environment": self.settings.env},
                {"message": "League log metrics"},
            )
        )
