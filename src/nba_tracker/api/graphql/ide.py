"""GraphiQL from the tracker's own static files: it works with no internet, and its
Content-Security-Policy lets the page load nothing from anywhere else.

The assets are GraphiQL's and React's published builds, copied from the npm registry by
``scripts/vendor-graphiql.sh`` (versions, integrity and licences beside them)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse
from strawberry.fastapi import GraphQLRouter

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
    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(
            PAGE,
            headers={
                "Content-Security-Policy": CSP,
                "Cache-Control": "no-cache",
                "X-Content-Type-Options": "nosniff",
            },
        )
