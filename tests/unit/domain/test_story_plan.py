"""Story planning without a database: which story each new article joins, the status
precedence and the headline rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from nba_tracker.domain.analysis import Analysis
from nba_tracker.domain.labels import Category, Status
from nba_tracker.domain.news import AnalyzedItem
from nba_tracker.domain.players import PlayerMention
from nba_tracker.domain.stories import StoryCandidate
from nba_tracker.domain.story_plan import StorySummary, plan_stories

T0 = datetime(2026, 2, 5, 12, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    uid: str
    title: str
    published_at: datetime
    url: str = ""
    summary: str = ""
    published_estimated: bool = False


def item(
    uid: str,
    title: str,
    hours: float,
    status: Status | None,
    teams: tuple[str, ...] = ("MEM", "GSW"),
    players: tuple[str, ...] = ("Ja Morant",),
    category: Category = Category.TRADE,
) -> AnalyzedItem:
    return AnalyzedItem(
        Item(uid, title, T0 + timedelta(hours=hours), url=f"https://x.example/{uid}"),
        Analysis(category, status, teams, tuple(PlayerMention(p) for p in players), ()),
    )


def no_stories(_: Sequence[AnalyzedItem]) -> list[StoryCandidate]:
    return []


def test_outlets_reporting_one_trade_share_a_new_story() -> None:
    rumor = item("a", "Grizzlies exploring Ja Morant trade", 0, Status.RUMOR)
    official = item("b", "Grizzlies trade Ja Morant to Warriors", 5, Status.OFFICIAL)
    reported = item("c", "Morant deal agreed, sources say", 3, Status.REPORTED)
    plan = plan_stories([official, rumor, reported], "ESPN", no_stories)
    assert set(plan.assignment.values()) == {"new:0"}
    story = plan.new["new:0"]
    assert story.status is Status.OFFICIAL  # official supersedes reported supersedes rumor
    assert story.headline == "Grizzlies exploring Ja Morant trade"  # the earliest report
    assert story.article_count == 3
    assert story.first_reported_at == T0 and story.last_reported_at == T0 + timedelta(hours=5)
    assert [a.item.uid for a in plan.members["new:0"]] == ["a", "c", "b"]


def test_an_article_joins_the_stored_story_it_reports() -> None:
    stored = StoryCandidate(
        key=41,
        category=Category.TRADE,
        status=Status.RUMOR,
        teams=frozenset({"MEM", "GSW"}),
        players=frozenset({"Ja Morant"}),
        published_at=T0 - timedelta(hours=10),
        title="Warriors interested in Ja Morant",
        source="",
    )
    loaded: list[list[str]] = []

    def load(txs: Sequence[AnalyzedItem]) -> list[StoryCandidate]:
        loaded.append([a.item.uid for a in txs])
        return [stored]

    other = item("z", "Celtics waive Jordan Walsh", 1, None, ("BOS",), (), Category.OTHER)
    plan = plan_stories([item("a", "Morant traded", 1, Status.OFFICIAL), other], "ESPN", load)
    assert plan.assignment == {"a": 41}
    assert plan.new == {}
    assert loaded == [["a"]]  # "Other" news never belongs to a story and is not looked up


def test_different_players_are_different_stories() -> None:
    a = item("a", "Grizzlies trade Ja Morant", 0, Status.OFFICIAL)
    b = item("b", "Grizzlies trade Desmond Bane", 1, Status.OFFICIAL, players=("Desmond Bane",))
    plan = plan_stories([a, b], "ESPN", no_stories)
    assert plan.assignment == {"a": "new:0", "b": "new:1"}


def test_a_summary_of_the_stored_members_is_what_planning_built() -> None:
    members = [
        item("a", "Grizzlies exploring Ja Morant trade", 0, Status.RUMOR),
        item("b", "Grizzlies trade Ja Morant", 2, Status.OFFICIAL, teams=("MEM", "GSW", "BKN")),
    ]
    plan = plan_stories(members, "ESPN", no_stories)
    assert StorySummary.of_all(members) == plan.new["new:0"]
    assert plan.new["new:0"].teams == ["BKN", "GSW", "MEM"]
