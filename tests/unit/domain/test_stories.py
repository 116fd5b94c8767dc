"""Articles about one transaction become one story; unrelated ones do not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from nba_tracker.domain.analysis import analyze
from nba_tracker.domain.labels import Category, Status
from nba_tracker.domain.stories import (
    STORY_WINDOW,
    StoryCandidate,
    find_story,
    merge_status,
    same_story,
)

T0 = datetime(2025, 2, 2, 4, 0, tzinfo=UTC)


def candidate(
    key: str, title: str, summary: str = "", hours: float = 0, source: str = "ESPN"
) -> StoryCandidate:
    a = analyze(title, summary)
    return StoryCandidate(
        key=key,
        category=a.category,
        status=a.status,
        teams=frozenset(a.teams),
        players=frozenset(m.name for m in a.players),
        published_at=T0 + timedelta(hours=hours),
        title=title,
        source=source,
    )


def test_outlets_reporting_one_trade_are_one_story() -> None:
    espn = candidate(
        "espn",
        "Mavericks trade Luka Doncic to Lakers for Anthony Davis",
        "Dallas is sending Doncic to Los Angeles, sources told ESPN.",
    )
    reddit = candidate(
        "reddit",
        "[Charania] Lakers acquiring Luka Dončić from Mavericks",
        hours=0.5,
        source="r/nba",
    )
    official = candidate(
        "team", "Lakers complete trade for Luka Doncic", "The Lakers announced the trade.", hours=30
    )
    assert same_story(espn, reddit)
    assert find_story(official, [espn, reddit]) in {"espn", "reddit"}


def test_surname_only_report_joins_by_teams() -> None:
    full = candidate("a", "Mavericks trade Luka Doncic to Lakers for Anthony Davis")
    short = candidate("b", "Lakers, Mavericks agree to Doncic blockbuster", hours=2)
    assert short.players == frozenset()
    assert same_story(full, short)


def test_same_teams_different_players_are_different_stories() -> None:
    one = candidate("a", "Lakers sign Jake LaRavia", "The Lakers have signed LaRavia.")
    other = candidate("b", "Lakers sign Marcus Smart", "The Lakers have signed Smart.", hours=1)
    assert not same_story(one, other)
    assert find_story(other, [one]) is None


def test_unrelated_article_about_one_shared_team_is_not_merged() -> None:
    rumor = candidate("a", "Lakers' ideal trade target could be a 3-and-D wing")
    other = candidate("b", "Wizards acquire second-round pick, cash from Lakers", hours=3)
    assert not same_story(rumor, other)


def test_window_and_category() -> None:
    early = candidate("a", "Bucks waive Damian Lillard, will stretch remaining salary")
    late = candidate(
        "b", "Bucks waive Damian Lillard", hours=STORY_WINDOW.total_seconds() / 3600 + 1
    )
    assert not same_story(early, late)
    signing = candidate(
        "c", "Damian Lillard returning to Trail Blazers on three-year deal", hours=1
    )
    assert signing.category is Category.SIGNING
    assert not same_story(early, signing)


def test_best_match_wins() -> None:
    article = candidate("new", "Knicks officially acquire Karl-Anthony Towns from Timberwolves")
    weak = candidate("weak", "Knicks, Timberwolves discussed a trade", hours=-5)
    strong = candidate(
        "strong", "Timberwolves trading Karl-Anthony Towns to Knicks, sources say", hours=-4
    )
    assert find_story(article, [weak, strong]) == "strong"


def test_status_only_moves_up() -> None:
    assert merge_status(None, Status.RUMOR) is Status.RUMOR
    assert merge_status(Status.RUMOR, Status.REPORTED) is Status.REPORTED
    assert merge_status(Status.REPORTED, Status.OFFICIAL) is Status.OFFICIAL
    assert merge_status(Status.OFFICIAL, Status.RUMOR) is Status.OFFICIAL
    assert merge_status(Status.REPORTED, None) is Status.REPORTED


def test_an_exact_tie_goes_to_the_older_story_whatever_the_order() -> None:
    """Two stories that match the article exactly as well (same headline, same time):
    a stored story (an id) wins over one being made, the lower id over a higher one."""
    from dataclasses import replace

    article = candidate("new", "Knicks officially acquire Karl-Anthony Towns from Timberwolves")
    twin = candidate(
        "x", "Timberwolves trading Karl-Anthony Towns to Knicks, sources say", hours=-4
    )
    stored_low, stored_high = replace(twin, key=7), replace(twin, key=12)
    making = replace(twin, key="batch-1")
    for rivals in ([stored_high, making, stored_low], [making, stored_low, stored_high]):
        assert find_story(article, rivals) == 7
        assert find_story(article, list(reversed(rivals))) == 7
    assert find_story(article, [replace(twin, key="b"), replace(twin, key="a")]) == "a"
