"""What the store's reads return: plain values the API, the page and Atom render."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from nba_tracker.domain.teams import Team

__all__ = [
    "ArticleView",
    "NewsPage",
    "PlayerRef",
    "SourceHealth",
    "Stats",
    "StoryView",
    "TeamRef",
]


# A team in a read is the domain's own value (colours included), not a restatement.
TeamRef = Team


# Slotted: a page of news builds dozens of these per request, and every instance
# without a __dict__ is one object less for the garbage collector to track.
@dataclass(frozen=True, slots=True)
class PlayerRef:
    id: int
    full_name: str
    nba_id: int | None


@dataclass(slots=True)
class ArticleView:
    id: int
    uid: str
    title: str
    summary: str
    url: str
    source: str
    published_at: datetime
    published_estimated: bool
    category: str
    status: str | None
    title_ja: str | None
    summary_ja: str | None
    translation_status: str
    translated_at: datetime | None
    story_id: int | None
    teams: list[TeamRef] = field(default_factory=list)
    players: list[PlayerRef] = field(default_factory=list)
    picks: list[dict[str, Any]] = field(default_factory=list)
    # The phrase that decided each badge (empty for articles stored before evidence was).
    category_evidence: str = ""
    status_evidence: str = ""


@dataclass
class NewsPage:
    items: list[ArticleView]
    end_cursor: str | None
    has_next: bool


@dataclass
class StoryView:
    id: int
    category: str
    status: str | None
    headline: str
    first_reported_at: datetime
    last_reported_at: datetime
    article_count: int
    teams: list[str]
    players: list[str]
    sources: list[str] = field(default_factory=list)
    articles: list[ArticleView] = field(default_factory=list)
    # Why the story has its status: the evidence of its first article with that status.
    status_evidence: str = ""


@dataclass
class SourceHealth:
    name: str
    url: str
    enabled: bool
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int


@dataclass
class Stats:
    total: int
    by_category: list[tuple[str, int]]
    by_team: list[tuple[str, int]]
    by_day: list[tuple[str, int]]
