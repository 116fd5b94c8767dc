"""Translate pending articles in batches: ``pending`` → ``translated`` | ``failed``.

Runs after collection, never inside it: a slow or failing translator delays nothing
but the Japanese text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from nba_tracker.store.engine import transaction
from nba_tracker.store.models import Article, DataVersion
from nba_tracker.translate.backends import NoTranslator, TranslationError, Translator

BATCH = 25
# article id, Japanese title, Japanese summary, error
_Result = tuple[int, str | None, str | None, str | None]


@dataclass
class TranslationReport:
    translated: int = 0
    failed: int = 0
    skipped: bool = False
    # "<article uid>: <reason>" for each failure, as the API reports them.
    errors: list[str] = field(default_factory=list)


def translate_pending(
    factory: sessionmaker[Session], translator: Translator, limit: int = 100, batch: int = BATCH
) -> TranslationReport:
    report = TranslationReport()
    if isinstance(translator, NoTranslator):
        report.skipped = True
        return report
    done: set[int] = set()
    while report.translated + report.failed < limit:
        size = min(batch, limit - report.translated - report.failed)
        with factory() as session:
            rows = session.execute(
                select(Article.id, Article.uid, Article.title, Article.summary)
                .where(Article.translation_status == "pending", Article.id.not_in(done or {0}))
                .order_by(Article.published_at.desc(), Article.id.desc())
                .limit(size)
            ).all()
        if not rows:
            break
        results: list[_Result] = []
        for article_id, uid, title, summary in rows:
            done.add(article_id)
            try:
                results.append(
                    (article_id, translator.translate(title), translator.translate(summary), None)
                )
            except TranslationError as exc:
                results.append((article_id, None, None, str(exc)[:1000]))
                report.errors.append(f"{uid}: {str(exc)[:200]}")
        _save(factory, results)
        report.translated += sum(1 for r in results if r[3] is None)
        report.failed += sum(1 for r in results if r[3] is not None)
    return report


def _save(
    factory: sessionmaker[Session], results: list[tuple[int, str | None, str | None, str | None]]
) -> None:
    now = datetime.now(UTC)
    with transaction(factory) as session:
        for article_id, title_ja, summary_ja, error in results:
            values = (
                {"translation_status": "failed", "translation_error": error}
                if error
                else {
                    "translation_status": "translated",
                    "translation_error": None,
                    "title_ja": title_ja,
                    "summary_ja": summary_ja,
                    "translated_at": now,
                }
            )
            session.execute(update(Article).where(Article.id == article_id).values(**values))
        if any(error is None for *_, error in results):
            # Readers' caches must show the new Japanese text.
            session.execute(
                update(DataVersion)
                .where(DataVersion.id == 1)
                .values(version=DataVersion.version + 1, changed_at=now)
            )


def retry_failed(factory: sessionmaker[Session]) -> int:
    """Put failed translations back in the queue (after fixing the cause)."""
    with transaction(factory) as session:
        result = session.execute(
            update(Article)
            .where(Article.translation_status == "failed")
            .values(translation_status="pending", translation_error=None)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
