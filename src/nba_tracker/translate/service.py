"""Translate pending articles in batches: ``pending`` → ``translated`` | ``failed``.

Runs after collection, never inside it: a slow or failing translator delays nothing
but the Japanese text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from nba_tracker.errors import TranslationError
from nba_tracker.store import translations as queue
from nba_tracker.store.engine import SessionFactory, transaction
from nba_tracker.translate.backends import NoTranslator, Translator

BATCH = 25


@dataclass
class TranslationReport:
    translated: int = 0
    failed: int = 0
    skipped: bool = False
    # "<article uid>: <reason>" for each failure, as the API reports them.
    errors: list[str] = field(default_factory=list)


def translate_pending(
    factory: SessionFactory, translator: Translator, limit: int = 100, batch: int = BATCH
) -> TranslationReport:
    report = TranslationReport()
    if isinstance(translator, NoTranslator):
        report.skipped = True
        return report
    done: set[int] = set()
    while report.translated + report.failed < limit:
        size = min(batch, limit - report.translated - report.failed)
        with factory() as session:
            rows = queue.pending(session, size, done)
        if not rows:
            break
        results: list[queue.Translated] = []
        for row in rows:
            done.add(row.id)
            try:
                results.append(
                    queue.Translated(
                        row.id, translator.translate(row.title), translator.translate(row.summary)
                    )
                )
            except TranslationError as exc:
                results.append(queue.Translated(row.id, error=str(exc)))
                report.errors.append(f"{row.uid}: {str(exc)[:200]}")
        with transaction(factory) as session:
            queue.save(session, results, datetime.now(UTC))
        report.translated += sum(1 for r in results if r.error is None)
        report.failed += sum(1 for r in results if r.error is not None)
    return report


def retry_failed(factory: SessionFactory) -> int:
    """Put failed translations back in the queue (after fixing the cause)."""
    with transaction(factory) as session:
        return queue.requeue_failed(session)
