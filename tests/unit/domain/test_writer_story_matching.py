"""The story matching the writer's planner runs for every new article: with a single
candidate it skips ranking, and that shortcut must decide exactly as the full score does
(headlines compared where one shared team alone needs them)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from nba_tracker.domain.labels import Category, Status
from nba_tracker.domain.stories import StoryCandidate, find_story, same_story

EVAL = Path(__file__).resolve().parents[2] / "data" / "understanding_eval.jsonl"
T0 = datetime(2026, 1, 5, 12, tzinfo=UTC)


def _candidates() -> list[StoryCandidate]:
    rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line]
    return [
        StoryCandidate(
            key=f"k{n}",
            category=Category(row["category"]),
            status=Status(row["status"]) if row["status"] else None,
            teams=frozenset(row["teams"]),
            players=frozenset(row["players"]),
            published_at=T0 + timedelta(hours=n % 7),
            title=row["title"],
            source="eval",
        )
        for n, row in enumerate(rows)
    ]


def test_a_single_candidate_matches_exactly_when_the_full_score_says_so() -> None:
    stories = _candidates()
    decided = {"joined": 0, "refused_one_shared_team": 0}
    for article in stories:
        for story in stories:
            if story is article:
                continue
            expected = story.key if same_story(article, story) else None
            assert find_story(article, [story]) == expected, (article.title, story.title)
            if expected is not None:
                decided["joined"] += 1
            elif (
                article.category == story.category
                and len(article.teams & story.teams) == 1
                and not (article.players and story.players)
            ):
                decided["refused_one_shared_team"] += 1
    # The labelled headlines exercise both outcomes, not only the easy refusals.
    assert decided["joined"] > 100, decided
    assert decided["refused_one_shared_team"] > 100, decided


def test_of_several_candidates_the_best_scoring_one_is_chosen() -> None:
    stories = _candidates()
    compared = 0
    for article in stories:
        rivals = [s for s in stories if s is not article and same_story(article, s)]
        if len(rivals) < 2:
            continue
        chosen = next(s for s in rivals if s.key == find_story(article, rivals))
        for rival in rivals:
            assert find_story(article, [chosen, rival]) == chosen.key
            compared += 1
    assert compared > 100, compared
