"""Which story each new article belongs to, decided in memory before anything is written.

The store loads the recent stories that could match (:class:`StoryCandidate`) and writes
the plan; everything in between is here and needs no database: the index that keeps the
comparison to stories sharing a team or player, the precedence of statuses (a later
``official`` supersedes ``reported`` supersedes ``rumor``) and the headline rule (the
earliest report names the story).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from nba_tracker.domain.labels import Category, Status
from nba_tracker.domain.news import AnalyzedItem
from nba_tracker.domain.stories import StoryCandidate, find_story, merge_status

__all__ = ["CandidateIndex", "StoryPlan", "StorySummary", "plan_stories", "transactions"]

StoryKey = int | str  # a stored story's id, or "new:<n>" for one this plan creates


@dataclass
class StorySummary:
    """A story's columns as its articles make them."""

    category: Category
    status: Status | None
    headline: str
    first_reported_at: datetime
    last_reported_at: datetime
    article_count: int
    teams: list[str]
    players: list[str]

    @classmethod
    def of(cls, a: AnalyzedItem) -> StorySummary:
        return cls(
            category=a.analysis.category,
            status=a.analysis.status,
            headline=a.item.title,
            first_reported_at=a.item.published_at,
            last_reported_at=a.item.published_at,
            article_count=1,
            teams=sorted(set(a.analysis.teams)),
            players=sorted({m.name for m in a.analysis.players}),
        )

    @classmethod
    def of_all(cls, members: Sequence[AnalyzedItem]) -> StorySummary:
        summary = cls.of(members[0])
        for a in members[1:]:
            summary.extend(a)
        return summary

    def extend(self, a: AnalyzedItem) -> None:
        """A later ``official`` supersedes ``reported`` supersedes ``rumor``; the earliest
        report gives the story its headline."""
        self.status = merge_status(self.status, a.analysis.status)
        self.article_count += 1
        if a.item.published_at < self.first_reported_at:
            self.first_reported_at = a.item.published_at
            self.headline = a.item.title
        self.last_reported_at = max(self.last_reported_at, a.item.published_at)
        # Most reports of a story name no one new: the lists are re-sorted only if they do.
        teams = a.analysis.teams
        if any(t not in self.teams for t in teams):
            self.teams = sorted(set(self.teams).union(teams))
        players = [m.name for m in a.analysis.players]
        if any(p not in self.players for p in players):
            self.players = sorted(set(self.players).union(players))


class CandidateIndex:
    """Stories indexed by (category, team) and (category, player): a story can only match
    an article it shares one of those with, so each article is compared with those alone
    instead of with every recent story."""

    def __init__(self, stories: Iterable[StoryCandidate] = ()) -> None:
        self.stories: dict[StoryKey, StoryCandidate] = {}
        self._by_entity: dict[tuple[str, str], set[StoryKey]] = {}
        for story in stories:
            self.put(story)

    @staticmethod
    def _entities(story: StoryCandidate) -> list[tuple[str, str]]:
        category = str(story.category)
        return [(category, f"t:{t}") for t in story.teams] + [
            (category, f"p:{p}") for p in story.players
        ]

    def put(self, story: StoryCandidate, entities: list[tuple[str, str]] | None = None) -> None:
        """Index ``story`` (by ``entities`` when the caller has them already)."""
        self.stories[story.key] = story
        for entity in self._entities(story) if entities is None else entities:
            self._by_entity.setdefault(entity, set()).add(story.key)

    def grow(self, key: StoryKey, article: StoryCandidate, entities: list[tuple[str, str]]) -> None:
        """Story ``key`` takes ``article`` in; the story is already indexed by what it had,
        so only the article's ``entities`` are added (re-indexing a story of hundreds of
        articles by all its teams and players for each one was most of the planning)."""
        self.stories[key] = _grow(self.stories[key], article)
        for entity in entities:
            self._by_entity.setdefault(entity, set()).add(key)

    def related(
        self, article: StoryCandidate, entities: list[tuple[str, str]] | None = None
    ) -> list[StoryCandidate]:
        keys: set[StoryKey] = set()
        for entity in self._entities(article) if entities is None else entities:
            keys |= self._by_entity.get(entity, _NONE)
        return [self.stories[k] for k in keys]


_NONE: frozenset[StoryKey] = frozenset()


@dataclass
class StoryPlan:
    """``assignment`` maps article uid → a stored story's id or a key of ``new``;
    ``members`` lists each story's new articles (to count what was really inserted)."""

    assignment: dict[str, StoryKey] = field(default_factory=dict)
    new: dict[str, StorySummary] = field(default_factory=dict)
    members: dict[StoryKey, list[AnalyzedItem]] = field(default_factory=dict)


def transactions(items: Iterable[AnalyzedItem]) -> list[AnalyzedItem]:
    """The items that can belong to a story (not "Other"), oldest first."""
    return sorted(
        (a for a in items if a.analysis.category != Category.OTHER),
        key=lambda x: x.item.published_at,
    )


def plan_stories(
    items: Sequence[AnalyzedItem],
    source_name: str,
    load_candidates: Callable[[Sequence[AnalyzedItem]], Iterable[StoryCandidate]],
) -> StoryPlan:
    """Each transaction article joins the story it reports, or starts one.

    ``load_candidates`` gets the transaction articles and returns the stored stories
    that may match them (the store reads them in one query)."""
    plan = StoryPlan()
    ordered = transactions(items)
    if not ordered:
        return plan
    candidates = CandidateIndex(load_candidates(ordered))
    for a in ordered:
        analysis = a.analysis
        mine = StoryCandidate(
            key=a.item.uid,
            category=analysis.category,
            status=analysis.status,
            teams=frozenset(analysis.teams),
            players=frozenset(m.name for m in analysis.players),
            published_at=a.item.published_at,
            title=a.item.title,
            source=source_name,
        )
        entities = candidates._entities(mine)
        match = find_story(mine, candidates.related(mine, entities))
        key: StoryKey
        if match is None:
            key = f"new:{len(plan.new)}"
            plan.new[key] = StorySummary.of(a)
            candidates.put(replace(mine, key=key), entities)
        else:
            key = match if isinstance(match, str) else int(match)
            if isinstance(match, str):
                plan.new[match].extend(a)
            candidates.grow(key, mine, entities)
        plan.assignment[a.item.uid] = key
        plan.members.setdefault(key, []).append(a)
    return plan


def _grow(story: StoryCandidate, article: StoryCandidate) -> StoryCandidate:
    status = merge_status(story.status, article.status)
    if status == story.status and article.teams <= story.teams and article.players <= story.players:
        return story  # the usual report of a known story: nothing to change
    # Built directly: ``dataclasses.replace`` cost more than the rest of a match.
    return StoryCandidate(
        key=story.key,
        category=story.category,
        status=status,
        teams=story.teams | article.teams,
        players=story.players | article.players,
        published_at=story.published_at,
        title=story.title,
        source=story.source,
    )
