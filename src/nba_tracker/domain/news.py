"""What the store is handed to write: an item as read from a feed, and what the tracker
understood of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # a name in annotations only: parsing a feed need not load the model
    from nba_tracker.domain.analysis import Analysis

__all__ = ["AnalyzedItem", "FeedConfig", "NewsItem"]


@dataclass(frozen=True)
class NewsItem:
    """An item's own fields, as the story planner and the store read them.
    :class:`~nba_tracker.ingest.parse.ParsedItem` is this item as a feed gives it (its
    text cleaned, its guid kept); the store reads it back as this value to plan again."""

    uid: str
    url: str
    title: str
    summary: str
    published_at: datetime
    published_estimated: bool


class FeedConfig(Protocol):
    """A configured feed (``ingest.registry.FeedSpec``) as the store's sources see it."""

    @property
    def name(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def enabled(self) -> bool: ...


@dataclass(frozen=True)
class AnalyzedItem:
    item: NewsItem
    analysis: Analysis
