"""Readers' flags on a badge ("wrong?"): stored with the article, counted per client for
the rate limit, listed for the operator and exported in the labelled corpus's format.

The API hashes the client's address before it gets here: this module never sees one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nba_tracker.domain.labels import Category, Status, normalize_category
from nba_tracker.errors import QueryError
from nba_tracker.store.models import (
    Article,
    Badge,
    Feedback,
    Source,
)
from nba_tracker.store.queries import article_links

__all__ = [
    "FlagView",
    "Flagged",
    "export_rows",
    "flag",
    "flags_since",
    "list_flags",
    "oldest_flag_since",
    "parse_badge",
    "parse_suggestion",
]

_STATUSES = {str(s): s for s in Status}


def parse_badge(value: object) -> Badge:
    if not isinstance(value, str) or value.strip().lower() not in {str(b) for b in Badge}:
        raise QueryError("badge must be 'category' or 'status'")
    return Badge(value.strip().lower())


def parse_suggestion(badge: Badge, value: object) -> str | None:
    """The label a reader proposes instead, in the tracker's spelling; None for none."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 20:
        raise QueryError("suggested must be a label")
    if badge is Badge.CATEGORY:
        category = normalize_category(value)
        if category is None:
            raise QueryError(f"unknown category; use one of {', '.join(map(str, Category))}")
        return str(category)
    status = _STATUSES.get(value.strip().lower())
    if status is None:
        raise QueryError("unknown status; use rumor, reported or official")
    return str(status)


@dataclass(frozen=True)
class Flagged:
    """The flag as stored: the label the badge showed and the one suggested."""

    id: int
    article_uid: str
    badge: str
    label: str | None
    suggested: str | None


def flags_since(session: Session, client_key: str, since: datetime) -> int:
    """How many flags one client made since ``since`` (the rate limit's count; an index
    on ``(client_key, created_at)`` answers it, and every process shares it)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Feedback)
            .where(Feedback.client_key == client_key, Feedback.created_at >= since)
        )
        or 0
    )


def oldest_flag_since(session: Session, client_key: str, since: datetime) -> datetime | None:
    """When the oldest of a client's flags since ``since`` was made: the limit lifts once
    it leaves the window."""
    return session.scalar(
        select(func.min(Feedback.created_at)).where(
            Feedback.client_key == client_key, Feedback.created_at >= since
        )
    )


def flag(
    session: Session,
    article_uid: str,
    badge: Badge,
    suggested: str | None,
    client_key: str,
    now: datetime,
) -> Flagged | None:
    """Store one flag; None when no article has ``article_uid``."""
    row = session.execute(
        select(Article.id, Article.category, Article.status).where(Article.uid == article_uid[:40])
    ).first()
    if row is None:
        return None
    if badge is Badge.STATUS and row.category == str(Category.OTHER) and suggested is None:
        raise QueryError("this article has no status to flag")
    label = row.category if badge is Badge.CATEGORY else row.status
    feedback = Feedback(
        article_id=row.id,
        badge=str(badge),
        label=label,
        suggested=suggested if suggested != label else None,
        client_key=client_key,
        created_at=now,
    )
    session.add(feedback)
    session.flush()
    return Flagged(feedback.id, article_uid, feedback.badge, label, feedback.suggested)


@dataclass(frozen=True)
class FlagView:
    id: int
    created_at: datetime
    article_id: int
    article_uid: str
    guid: str | None
    url: str
    source: str
    title: str
    badge: str
    label: str | None  # what the badge said when flagged
    current: str | None  # what it says now
    suggested: str | None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created_at": self.created_at.isoformat(),
            "article": self.article_uid,
            "guid": self.guid,
            "url": self.url,
            "source": self.source,
            "title": self.title,
            "badge": self.badge,
            "label": self.label,
            "current": self.current,
            "suggested": self.suggested,
        }


def list_flags(session: Session, limit: int | None = None) -> list[FlagView]:
    """Flags, newest first (the client key is not shown: it identifies no one, and
    listing it would only help correlate a reader's flags)."""
    stmt = (
        select(
            Feedback.id,
            Feedback.created_at,
            Feedback.badge,
            Feedback.label,
            Feedback.suggested,
            Article.id.label("article_id"),
            Article.uid,
            Article.guid,
            Article.url,
            Article.title,
            Article.category,
            Article.status,
            Source.name.label("source"),
        )
        .join(Article, Article.id == Feedback.article_id)
        .join(Source, Source.id == Article.source_id)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        FlagView(
            id=r.id,
            created_at=r.created_at,
            article_id=r.article_id,
            article_uid=r.uid,
            guid=r.guid,
            url=r.url,
            source=r.source,
            title=r.title,
            badge=r.badge,
            label=r.label,
            current=r.category if r.badge == Badge.CATEGORY else r.status,
            suggested=r.suggested,
        )
        for r in session.execute(stmt)
    ]


def export_rows(session: Session) -> Iterator[dict[str, Any]]:
    """One labels-format row per flagged article (keys as in ``tests/data/labels``).

    The article's current labels, teams and players, with every suggestion applied
    (the latest per badge wins). A badge flagged without a suggestion keeps its label,
    is named in ``disputed`` and makes the row's confidence ``low``: it says the label
    is doubtful, not what it should be. ``guid`` is the feed's guid, else the link."""
    flags: dict[int, list[Any]] = {}
    for r in session.execute(
        select(Feedback.article_id, Feedback.badge, Feedback.suggested).order_by(
            Feedback.created_at, Feedback.id
        )
    ):
        flags.setdefault(r.article_id, []).append(r)
    ids = list(flags)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        teams, players = article_links(session, chunk)
        for a in session.execute(
            select(Article.id, Article.guid, Article.url, Article.category, Article.status)
            .where(Article.id.in_(chunk))
            .order_by(Article.id)
        ):
            yield _export_row(
                a,
                flags[a.id],
                [t.abbreviation for t in teams.get(a.id, [])],
                [p.full_name for p in players.get(a.id, [])],
            )


def _export_row(a: Any, flags: list[Any], teams: list[str], players: list[str]) -> dict[str, Any]:
    labels: dict[str, str | None] = {"category": a.category, "status": a.status}
    disputed: list[str] = []
    for f in flags:
        if f.suggested:
            labels[f.badge] = f.suggested
            if f.badge in disputed:
                disputed.remove(f.badge)
        elif f.badge not in disputed:
            disputed.append(f.badge)
    category = labels["category"] or str(Category.OTHER)
    # A non-transaction has no status; a transaction without one is not yet decided.
    status = None if category == str(Category.OTHER) else labels["status"]
    if category != str(Category.OTHER) and status is None and "status" not in disputed:
        # Suggested into a transaction from "Other": nobody has said what status it is.
        disputed.append("status")
    row: dict[str, Any] = {
        "guid": a.guid or a.url,
        "category": category,
        "status": status,
        "teams": teams,
        "players": players,
        "confidence": "low" if disputed else "high",
    }
    if disputed:
        row["disputed"] = sorted(disputed)
    return row
