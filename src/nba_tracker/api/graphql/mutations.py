"""Mutations: each needs the bearer token (see ``context.BearerToken``)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from nba_tracker.api.graphql import types as t
from nba_tracker.api.graphql.alerts import AlertMutations
from nba_tracker.api.graphql.context import BearerToken
from nba_tracker.api.graphql.league import LeagueMutations
from nba_tracker.errors import InvalidInput


@strawberry.type
class Mutation(AlertMutations, LeagueMutations):
    @strawberry.mutation(
        permission_classes=[BearerToken],
        description="Run one collection now. Only one runs at a time, across every process.",
    )
    async def scrape_rss(self, info: Info) -> t.ScrapeResult:
        return await info.context.services.scrape()

    @strawberry.mutation(
        permission_classes=[BearerToken],
        description="Translate pending articles into Japanese (at most `limit`).",
    )
    async def translate_pending_news(self, info: Info, limit: int = 100) -> t.TranslationResult:
        if not 1 <= limit <= 1000:
            raise InvalidInput("limit must be between 1 and 1000")
        return await info.context.services.translate(limit)
