"""GraphiQL from the tracker's own static files: it works with no internet, and its
Content-Security-Policy lets the page load nothing from anywhere else.

The assets are GraphiQL's and React's published builds, copied from the npm registry by
``scripts/vendor-graphiql.sh`` (versions, integrity and licences beside them)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from nba_tracker.api.graphql.fast_news import Encoded, FastNews
from nba_tracker.web import HERE

# GraphiQL styles its panes through the CSSOM and inline style attributes (CodeMirror,
# the resizers), hence 'unsafe-inline' for styles only; scripts, fetches, fonts and
# images come from this origin alone, and the page can be framed by nobody.
CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
PAGE = (HERE / "templates" / "graphiql.html").read_text(encoding="utf-8")


class TrackerGraphQLRouter(GraphQLRouter):
    """``fast_news``: answers the hot ``news`` documents itself (see ``fast_news``);
    None, or any other document, and Strawberry answers."""

    def __init__(self, *args: Any, fast_news: FastNews | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fast_news = fast_news

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Any,
        context: Any,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        allowed = OperationType.from_http(request_adapter.method)
        if (
            self.fast_news is not None
            and OperationType.QUERY in allowed
            and (self.allow_queries_via_get or request_adapter.method != "GET")
        ):
            cache = getattr(request.app.state, "cache", None)
            data = await self.fast_news.answer(
                request_data.query,
                request_data.variables,
                request_data.operation_name,
                context.sessionmaker,
                cache.version if cache is not None else None,
            )
            if data is not None:
                return ExecutionResult(data=data, errors=None)  # type: ignore[arg-type]
        return await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )

    def encode_json(self, data: object) -> str | bytes:
        """The fast path's ``data`` is JSON already; everything else as Strawberry writes it."""
        if isinstance(data, dict) and isinstance(data.get("data"), Encoded) and len(data) == 1:
            return '{"data":' + data["data"].text + "}"
        return super().encode_json(data)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(
            PAGE,
            headers={
                "Content-Security-Policy": CSP,
                "Cache-Control": "no-cache",
                "X-Content-Type-Options": "nosniff",
            },
        )
