"""Which stories report which of the league's transactions.

A story reports a transaction when it names one of its players (or, for a pick-only
trade, every team in it), its category is the transaction's, and it was reported in the
window around the day the league recorded it: outlets report a move days before the
paperwork is filed, and the league sometimes backdates a row by a day or two.

Outcomes:

- **confirmed**: the story becomes official, with the log row as its evidence;
- **contradicted**: the story says *official* and names the player, but puts him with a
  team the transaction does not involve: flagged, not silently kept;
- **unreported**: no story reports the transaction: it becomes a story of its own
  ("official, no outlet yet").

Rumors are never confirmed: "the Lakers are interested in X" is not a report of the
signing that followed a month later.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from nba_tracker.domain.labels import Category, Status
from nba_tracker.domain.league_log import LogTransaction

__all__ = ["MatchResult", "StoryFacts", "Window", "match_transactions", "same_category"]

# A signing is reported up to a week before the league records it (a deal "agreed" on
# the first night of free agency is signed on the 6th); trades a few days before.
BEFORE_DAYS = 10
AFTER_DAYS = 3


@dataclass(frozen=True, slots=True)
class Window:
    before: timedelta = timedelta(days=BEFORE_DAYS)
    after: timedelta = timedelta(days=AFTER_DAYS)

    def covers(self, day: date, first: datetime, last: datetime) -> bool:
        """The story's reporting overlaps [day - before, day + after]."""
        start = datetime.combine(day, datetime.min.time(), first.tzinfo) - self.before
        end = datetime.combine(day, datetime.max.time(), first.tzinfo) + self.after
        return first <= end and last >= start


@dataclass(frozen=True, slots=True)
class StoryFacts:
    """What matching needs of a story (or of one article, when measuring)."""

    id: int | str
    category: Category
    status: Status | None
    teams: frozenset[str]
    player_ids: frozenset[int]
    first_reported_at: datetime
    last_reported_at: datetime


@dataclass
class MatchResult:
    confirmed: list[tuple[str, int | str]] = field(default_factory=list)
    # (group id, story id, why)
    contradicted: list[tuple[str, int | str, str]] = field(default_factory=list)
    unreported: list[str] = field(default_factory=list)


# Outlets call an extension a signing ("re-signs for four years") and the log files a
# veteran extension under Signing, so the two categories match each other.
_COMPATIBLE = {
    Category.TRADE: {Category.TRADE},
    Category.SIGNING: {Category.SIGNING, Category.EXTENSION},
    Category.EXTENSION: {Category.EXTENSION, Category.SIGNING},
    Category.WAIVER: {Category.WAIVER},
}


def same_category(story: Category, log: Category) -> bool:
    return log in _COMPATIBLE.get(story, set())


def _names_it(story: StoryFacts, tx: LogTransaction) -> bool:
    if story.player_ids & tx.player_ids:
        return True
    # A pick-only trade has no player: every team of it must be named.
    return not tx.player_ids and bool(tx.teams) and tx.teams <= story.teams


def _contradiction(story: StoryFacts, tx: LogTransaction) -> str | None:
    """Why an *official* story cannot be this transaction, or None: it names a player of
    the transaction but not the team the league records him with."""
    if story.status is not Status.OFFICIAL or not story.teams:
        return None
    shared = sorted(story.player_ids & tx.player_ids)
    if not shared:
        return None if story.teams & tx.teams else "none of the transaction's teams"
    for pid in shared:
        team = tx.team_of(pid)
        if team is None or team in story.teams:
            return None
    pid = shared[0]
    return (
        f"the league log ({tx.group_id}, {tx.day.isoformat()}) records player {pid} "
        f"with {tx.team_of(pid)}, not {'/'.join(sorted(story.teams))}"
    )


def match_transactions(
    transactions: Sequence[LogTransaction],
    stories: Iterable[StoryFacts],
    window: Window | None = None,
) -> MatchResult:
    """Every transaction against every story that could report it."""
    window = window or Window()
    by_player: dict[int, list[StoryFacts]] = {}
    by_team: dict[str, list[StoryFacts]] = {}
    for story in stories:
        if story.status not in {Status.REPORTED, Status.OFFICIAL}:
            continue
        for pid in story.player_ids:
            by_player.setdefault(pid, []).append(story)
        for team in story.teams:
            by_team.setdefault(team, []).append(story)
    result = MatchResult()
    for tx in transactions:
        pool: dict[int | str, StoryFacts] = {}
        for pid in tx.player_ids:
            pool.update((s.id, s) for s in by_player.get(pid, ()))
        if not tx.player_ids:
            for team in tx.teams:
                pool.update((s.id, s) for s in by_team.get(team, ()))
        reported = False
        for story in pool.values():
            if not same_category(story.category, tx.category) or not _names_it(story, tx):
                continue
            if not window.covers(tx.day, story.first_reported_at, story.last_reported_at):
                continue
            why = _contradiction(story, tx)
            if why:
                result.contradicted.append((tx.group_id, story.id, why))
                continue
            if story.teams and not story.teams & tx.teams:
                # Reported with another team: a different move of the same player.
                continue
            result.confirmed.append((tx.group_id, story.id))
            reported = True
        if not reported:
            result.unreported.append(tx.group_id)
    return result
