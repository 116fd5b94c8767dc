"""What the store is handed to write: an item as read from a feed, and what the tracker
understood of it. :class:`~nba_tracker.ingest.parse.ParsedItem` is the item every feed
gives; the store and the story planner rely on these attributes only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from nba_tracker.domain.analysis import Analysis

__all__ = ["AnalyzedItem", "FeedConfig", "NewsItem"]


class NewsItem(Protocol):
    @property
    def uid(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def published_at(self) -> datetime: ...
    @property
    def published_estimated(self) -> bool: ...


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
