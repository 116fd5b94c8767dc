"""GraphQL types, built from the store's read views."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING, Any

import strawberry

from nba_tracker.api.graphql.league import LedgerEntry, ledger_of
from nba_tracker.store import queries as q


@strawberry.type
class Team:
    abbreviation: str
    full_name: str
    city: str
    nickname: str

    @classmethod
    def of(cls, t: q.TeamRef) -> Team:
        return cls(
            abbreviation=t.abbreviation, full_name=t.full_name, city=t.city, nickname=t.nickname
        )


@strawberry.type
class Player:
    id: strawberry.ID
    full_name: str
    nba_id: int | None

    @classmethod
    def of(cls, p: q.PlayerRef) -> Player:
        return cls(id=strawberry.ID(str(p.id)), full_name=p.full_name, nba_id=p.nba_id)


@strawberry.type
class Pick:
    year: int | None
    round: int | None
    original_team: str | None


@strawberry.type(
    description="A news item as the tracker understands it: six categories, the feed's own "
    "name, the translation's own status. (The original tracker's shape is `TradeNews`.)"
)
class Article:
    id: strawberry.ID
    title: str
    description: str
    link: str
    source: str
    published_at: datetime
    category: str
    title_ja: str | None
    description_ja: str | None
    translation_status: str
    translated_at: datetime | None
    status: str | None
    published_estimated: bool
    story_id: strawberry.ID | None
    teams: list[Team]
    players: list[Player]
    picks: list[Pick]
    category_evidence: str = strawberry.field(
        description="The phrase that decided the category (empty when none was recorded)."
    )
    status_evidence: str = strawberry.field(
        description='The phrase that decided the status, e.g. "have officially acquired".'
    )

    @classmethod
    def of(cls, a: q.ArticleView) -> Article:
        return cls(
            id=strawberry.ID(a.uid),
            title=a.title,
            description=a.summary,
            link=a.url,
            source=a.source,
            published_at=a.published_at,
            category=a.category,
            title_ja=a.title_ja,
            description_ja=a.summary_ja,
            translation_status=a.translation_status,
            translated_at=a.translated_at,
            status=a.status,
            published_estimated=a.published_estimated,
            story_id=strawberry.ID(str(a.story_id)) if a.story_id else None,
            teams=[Team.of(t) for t in a.teams],
            players=[Player.of(p) for p in a.players],
            picks=[
                Pick(year=p.get("year"), round=p.get("round"), original_team=p.get("original_team"))
                for p in a.picks
            ],
            category_evidence=a.category_evidence,
            status_evidence=a.status_evidence,
        )


@strawberry.type
class PageInfo:
    end_cursor: str | None
    has_next_page: bool


@strawberry.type
class NewsEdge:
    cursor: str
    node: Article


@strawberry.type
class NewsConnection:
    edges: list[NewsEdge]
    page_info: PageInfo

    @classmethod
    def of(cls, page: q.NewsPage) -> NewsConnection:
        return cls(
            edges=[
                NewsEdge(cursor=q.encode_cursor(a.published_at, a.id), node=Article.of(a))
                for a in page.items
            ],
            page_info=PageInfo(end_cursor=page.end_cursor, has_next_page=page.has_next),
        )


def _input_of(model: type[Any], name: str) -> Any:
    """A Strawberry input with the fields of the store's dataclass ``model``: the same
    names, types and defaults, declared once."""
    fields = dataclasses.fields(model)
    namespace = {
        "__module__": model.__module__,  # where the fields' annotations resolve
        "__qualname__": name,
        "__annotations__": {f.name: f.type for f in fields},
        **{f.name: f.default for f in fields},
    }
    return strawberry.input(type(name, (), namespace))


if TYPE_CHECKING:  # to the type checker the input is what it carries
    NewsFilterInput = q.NewsFilter
else:
    NewsFilterInput = _input_of(q.NewsFilter, "NewsFilterInput")


def filter_of(value: NewsFilterInput) -> q.NewsFilter:
    """The store's filter a ``NewsFilterInput`` asks for."""
    return q.NewsFilter(
        **{f.name: getattr(value, f.name) for f in dataclasses.fields(q.NewsFilter)}
    )


@strawberry.type
class Story:
    id: strawberry.ID
    category: str
    status: str | None
    headline: str
    first_reported_at: datetime
    last_reported_at: datetime
    article_count: int
    teams: list[str]
    players: list[str]
    sources: list[str]
    articles: list[Article]
    status_evidence: str = strawberry.field(
        description="The status evidence of the article that gave the story its status."
    )

    @classmethod
    def of(cls, s: q.StoryView) -> Story:
        return cls(
            id=strawberry.ID(str(s.id)),
            category=s.category,
            status=s.status,
            headline=s.headline,
            first_reported_at=s.first_reported_at,
            last_reported_at=s.last_reported_at,
            article_count=s.article_count,
            teams=s.teams,
            players=s.players,
            sources=s.sources,
            articles=[Article.of(a) for a in s.articles],
            status_evidence=s.status_evidence,
        )


@strawberry.type
class TeamDetail(Team):
    news: NewsConnection
    ledger: list[LedgerEntry] = strawberry.field(
        resolver=ledger_of, description="The team's trades in the league log, newest first"
    )


@strawberry.type
class SourceHealth:
    name: str
    url: str
    enabled: bool
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    healthy: bool


@strawberry.type
class CategoryCount:
    category: str
    count: int


@strawberry.type
class TeamCount:
    abbreviation: str
    count: int


@strawberry.type
class DayCount:
    day: str
    count: int


@strawberry.type
class Stats:
    total: int
    by_category: list[CategoryCount]
    by_team: list[TeamCount]
    by_day: list[DayCount]


@strawberry.type
class ScrapeResult:
    saved_count: int
    skipped_count: int
    error_count: int
    errors: list[str]
    error_codes: list[str] = strawberry.field(
        default_factory=list,
        description="One code per entry of `errors`: FEED_FAILED, or COLLECTION_IN_PROGRESS "
        "when another collection is running (nothing was collected by this call).",
    )


@strawberry.type(
    description="What one translation run did. `errorCount` and `errors` are the original "
    "tracker's names; `failedCount` is the same count."
)
class TranslationResult:
    translated_count: int
    error_count: int
    errors: list[str]
    failed_count: int
    skipped: bool
