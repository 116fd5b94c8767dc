"""Collection and translation as the API runs them: one at a time across processes,
metrics counted, caches invalidated."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import anyio

from nba_tracker.api import metrics
from nba_tracker.api.cache import ResponseCache
from nba_tracker.api.graphql.types import ScrapeResult, TranslationResult
from nba_tracker.errors import CollectionInProgress, FeedError
from nba_tracker.ingest.league_log import LeagueLogReader, LogReport
from nba_tracker.ingest.pipeline import CollectionReport, Collector
from nba_tracker.ingest.registry import FeedSpec
from nba_tracker.observability import get_logger
from nba_tracker.settings import Settings
from nba_tracker.store import queries
from nba_tracker.store.engine import SessionFactory
from nba_tracker.store.lock import LockMode
from nba_tracker.translate import service as translation
from nba_tracker.translate.backends import Translator, make_translator

log = get_logger(__name__)


class Services:
    def __init__(
        self,
        settings: Settings,
        factory: SessionFactory,
        cache: ResponseCache,
        feeds: Sequence[FeedSpec] | None = None,
    ) -> None:
        self.settings = settings
        self.factory = factory
        self.cache = cache
        self.feeds = list(feeds) if feeds is not None else None
        self.translator: Translator = make_translator(
            settings.translator, settings.translate_terminology
        )

    async def collect(
        self, feeds: Sequence[FeedSpec] | None = None, trigger: str = "api"
    ) -> CollectionReport:
        report = await Collector(self.settings, self.factory).run(
            feeds if feeds is not None else self.feeds, trigger=trigger, lock=LockMode.SKIP
        )
        totals = report.totals
        metrics.COLLECTIONS.labels("failed" if report.all_failed else "ok").inc()
        metrics.ARTICLES_NEW.inc(totals["new"])
        metrics.FEEDS_FAILED.inc(totals["failed"])
        if totals["new"]:
            await self.refresh_version()
        return report

    async def scrape(self) -> ScrapeResult:
        try:
            report = await self.collect(trigger="api")
        except CollectionInProgress as exc:
            return ScrapeResult(
                saved_count=0,
                skipped_count=0,
                error_count=1,
                errors=[exc.message],
                error_codes=[exc.code],
            )
        totals = report.totals
        errors = [f"{f.name}: {f.error}" for f in report.feeds if f.error]
        return ScrapeResult(
            saved_count=totals["new"],
            skipped_count=totals["duplicate"],
            error_count=len(errors),
            errors=errors,
            error_codes=[FeedError.code] * len(errors),
        )

    async def read_league_log(self) -> LogReport:
        """One read of the league log; one writer at a time with the RSS collection."""
        report = await LeagueLogReader(self.settings, self.factory).run(lock=LockMode.SKIP)
        if any(o.new or o.revised or o.confirmed or o.log_only for o in report.logs):
            await self.refresh_version()
        return report

    async def translate(self, limit: int) -> TranslationResult:
        report = await anyio.to_thread.run_sync(
            lambda: translation.translate_pending(self.factory, self.translator, limit)
        )
        if report.translated:
            await self.refresh_version()
        return TranslationResult(
            translated_count=report.translated,
            error_count=report.failed,
            errors=report.errors,
            failed_count=report.failed,
            skipped=report.skipped,
        )

    async def refresh_version(self) -> None:
        """Read ``data_version``; a change empties this process's read cache."""

        def read() -> int:
            with self.factory() as session:
                return queries.data_version(session)

        try:
            version = await anyio.to_thread.run_sync(read)
        except Exception:
            # Unknown freshness: stop serving cached reads until the database answers.
            self.cache.version = None
            return
        self.cache.set_version(version)
        metrics.DATA_VERSION.set(version)

    async def poll_version(self, every: float = 0.5) -> None:
        while True:
            await self.refresh_version()
            await asyncio.sleep(every)

    async def collect_forever(self, interval: float) -> None:
        """The laptop's scheduler: collect, then translate, every ``interval`` seconds."""
        while True:
            try:
                await self.collect(trigger="serve")
                if self.settings.translator != "none":
                    await self.translate(100)
            except CollectionInProgress:
                log.info("Collection skipped: another process is collecting")
            except Exception:
                log.error("Scheduled collection failed", exc_info=True)
            await asyncio.sleep(interval)
