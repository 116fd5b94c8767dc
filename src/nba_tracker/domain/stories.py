"""Linking articles from different outlets that report the same transaction.

Two articles are one story when they share a category, fall within
``STORY_WINDOW`` of each other, and name the same deal: a shared player whose teams
do not contradict, or — when a side names no player — at least two shared teams, or
one shared team and a similar headline. Different players on both sides means
different transactions, however many teams they share.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from nba_tracker.domain._fold import fold_key
from nba_tracker.domain.labels import Category, Status

__all__ = [
    "STORY_WINDOW",
    "StoryCandidate",
    "find_story",
    "headline_similarity",
    "merge_status",
    "same_story",
    "story_window",
]

STORY_WINDOW = timedelta(hours=72)


def story_window(times: Iterable[datetime]) -> tuple[datetime, datetime]:
    """From ``STORY_WINDOW`` before the earliest of ``times`` to as long after the
    latest, saturating at the calendar's ends instead of raising ``OverflowError``
    (a feed's "0001-01-01" must not fail the feed it came in)."""
    ordered = sorted(times)
    earliest, latest = ordered[0], ordered[-1]
    floor = datetime.min.replace(tzinfo=earliest.tzinfo)
    ceiling = datetime.max.replace(tzinfo=latest.tzinfo)
    since = earliest - STORY_WINDOW if earliest - floor > STORY_WINDOW else floor
    until = latest + STORY_WINDOW if ceiling - latest > STORY_WINDOW else ceiling
    return since, until


_SIMILAR_HEADLINES = 0.35
_RANK = {Status.RUMOR: 1, Status.REPORTED: 2, Status.OFFICIAL: 3}
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "in",
        "on",
        "for",
        "with",
        "and",
        "or",
        "as",
        "at",
        "by",
        "from",
        "per",
        "is",
        "are",
        "be",
        "has",
        "have",
        "after",
        "sources",
        "source",
        "say",
        "says",
        "said",
        "report",
        "reports",
        "reportedly",
        "official",
        "officially",
        "deal",
        "trade",
        "trades",
        "traded",
        "sign",
        "signs",
        "signed",
        "agree",
        "agrees",
        "agreed",
        "nba",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class StoryCandidate:
    key: int | str
    category: Category
    status: Status | None
    teams: frozenset[str]
    players: frozenset[str]
    published_at: datetime
    title: str
    source: str


def merge_status(current: Status | None, new: Status | None) -> Status | None:
    """The more certain of two statuses: official > reported > rumor."""
    if current is None:
        return new
    if new is None:
        return current
    return new if _RANK[new] > _RANK[current] else current


@lru_cache(maxsize=16_384)
def _words(title: str) -> frozenset[str]:
    # Cached: a feed's planning compares each headline with many stories, and folding and
    # splitting it again for every comparison was most of the planner's time.
    return frozenset(w for w in _WORD.findall(fold_key(title)) if w not in _STOP)


def headline_similarity(a: str, b: str) -> float:
    """Jaccard overlap of the headlines' content words, 0..1."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    shared = len(wa & wb)
    return shared / (len(wa) + len(wb) - shared)


def _score(a: StoryCandidate, b: StoryCandidate, ranked: bool = True) -> float | None:
    """How strongly ``a`` and ``b`` look like one story; None when they are not.
    ``ranked=False``: only whether they are, the headlines compared only where the rule
    needs them (what is returned is then just not None)."""
    if a.category != b.category or a.category == Category.OTHER:
        return None
    if abs(a.published_at - b.published_at) > STORY_WINDOW:
        return None
    shared_players = a.players & b.players
    shared_teams = a.teams & b.teams
    if shared_players:
        if a.teams and b.teams and not shared_teams:
            return None
        score = 3.0 * len(shared_players) + len(shared_teams)
        return score + headline_similarity(a.title, b.title) if ranked else score
    if (a.players and b.players) or not shared_teams:
        return None
    if len(shared_teams) >= 2 and not ranked:
        return float(len(shared_teams))
    similarity = headline_similarity(a.title, b.title)
    if len(shared_teams) >= 2 or similarity >= _SIMILAR_HEADLINES:
        return len(shared_teams) + 2.0 * similarity
    return None


def same_story(a: StoryCandidate, b: StoryCandidate) -> bool:
    return _score(a, b) is not None


def find_story(article: StoryCandidate, candidates: Iterable[StoryCandidate]) -> int | str | None:
    """Key of the candidate story ``article`` belongs to (the best match), or None."""
    rivals = [c for c in candidates if c.key != article.key]
    if len(rivals) == 1:
        # The usual case: with one candidate, whether it matches decides, not how well.
        return rivals[0].key if _score(article, rivals[0], ranked=False) is not None else None
    best: tuple[float, datetime] | None = None
    best_key: int | str | None = None
    for candidate in rivals:
        score = _score(article, candidate)
        if score is None:
            continue
        rank = (score, candidate.published_at)
        if best is None or rank > best or (rank == best and _older(candidate.key, best_key)):
            best, best_key = rank, candidate.key
    return best_key


def _older(key: int | str, than: int | str | None) -> bool:
    """Between candidates that match exactly as well, the older story takes the article:
    a stored one (an id) before one this batch is making (a text key), a lower id first.
    Without it the winner would follow the order candidates arrive in, which is a set's."""
    if than is None:
        return True
    if isinstance(key, int) != isinstance(than, int):
        return isinstance(key, int)
    return (key < than) if isinstance(key, int) and isinstance(than, int) else str(key) < str(than)
