"""Query resolvers. Each runs its database work in a worker thread with its own session."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import strawberry
from strawberry.types import Info

from nba_tracker.api.deps import run_db
from nba_tracker.api.graphql import legacy
from nba_tracker.api.graphql import types as t
from nba_tracker.api.graphql.alerts import AlertQueries
from nba_tracker.api.graphql.league import LeagueQueries
from nba_tracker.domain.limits import is_id
from nba_tracker.domain.text import public_location
from nba_tracker.errors import InvalidInput
from nba_tracker.store import queries as q
from nba_tracker.store.engine import Session

T = TypeVar("T")


async def _db(info: Info, work: Callable[[Session], T]) -> T:
    """The store's errors (a bad filter, the database away) reach the client through
    ``errors.RenderErrors``."""
    return await run_db(info.context.sessionmaker, work)


@strawberry.type
class Query(AlertQueries, LeagueQueries):
    @strawberry.field(description="The newest news (the original tracker's field: 100).")
    async def trade_news(self, info: Info, limit: int = legacy.NEWEST) -> list[legacy.TradeNews]:
        items = await _db(info, lambda s: q.latest(s, limit))
        return [legacy.TradeNews.of(a) for a in items]

    @strawberry.field(
        description="Every item of a category (up to 10,000), newest first (`limit` to stop "
        "earlier). The "
        "original's Trade / Signing / Other: Signing includes Extension; Other includes "
        "Waiver and Draft. An unknown category is an empty list, as it was."
    )
    async def trade_news_by_category(
        self, info: Info, category: str, limit: int | None = None
    ) -> list[legacy.TradeNews]:
        if limit is not None and limit < 1:
            raise InvalidInput("limit must be at least 1")
        most = min(limit or legacy.EVERY_ITEM_BOUND, legacy.EVERY_ITEM_BOUND)
        filters = [q.NewsFilter(category=str(c)) for c in legacy.categories_for(category)]
        items = await _db(info, lambda s: legacy.merged(s, filters, most))
        return [legacy.TradeNews.of(a) for a in items]

    @strawberry.field(
        description="The newest news of one source, its name in any case: the original's "
        "ESPN, RealGM, HoopsHype, or any feed's own name."
    )
    async def trade_news_by_source(
        self, info: Info, source: str, limit: int = legacy.NEWEST
    ) -> list[legacy.TradeNews]:
        if limit < 1:
            raise InvalidInput("limit must be at least 1")

        def work(s: Session) -> list[q.ArticleView]:
            names = legacy.sources_for(source, q.source_names(s))
            return legacy.merged(s, [q.NewsFilter(source=n) for n in names], limit)

        return [legacy.TradeNews.of(a) for a in await _db(info, work)]

    @strawberry.field(
        description="News, newest first, filtered and cursor-paginated (first ≤ 100)."
    )
    async def news(
        self,
        info: Info,
        filter: t.NewsFilterInput | None = None,  # noqa: A002 - the API's public name
        first: int = 20,
        after: str | None = None,
    ) -> t.NewsConnection:
        flt = t.filter_of(filter) if filter else q.NewsFilter()
        page = await _db(info, lambda s: q.news_page(s, flt, first, after, alone=True))
        return t.NewsConnection.of(page)

    @strawberry.field(description="Stories: one move reported by several outlets, newest first.")
    async def stories(
        self, info: Info, first: int = 20, category: str | None = None, team: str | None = None
    ) -> list[t.Story]:
        views = await _db(info, lambda s: q.stories(s, first, category, team))
        return [t.Story.of(v) for v in views]

    @strawberry.field
    async def story(self, info: Info, id: strawberry.ID) -> t.Story | None:  # noqa: A002
        if not str(id).isdigit():
            raise InvalidInput("story id must be a number")
        if not is_id(int(id)):
            return None  # larger than any id can be: no such story
        view = await _db(info, lambda s: q.story_with_articles(s, int(id)))
        return t.Story.of(view) if view else None

    @strawberry.field
    async def teams(self, info: Info) -> list[t.Team]:
        return [t.Team.of(x) for x in await _db(info, q.all_teams)]

    @strawberry.field(description="A team and its recent news.")
    async def team(self, info: Info, abbreviation: str, first: int = 20) -> t.TeamDetail | None:
        def work(s: Session) -> tuple[q.TeamRef | None, q.NewsPage | None]:
            team = q.team_by_abbreviation(s, abbreviation)
            if team is None:
                return None, None
            return team, q.news_page(s, q.NewsFilter(team=team.abbreviation), first)

        team, page = await _db(info, work)
        if team is None or page is None:
            return None
        return t.TeamDetail(
            abbreviation=team.abbreviation,
            full_name=team.full_name,
            city=team.city,
            nickname=team.nickname,
            news=t.NewsConnection.of(page),
        )

    @strawberry.field(description="Players whose name contains the search text.")
    async def players(self, info: Info, search: str, first: int = 20) -> list[t.Player]:
        return [
            t.Player.of(p) for p in await _db(info, lambda s: q.search_players(s, search, first))
        ]

    @strawberry.field(description="Every feed and its health.")
    async def sources(self, info: Info) -> list[t.SourceHealth]:
        rows = await _db(info, q.sources_health)
        return [
            t.SourceHealth(
                name=r.name,
                url=public_location(r.url),  # never a feed's credentials or local path
                enabled=r.enabled,
                last_success_at=r.last_success_at,
                last_error=r.last_error,
                last_error_at=r.last_error_at,
                consecutive_failures=r.consecutive_failures,
                healthy=r.enabled and r.consecutive_failures == 0,
            )
            for r in rows
        ]

    @strawberry.field(description="Counts by category, team and day over the last `days` days.")
    async def stats(self, info: Info, days: int = 14) -> t.Stats:
        st = await _db(info, lambda s: q.stats(s, days))
        return t.Stats(
            total=st.total,
            by_category=[t.CategoryCount(category=c, count=n) for c, n in st.by_category],
            by_team=[t.TeamCount(abbreviation=a, count=n) for a, n in st.by_team],
            by_day=[t.DayCount(day=d, count=n) for d, n in st.by_day],
        )
