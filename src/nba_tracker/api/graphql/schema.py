"""The schema and its protections: depth, aliases and tokens are limited before any
resolver runs; internal errors are masked."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.fastapi import GraphQLRouter
from strawberry.types import ExecutionContext

from nba_tracker.api.graphql.context import get_context
from nba_tracker.api.graphql.errors import RenderErrors, should_mask
from nba_tracker.api.graphql.fast_news import FastNews
from nba_tracker.api.graphql.ide import TrackerGraphQLRouter
from nba_tracker.api.graphql.mutations import Mutation
from nba_tracker.api.graphql.queries import Query
from nba_tracker.observability import get_logger

log = get_logger("nba_tracker.graphql")

MAX_DEPTH = 8
MAX_ALIASES = 20
MAX_TOKENS = 2000


class TrackerSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Server faults at ERROR with their stack; a client's mistakes are not errors."""
        for error in errors:
            if should_mask(error):
                log.error("GraphQL resolver failed", path=error.path, exc_info=error.original_error)
            else:
                log.info("GraphQL request refused", reason=error.message[:200])


# The limiters build new rule classes per instance, and the validation cache's key holds
# the rules: made per request, no document would ever be validated from the cache.
LIMIT_RULES = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]

schema = TrackerSchema(
    query=Query,
    mutation=Mutation,
    extensions=[
        # Parsing and validating the same documents again is most of a cheap query's cost.
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=512),
        lambda: AddValidationRules(LIMIT_RULES),
        lambda: ValidationCache(maxsize=512),
        RenderErrors,
    ],
)


# The hot ``news`` documents, validated with the same limits and rules as above. None:
# Strawberry answers everything (the benchmark's baseline, the fast path's tests).
FAST_NEWS: FastNews | None = FastNews(schema._schema, tuple(LIMIT_RULES), max_tokens=MAX_TOKENS)


def graphql_router(path: str = "", ide: bool = True) -> GraphQLRouter:
    """``ide``: a browser's GET opens GraphiQL (served offline, see ``ide``)."""
    return TrackerGraphQLRouter(
        schema,
        path=path,
        context_getter=get_context,
        graphql_ide="graphiql" if ide else None,
        fast_news=FAST_NEWS,
    )
