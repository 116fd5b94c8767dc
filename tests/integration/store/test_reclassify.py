"""``db reclassify`` on SQLite and PostgreSQL: the analysis changes, stored articles,
their links and their stories follow, the data version moves; an interrupted run
resumes after its last committed batch."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

import nba_tracker.store.reclassify as reclassify_module
from nba_tracker.domain.analysis import Analysis, TeamOf, analyze
from nba_tracker.domain.labels import Category, Status
from nba_tracker.domain.players import PlayerMention
from nba_tracker.ingest.pipeline import Collector
from nba_tracker.ingest.registry import FeedSpec
from nba_tracker.settings import Settings
from nba_tracker.store import queries
from nba_tracker.store.engine import SessionFactory, transaction
from nba_tracker.store.lock import LockMode
from nba_tracker.store.models import Article, ArticleTeam, ReclassifyProgress, Story, Team
from nba_tracker.store.reclassify import progress, reclassify
from tests.support.feeds import Item, realistic_items, rss

T0 = datetime(2026, 11, 20, 12, tzinfo=UTC)
RUMOR = "Grizzlies exploring Ja Morant trade with Warriors, sources say"
OFFICIAL = "Grizzlies trade Ja Morant to Warriors"
GAME = "Jayson Tatum scores 40 as Celtics beat Heat"
ITEMS = [
    Item(RUMOR, "https://w.example/1", "Memphis has talked to Golden State.", T0, "g-1"),
    Item(
        OFFICIAL,
        "https://w.example/2",
        "The Memphis Grizzlies have officially traded Ja Morant to the Golden State Warriors.",
        T0 + timedelta(hours=3),
        "g-2",
    ),
    Item(GAME, "https://w.example/3", "Game recap.", T0 + timedelta(hours=4), "g-3"),
]


def collect(factory: SessionFactory, path: Path, items: list[Item]) -> None:
    path.write_bytes(rss(items))
    asyncio.run(
        Collector(Settings(), factory).run([FeedSpec("Wire", str(path))], lock=LockMode.NONE)
    )


def by_title(factory: SessionFactory) -> dict[str, Article]:
    with transaction(factory) as session:
        return {a.title: a for a in session.scalars(select(Article))}


def assert_stories_consistent(factory: SessionFactory) -> None:
    """Every story counts exactly its articles; none is empty; no Other in a story."""
    with transaction(factory) as session:
        for story in session.scalars(select(Story)):
            members = session.scalar(
                select(func.count()).select_from(Article).where(Article.story_id == story.id)
            )
            assert members == story.article_count >= 1, story.headline
        assert not session.scalar(
            select(func.count())
            .select_from(Article)
            .where(Article.category == "Other", Article.story_id.is_not(None))
        )


def changed_analysis(title: str, summary: str, team_of: TeamOf | None = None) -> Analysis:
    """The rules changed their mind: the official trade is now a non-transaction, the
    game recap a signing with new evidence, a new team and player."""
    real = analyze(title, summary, team_of)
    if title.startswith(OFFICIAL):
        return replace(real, category=Category.OTHER, status=None, status_evidence="")
    if title.startswith(GAME):
        return replace(
            real,
            category=Category.SIGNING,
            status=Status.OFFICIAL,
            teams=("BOS",),
            players=(PlayerMention("Jayson Tatum", None),),
            category_evidence="scores 40",
            status_evidence="as Celtics beat",
        )
    return real


def test_changed_analysis_moves_articles_stories_and_the_data_version(
    factory: SessionFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    collect(factory, tmp_path / "wire.xml", ITEMS)
    before = by_title(factory)
    assert before[OFFICIAL].category == "Trade" and before[OFFICIAL].status == "official"
    assert before[OFFICIAL].status_evidence  # the collection stored the deciding phrase
    trade_story = before[RUMOR].story_id
    assert trade_story is not None and before[OFFICIAL].story_id == trade_story
    assert before[GAME].category == "Other" and before[GAME].story_id is None
    with transaction(factory) as session:
        version = queries.data_version(session)
        assert session.get(Story, trade_story).status == "official"  # type: ignore[union-attr]

    monkeypatch.setattr(reclassify_module, "analyze", changed_analysis)
    done = reclassify(factory, batch_size=2)
    assert (done.done, done.total, done.finished) == (3, 3, True)
    assert done.changed == 2

    after = by_title(factory)
    assert after[OFFICIAL].category == "Other" and after[OFFICIAL].status is None
    assert after[OFFICIAL].story_id is None
    game = after[GAME]
    assert (game.category, game.status) == ("Signing", "official")
    assert (game.category_evidence, game.status_evidence) == ("scores 40", "as Celtics beat")
    assert game.story_id is not None
    with transaction(factory) as session:
        # The trade story keeps the rumor alone: its status falls back, its count too.
        story = session.get(Story, trade_story)
        assert story is not None
        assert (story.status, story.article_count) == ("rumor", 1)
        new_story = session.get(Story, game.story_id)
        assert new_story is not None
        assert (new_story.category, new_story.status, new_story.headline) == (
            "Signing",
            "official",
            GAME,
        )
        assert new_story.players == ["Jayson Tatum"]
        teams = session.scalars(
            select(Team.abbreviation)
            .join(ArticleTeam, ArticleTeam.team_id == Team.id)
            .where(ArticleTeam.article_id == game.id)
        ).all()
        assert list(teams) == ["BOS"]
        assert queries.data_version(session) > version
        # Stories show the evidence of the article that gave them their status.
        [signing] = queries.stories(session, 20, category="Signing")
        assert signing.status_evidence == "as Celtics beat"
        view = queries.story_with_articles(session, trade_story)
        assert view is not None and view.status_evidence == after[RUMOR].status_evidence
    assert_stories_consistent(factory)

    # The rules are put back: a second run restores the first labels and stories.
    monkeypatch.setattr(reclassify_module, "analyze", analyze)
    reclassify(factory)
    restored = by_title(factory)
    assert restored[OFFICIAL].category == "Trade" and restored[OFFICIAL].status == "official"
    assert restored[OFFICIAL].story_id == restored[RUMOR].story_id
    assert restored[GAME].category == "Other" and restored[GAME].story_id is None
    with transaction(factory) as session:
        assert session.get(Story, restored[RUMOR].story_id).status == "official"  # type: ignore[union-attr, arg-type]
        assert session.get(Story, game.story_id) is None  # left empty, so removed
    assert_stories_consistent(factory)


def test_an_interrupted_run_resumes_after_its_last_batch(
    factory: SessionFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    collect(factory, tmp_path / "many.xml", realistic_items(23, "re"))
    seen: list[str] = []
    fail_after: list[int] = [12]

    def counting(title: str, summary: str, team_of: TeamOf | None = None) -> Analysis:
        if fail_after and len(seen) == fail_after[0]:
            raise KeyboardInterrupt  # the operator's Ctrl-C in the middle of a batch
        seen.append(title)
        return replace(analyze(title, summary, team_of), category_evidence="re-run")

    monkeypatch.setattr(reclassify_module, "analyze", counting)
    with pytest.raises(KeyboardInterrupt):
        reclassify(factory, batch_size=5)
    with transaction(factory) as session:
        state = progress(session)
        ids = sorted(session.scalars(select(Article.id)))
        assert state.done == 10 and state.last_article_id == ids[9] and not state.finished
        relabelled = set(
            session.scalars(select(Article.id).where(Article.category_evidence == "re-run"))
        )
        # Two batches committed; the third rolled back whole.
        assert relabelled == set(ids[:10])

    fail_after.clear()
    seen.clear()
    done = reclassify(factory, batch_size=5)
    assert len(seen) == 13  # only what the interrupted run had not committed
    assert (done.done, done.total, done.finished) == (23, 23, True)
    with transaction(factory) as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(Article)
                .where(Article.category_evidence != "re-run")
            )
            == 0
        )

    # A finished run is not resumed: the next one starts over, as --restart does.
    seen.clear()
    reclassify(factory, batch_size=50)
    assert len(seen) == 23
    fail_after.append(3)
    seen.clear()
    with pytest.raises(KeyboardInterrupt):
        reclassify(factory, batch_size=2)
    seen.clear()
    fail_after.clear()
    reclassify(factory, batch_size=2, restart=True)
    assert len(seen) == 23
    with transaction(factory) as session:
        row = session.get(ReclassifyProgress, 1)
        assert row is not None and row.finished_at is not None and row.done == 23
    assert_stories_consistent(factory)
