"""What a collection run writes besides the articles: the sources and their health, the
run's record, and the data version every API process watches.

Each function works in the caller's session (``store.engine.transaction``); the
articles themselves are written by :func:`nba_tracker.store.writer.store_items`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from nba_tracker.domain.news import FeedConfig
from nba_tracker.store.models import DataVersion, RunStatus, ScrapeRun, Source
from nba_tracker.store.reference import dialect_insert

__all__ = [
    "KnownSource",
    "RunStatus",
    "begin_run",
    "bump_data_version",
    "finish_run",
    "record_failure",
    "record_success",
    "sync_sources",
]

MAX_ERROR_CHARS = 2000


@dataclass(frozen=True)
class KnownSource:
    """An enabled feed's row: its id and the validators of its last conditional GET."""

    id: int
    name: str
    etag: str | None
    last_modified: str | None


def sync_sources(session: Session, feeds: Sequence[FeedConfig]) -> list[KnownSource]:
    """Make sure each configured feed has a source row; keep what the database says about
    enabled state (an operator may have switched one off) and the conditional-GET
    validators. Returns the feeds to fetch, in the order given."""
    if feeds:
        stmt = dialect_insert(session, Source).values(
            [
                {
                    "name": f.name,
                    "url": f.url,
                    "enabled": f.enabled,
                    "created_at": datetime.now(UTC),
                }
                for f in feeds
            ]
        )
        session.execute(
            stmt.on_conflict_do_update(index_elements=["name"], set_={"url": stmt.excluded.url})
        )
    rows = {
        s.name: s
        for s in session.scalars(select(Source).where(Source.name.in_([f.name for f in feeds])))
    }
    known = []
    for feed in feeds:
        row = rows[feed.name]
        if not (feed.enabled and row.enabled):
            continue
        # A URL change makes old validators meaningless.
        same_url = row.url == feed.url
        known.append(
            KnownSource(
                row.id,
                feed.name,
                row.etag if same_url else None,
                row.last_modified if same_url else None,
            )
        )
    return known


def record_success(
    session: Session,
    source_id: int,
    now: datetime,
    warning: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    keep_warning: bool = False,
) -> None:
    """The feed answered: new validators (when it sent any), failures reset, and the
    parser's warning, if any, kept as the source's last error. ``keep_warning``: the
    body was not parsed (every item was known), so the last parse's warning stands."""
    source = session.get(Source, source_id)
    if source is None:
        return
    if etag or last_modified:
        source.etag = etag
        source.last_modified = last_modified
    # A warning is recorded at a success (same time), a failure is not: only a warning
    # is the last parse's to keep.
    last_was_warning = source.last_error is not None and source.last_error_at == (
        source.last_success_at
    )
    source.last_success_at = now
    source.consecutive_failures = 0
    if keep_warning and last_was_warning:
        source.last_error_at = now
        return
    source.last_error = warning
    source.last_error_at = now if warning else source.last_error_at


def record_failure(session: Session, source_id: int, error: str, now: datetime) -> None:
    session.execute(
        update(Source)
        .where(Source.id == source_id)
        .values(
            last_error=error[:MAX_ERROR_CHARS],
            last_error_at=now,
            consecutive_failures=Source.consecutive_failures + 1,
        )
    )


def begin_run(session: Session, trigger: str, now: datetime) -> int:
    run = ScrapeRun(trigger=trigger, status=RunStatus.RUNNING, started_at=now)
    session.add(run)
    session.flush()
    return run.id


def abandon_unfinished_runs(session: Session, now: datetime) -> int:
    """Runs still ``running`` when a collector has just taken the lock: their collector
    is gone (or lost the lock for not beating). Returns how many."""
    result = session.execute(
        update(ScrapeRun)
        .where(ScrapeRun.status == RunStatus.RUNNING)
        .values(status=RunStatus.ABANDONED, finished_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def stuck_runs(session: Session, started_before: datetime) -> int:
    """How many runs are ``running`` although they started before ``started_before``."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(ScrapeRun)
            .where(ScrapeRun.status == RunStatus.RUNNING, ScrapeRun.started_at < started_before)
        )
        or 0
    )


def finish_run(
    session: Session,
    run_id: int,
    finished_at: datetime | None,
    status: RunStatus,
    feeds: list[dict[str, Any]],
    totals: dict[str, int],
) -> None:
    session.execute(
        update(ScrapeRun)
        # A run marked abandoned (its collector lost the lock) stays so.
        .where(ScrapeRun.id == run_id, ScrapeRun.status == RunStatus.RUNNING)
        .values(finished_at=finished_at, status=status, feeds=feeds, **totals)
    )


def bump_data_version(session: Session, now: datetime | None = None) -> None:
    """Readers' caches in every API process must drop what they hold."""
    session.execute(
        update(DataVersion)
        .where(DataVersion.id == 1)
        .values(version=DataVersion.version + 1, changed_at=now or datetime.now(UTC))
    )
