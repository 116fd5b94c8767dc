"""Readers' flags in the store on SQLite and PostgreSQL: the rate limit's count, the
listing, the labels-format export, and flags leaving with their article."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from nba_tracker.errors import QueryError
from nba_tracker.store import feedback
from nba_tracker.store.engine import SessionFactory, transaction
from nba_tracker.store.models import Article, Badge, Feedback
from tests.integration.store.test_reclassify import GAME, ITEMS, OFFICIAL, RUMOR, collect

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def uid(factory: SessionFactory, title: str) -> str:
    with transaction(factory) as session:
        return session.scalars(select(Article.uid).where(Article.title == title)).one()


def test_flags_count_list_and_export(factory: SessionFactory, tmp_path: Path) -> None:
    collect(factory, tmp_path / "wire.xml", ITEMS)
    with transaction(factory) as session:
        rumor = session.scalars(select(Article).where(Article.title == RUMOR)).one()
        assert feedback.flag(session, "no-such", Badge.STATUS, None, "k1", NOW) is None
        first = feedback.flag(session, rumor.uid, Badge.STATUS, None, "k1", NOW)
        assert first is not None and first.label == rumor.status and first.suggested is None
        # Suggesting what the badge already says is no suggestion.
        same = feedback.flag(session, rumor.uid, Badge.CATEGORY, "Trade", "k1", NOW)
        assert same is not None and same.suggested is None
        feedback.flag(
            session,
            uid(factory, OFFICIAL),
            Badge.STATUS,
            "reported",
            "k2",
            NOW - timedelta(hours=2),
        )
        feedback.flag(session, uid(factory, GAME), Badge.CATEGORY, "Other", "k2", NOW)
        with pytest.raises(QueryError):
            feedback.flag(session, uid(factory, GAME), Badge.STATUS, None, "k2", NOW)

    with transaction(factory) as session:
        hour_ago = NOW - timedelta(hours=1)
        assert feedback.flags_since(session, "k1", hour_ago) == 2
        assert feedback.flags_since(session, "k2", hour_ago) == 1  # one is older
        assert feedback.flags_since(session, "k3", hour_ago) == 0
        listed = feedback.list_flags(session)
        assert [f.created_at for f in listed] == sorted(
            (f.created_at for f in listed), reverse=True
        )
        assert {(f.title, f.badge, f.suggested) for f in listed} == {
            (RUMOR, "status", None),
            (RUMOR, "category", None),
            (OFFICIAL, "status", "reported"),
            (GAME, "category", None),
        }
        rows = {r["guid"]: r for r in feedback.export_rows(session)}

    assert set(rows) == {"g-1", "g-2", "g-3"}
    assert rows["g-1"]["confidence"] == "low" and rows["g-1"]["disputed"] == [
        "category",
        "status",
    ]
    assert rows["g-1"]["teams"] == ["GSW", "MEM"] and rows["g-1"]["players"] == ["Ja Morant"]
    assert (rows["g-2"]["category"], rows["g-2"]["status"]) == ("Trade", "reported")
    assert rows["g-2"]["confidence"] == "high" and "disputed" not in rows["g-2"]
    # "Other" confirmed by its reader: no suggestion differs, so it is only disputed.
    assert rows["g-3"]["category"] == "Other" and rows["g-3"]["status"] is None

    with transaction(factory) as session:
        session.execute(delete(Article).where(Article.title == RUMOR))
    with transaction(factory) as session:
        assert session.scalar(select(func.count()).select_from(Feedback)) == 2


@pytest.mark.parametrize(
    ("badge", "value", "expected"),
    [
        ("category", "trade", "Trade"),
        ("category", " Free Agency ", "Signing"),  # the original tracker's names too
        ("category", "banana", None),
        ("status", "OFFICIAL", "official"),
        ("status", "maybe", None),
    ],
)
def test_suggestions_are_spelled_as_the_tracker_does(
    badge: str, value: str, expected: str | None
) -> None:
    parsed = feedback.parse_badge(badge)
    if expected is None:
        with pytest.raises(QueryError):
            feedback.parse_suggestion(parsed, value)
    else:
        assert feedback.parse_suggestion(parsed, value) == expected
    assert feedback.parse_suggestion(parsed, "") is None
    with pytest.raises(QueryError):
        feedback.parse_badge("colour")
