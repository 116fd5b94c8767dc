"""The translation queue: articles waiting for Japanese text, and their results."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from nba_tracker.store.collection import bump_data_version
from nba_tracker.store.models import Article, TranslationStatus

__all__ = ["Pending", "Translated", "TranslationStatus", "pending", "requeue_failed", "save"]

MAX_ERROR_CHARS = 1000


@dataclass(frozen=True)
class Pending:
    id: int
    uid: str
    title: str
    summary: str


@dataclass(frozen=True)
class Translated:
    """The result for one article: its Japanese title and summary, or the error."""

    article_id: int
    title_ja: str | None = None
    summary_ja: str | None = None
    error: str | None = None


def pending(session: Session, limit: int, skip: Collection[int] = ()) -> list[Pending]:
    """The newest articles still waiting, except those in ``skip`` (tried in this run)."""
    rows = session.execute(
        select(Article.id, Article.uid, Article.title, Article.summary)
        .where(
            Article.translation_status == TranslationStatus.PENDING,
            Article.id.not_in(skip or {0}),
        )
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(limit)
    ).all()
    return [Pending(*row) for row in rows]


def save(session: Session, results: Sequence[Translated], now: datetime) -> None:
    for r in results:
        values = (
            {
                "translation_status": TranslationStatus.FAILED,
                "translation_error": r.error[:MAX_ERROR_CHARS],
            }
            if r.error is not None
            else {
                "translation_status": TranslationStatus.TRANSLATED,
                "translation_error": None,
                "title_ja": r.title_ja,
                "summary_ja": r.summary_ja,
                "translated_at": now,
            }
        )
        session.execute(update(Article).where(Article.id == r.article_id).values(**values))
    if any(r.error is None for r in results):
        # Readers' caches must show the new Japanese text.
        bump_data_version(session, now)


def requeue_failed(session: Session) -> int:
    """Put failed translations back in the queue (after fixing the cause)."""
    result = session.execute(
        update(Article)
        .where(Article.translation_status == TranslationStatus.FAILED)
        .values(translation_status=TranslationStatus.PENDING, translation_error=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
