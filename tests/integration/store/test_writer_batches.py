"""``store_items`` on SQLite and PostgreSQL: what a racing collection stored first is
skipped with its links and leaves no story miscounted; of two items for one URL at one
instant the first in the feed is kept; teams, players known by NBA id and players only
named are all linked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

import nba_tracker.store.writer as writer
from nba_tracker.domain.analysis import Analysis
from nba_tracker.domain.labels import Category, Status
from nba_tracker.domain.news import AnalyzedItem, NewsItem
from nba_tracker.domain.players import PlayerMention
from nba_tracker.store.engine import SessionFactory, transaction
from nba_tracker.store.models import Article, ArticlePlayer, ArticleTeam, Player, Source, Story
from nba_tracker.store.writer import WriteResult, store_items

T0 = datetime(2026, 11, 20, 12, tzinfo=UTC)
UNKNOWN = "Zebulon Quillfeather"


def _item(
    n: int, url: str | None = None, at: datetime | None = None, players: tuple[str, ...] = ()
) -> AnalyzedItem:
    mentions = tuple(PlayerMention(name) for name in players)
    return AnalyzedItem(
        NewsItem(
            uid=f"uid-{n}",
            url=url or f"https://w.example/{n}",
            title=f"Grizzlies and Warriors discuss Ja Morant trade, part {n}",
            summary="Memphis has talked to Golden State.",
            published_at=at or T0 + timedelta(minutes=n),
            published_estimated=False,
        ),
        Analysis(Category.TRADE, Status.RUMOR, ("MEM", "GSW"), mentions, ()),
    )


def _with_known_player(session_factory: SessionFactory, a: AnalyzedItem) -> AnalyzedItem:
    with session_factory() as session:
        nba_id = session.scalar(select(Player.nba_id).where(Player.full_name == "Ja Morant"))
    assert nba_id is not None
    mentions = (PlayerMention("Ja Morant", nba_id), *a.analysis.players)
    return AnalyzedItem(
        a.item, Analysis(a.analysis.category, a.analysis.status, a.analysis.teams, mentions, ())
    )


def _store(factory: SessionFactory, items: list[AnalyzedItem]) -> WriteResult:
    with transaction(factory) as session:
        source = session.scalar(select(Source).where(Source.name == "W"))
        if source is None:
            source = Source(name="W", url="https://w.example/rss")
            session.add(source)
            session.flush()
        return store_items(session, source.id, source.name, items, T0 + timedelta(days=1))


def _counts(factory: SessionFactory) -> tuple[int, int, int]:
    with factory() as session:
        return (
            session.scalar(select(func.count()).select_from(Article)) or 0,
            session.scalar(select(func.count()).select_from(ArticleTeam)) or 0,
            session.scalar(select(func.count()).select_from(ArticlePlayer)) or 0,
        )


def test_what_a_racing_collection_stored_first_is_skipped_and_no_story_miscounted(
    factory: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = [_with_known_player(factory, _item(n)) for n in range(3)]
    assert _store(factory, first) == WriteResult(new=3, duplicate=0)
    assert _counts(factory) == (3, 6, 3)
    # The other collection committed these between this one's check and its insert.
    monkeypatch.setattr(writer, "_existing_uids_and_urls", lambda session, items: set())
    later = [_with_known_player(factory, _item(n)) for n in range(5)]
    assert _store(factory, later) == WriteResult(new=2, duplicate=3)
    assert _counts(factory) == (5, 10, 5)
    with factory() as session:
        counted = {
            r.id: r.article_count for r in session.execute(select(Story.id, Story.article_count))
        }
        members = {
            r.story_id: r.n
            for r in session.execute(
                select(Article.story_id, func.count().label("n")).group_by(Article.story_id)
            )
        }
    assert counted, "the trade rumours make a story"
    assert counted == members


def test_of_two_items_for_one_url_at_one_instant_the_first_in_the_feed_is_kept(
    factory: SessionFactory,
) -> None:
    # Newest first, as feeds list them, and enough ties that a sort by time not keeping
    # the feed's order among equals would reorder some.
    pairs = 40
    items = [
        _item(n, url=f"https://w.example/shared/{n % pairs}", at=T0 - timedelta(minutes=n % pairs))
        for n in range(2 * pairs)
    ]
    assert _store(factory, items) == WriteResult(new=pairs, duplicate=pairs)
    with factory() as session:
        kept = set(session.scalars(select(Article.uid)))
    assert kept == {f"uid-{n}" for n in range(pairs)}


def test_teams_players_known_by_nba_id_and_players_only_named_are_linked(
    factory: SessionFactory,
) -> None:
    a = _with_known_player(factory, _item(1, players=(UNKNOWN,)))
    assert _store(factory, [a, _item(2)]) == WriteResult(new=2, duplicate=0)
    with factory() as session:
        teams = session.scalar(select(func.count()).select_from(ArticleTeam))
        linked = set(
            session.scalars(
                select(Player.full_name)
                .join(ArticlePlayer, ArticlePlayer.player_id == Player.id)
                .join(Article, Article.id == ArticlePlayer.article_id)
                .where(Article.uid == "uid-1")
            )
        )
        created = session.scalar(select(Player.nba_id).where(Player.full_name == UNKNOWN))
    assert teams == 4
    assert linked == {"Ja Morant", UNKNOWN}
    assert created is None
