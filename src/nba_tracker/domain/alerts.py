"""What an alert subscription asks for, and whether a story answers it.

A subscription follows any of teams, players and categories and names the least status
that counts ("reported or official"). An alert is owed once per (subscription, story,
status): a story climbing rumor → reported → official owes one per step the
subscription cares about, and a story sliding back (a later article merely *reporting*
what was official) owes nothing. Everything here is pure so the store, the CLI and the
API decide the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from nba_tracker.domain._fold import fold_key
from nba_tracker.domain.labels import Category, Status
from nba_tracker.domain.teams import ALL_TEAMS

__all__ = [
    "ALERT_STATUSES",
    "AlertFilter",
    "Channel",
    "StoryFacts",
    "SubscriptionIndex",
    "alert_text",
    "owed_status",
    "rank",
]

# Least to most certain. A story whose articles name no status is as good as a rumor.
ALERT_STATUSES: tuple[Status, ...] = (Status.RUMOR, Status.REPORTED, Status.OFFICIAL)
MAX_FILTER_ENTRIES = 50
_TEAM_CODES = frozenset(t.abbreviation for t in ALL_TEAMS)
_CATEGORY_NAMES = {c.value.lower(): c.value for c in Category}


class Channel(StrEnum):
    WEBHOOK = "webhook"
    DISCORD = "discord"
    SLACK = "slack"
    WEBPUSH = "webpush"
    SNS = "sns"


_RANK = {str(s): i for i, s in enumerate(ALERT_STATUSES)}


def rank(status: Status | str | None) -> int:
    """0 for rumor (or no status), 1 reported, 2 official."""
    if status is None or status == "":
        return 0
    try:
        return _RANK[str(status)]
    except KeyError:
        raise ValueError(f"unknown status {status!r}") from None


def effective_status(status: Status | str | None) -> Status:
    return ALERT_STATUSES[rank(status)]


@dataclass(frozen=True)
class StoryFacts:
    """The columns of a story that a filter reads."""

    id: int
    category: str
    status: str | None
    headline: str
    teams: frozenset[str] = frozenset()
    players: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AlertFilter:
    """Empty ``teams``, ``players`` or ``categories`` mean "any". With both teams and
    players given a story naming either matches: people follow a team *and* a few
    players, and want to hear about each."""

    teams: frozenset[str] = field(default_factory=frozenset)
    players: frozenset[str] = field(default_factory=frozenset)
    categories: frozenset[str] = field(default_factory=frozenset)
    least_status: Status = Status.REPORTED
    # Folded once: a filter is checked against every new story.
    player_keys: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "player_keys", frozenset(fold_key(p) for p in self.players))

    @classmethod
    def parse(
        cls,
        teams: Iterable[str] = (),
        players: Iterable[str] = (),
        categories: Iterable[str] = (),
        least_status: str | None = None,
    ) -> AlertFilter:
        """A filter from what a person typed; ``ValueError`` names what is wrong."""
        team_set = frozenset(t.strip().upper() for t in teams if t.strip())
        unknown = sorted(team_set - _TEAM_CODES)
        if unknown:
            raise ValueError(f"unknown team abbreviation(s): {', '.join(unknown)}")
        player_set = frozenset(p.strip() for p in players if p.strip())
        if any(len(p) > 100 for p in player_set):
            raise ValueError("a player name is at most 100 characters")
        by_name = _CATEGORY_NAMES
        category_set = set()
        for c in categories:
            if not c.strip():
                continue
            if c.strip().lower() not in by_name:
                raise ValueError(
                    f"unknown category {c.strip()!r}: one of {', '.join(x.value for x in Category)}"
                )
            category_set.add(by_name[c.strip().lower()])
        if max(len(team_set), len(player_set), len(category_set)) > MAX_FILTER_ENTRIES:
            raise ValueError(f"a filter names at most {MAX_FILTER_ENTRIES} of each")
        try:
            least = Status((least_status or Status.REPORTED.value).strip().lower())
        except ValueError:
            raise ValueError(
                f"unknown status {least_status!r}: one of rumor, reported, official"
            ) from None
        return cls(team_set, player_set, frozenset(category_set), least)

    def matches(self, story: StoryFacts) -> bool:
        """The story is about what is followed and at least as certain as asked."""
        if rank(story.status) < rank(self.least_status):
            return False
        if self.categories and story.category not in self.categories:
            return False
        if not self.teams and not self.players:
            return True
        if self.teams & story.teams:
            return True
        if self.player_keys:
            return any(fold_key(p) in self.player_keys for p in story.players)
        return False

    def describe(self) -> str:
        parts = [
            ", ".join(sorted(self.teams)) or None,
            ", ".join(sorted(self.players)) or None,
        ]
        who = " or ".join(p for p in parts if p) or "any team or player"
        what = ", ".join(sorted(self.categories)) or "any category"
        least = {
            Status.RUMOR: "any status",
            Status.REPORTED: "reported or official",
            Status.OFFICIAL: "official only",
        }[self.least_status]
        return f"{who}; {what}; {least}"


class SubscriptionIndex:
    """Subscriptions by the team or player they follow, so a story is checked against
    those that could match it (and the few that follow no one in particular), not
    against every subscription."""

    def __init__(self, subscriptions: Iterable[tuple[int, AlertFilter]]) -> None:
        self._by_key: dict[str, list[tuple[int, AlertFilter]]] = {}
        self._anyone: list[tuple[int, AlertFilter]] = []
        for sub in subscriptions:
            _id, f = sub
            if not f.teams and not f.players:
                self._anyone.append(sub)
            for team in f.teams:
                self._by_key.setdefault("t:" + team, []).append(sub)
            for key in f.player_keys:
                self._by_key.setdefault("p:" + key, []).append(sub)

    def __bool__(self) -> bool:
        return bool(self._by_key or self._anyone)

    def candidates(self, story: StoryFacts) -> list[tuple[int, AlertFilter]]:
        """Each subscription that may match ``story`` once, in id order."""
        found = {sub[0]: sub for sub in self._anyone}
        keys = ["t:" + t for t in story.teams] + ["p:" + fold_key(p) for p in story.players]
        for key in keys:
            for sub in self._by_key.get(key, ()):
                found[sub[0]] = sub
        return [found[k] for k in sorted(found)]


def owed_status(
    filter_: AlertFilter, story: StoryFacts, already: Sequence[str]
) -> tuple[Status, Status | None] | None:
    """The status an alert is owed for now, and the last one alerted before (for
    "now official"), or None: no match, or nothing more certain than what was sent."""
    if not filter_.matches(story):
        return None
    current = effective_status(story.status)
    previous = max((effective_status(s) for s in already), key=rank, default=None)
    if previous is not None and rank(previous) >= rank(current):
        return None
    return current, previous


def alert_text(headline: str, status: Status | str, previous: Status | str | None) -> str:
    """The one line every channel shows: "now official" when an earlier step was sent."""
    label = effective_status(status).value
    if previous is not None:
        return f"Now {label}: {headline}"
    return f"{label.capitalize()}: {headline}"
