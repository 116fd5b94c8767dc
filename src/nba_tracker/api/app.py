"""The ASGI application: ``create_app(settings)``.

Engines and background tasks live in the lifespan, never at import: tests and the CLI
build as many apps as they like."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Sequence

import anyio
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from nba_tracker.alerts.dispatcher import Dispatcher
from nba_tracker.api import atom, feedback, health, league_atom, metrics
from nba_tracker.api.auth import AuthRateLimit, FailedAuthLimiter
from nba_tracker.api.cache import ResponseCache
from nba_tracker.api.cors import Cors, CorsPolicy
from nba_tracker.api.graphql.schema import graphql_router
from nba_tracker.api.middleware import (
    BodyLimit,
    ReadCache,
    RequestLog,
    SecurityHeaders,
    TrustedProxy,
)
from nba_tracker.api.services import Services
from nba_tracker.errors import InvalidInput, TrackerError, Unavailable
from nba_tracker.ingest.registry import FeedSpec
from nba_tracker.observability import get_logger
from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine, make_sessionmaker
from nba_tracker.store.migrate import prepare_database
from nba_tracker.web import STATIC
from nba_tracker.web import routes as web

log = get_logger(__name__)
# GraphQL documents worth running are a few kilobytes; anything far larger is refused
# before a parser sees it.
MAX_BODY = 64 * 1024


def http_status(exc: TrackerError) -> int:
    if isinstance(exc, Unavailable):
        return 503
    if isinstance(exc, InvalidInput):
        return 400
    return 500


def create_app(
    settings: Settings,
    collect_interval: float | None = None,
    feeds: Sequence[FeedSpec] | None = None,
    startup_feeds: Sequence[FeedSpec] | None = None,
    dispatch_alerts: bool = False,
) -> FastAPI:
    """``collect_interval``: collect in the background every so many seconds (None: never).
    ``startup_feeds``: collected once before serving (the ``--demo`` sample feeds)."""
    cache = ResponseCache()
    limiter = FailedAuthLimiter()
    cors_policy = CorsPolicy.from_settings(settings)  # a bad origin list fails here, at start

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings)
        try:
            await anyio.to_thread.run_sync(prepare_database, engine)
        except Exception:
            # Serve anyway: /health says 503 and the page explains, until the database is back.
            log.error("Database not ready at start-up", exc_info=True)
        factory = make_sessionmaker(engine)
        services = Services(settings, factory, cache, feeds)
        app.state.settings = settings
        app.state.sessionmaker = factory
        app.state.services = services
        app.state.auth_limiter = limiter
        app.state.feedback_key = feedback.hash_key(settings)
        app.state.cache = cache
        if startup_feeds:
            try:
                await services.collect(startup_feeds, trigger="demo")
            except Exception:
                log.error("Loading the sample feeds failed", exc_info=True)
        await services.refresh_version()
        tasks = [asyncio.create_task(services.poll_version())]
        if collect_interval:
            tasks.append(asyncio.create_task(services.collect_forever(collect_interval)))
        dispatcher = Dispatcher(factory, settings) if dispatch_alerts else None
        if dispatcher is not None:
            # Its own task: a slow receiver holds a send, never a collection.
            tasks.append(asyncio.create_task(dispatcher.run_forever()))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if dispatcher is not None:
                await dispatcher.aclose()
            engine.dispose()

    app = FastAPI(
        title="NBA Trade Tracker",
        description="Every NBA trade, signing and waiver, from public feeds.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.include_router(graphql_router(), prefix="/graphql")
    for router in (
        health.router,
        metrics.router,
        atom.router,
        league_atom.router,
        feedback.router,
        web.router,
    ):
        app.include_router(router)
    # The original tracker answered GraphQL at the root and its clients still post there;
    # GET / stays the page (the web router above matches it first).
    app.include_router(graphql_router(path="/", ide=False))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(StarletteHTTPException)
    async def not_found(request: Request, exc: StarletteHTTPException) -> Response:
        """A browser asking for a page that is not there gets one in its language."""
        if exc.status_code == 404 and "text/html" in request.headers.get("accept", ""):
            return web.not_found_page(request)
        return await http_exception_handler(request, exc)

    @app.exception_handler(TrackerError)
    async def tracker_error(_request: Request, exc: TrackerError) -> Response:
        """HTTP's one handler for the tracker's errors (GraphQL has its own)."""
        return JSONResponse({"error": exc.message}, status_code=http_status(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> Response:
        """A parameter out of range or of the wrong type: 400 naming it, never echoing
        the value (FastAPI's default 422 body repeats whatever the client sent)."""
        names = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors()})
        return JSONResponse({"error": f"invalid parameter: {', '.join(names)}"}, status_code=400)

    # Outermost first: log everything, CORS (so refusals below stay readable to the
    # page that asked), refuse oversized bodies, limit failed auth, cache.
    app.add_middleware(ReadCache, cache=cache)
    app.add_middleware(AuthRateLimit, limiter=limiter)
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY)
    app.add_middleware(Cors, policy=cors_policy)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestLog)
    # The same variable uvicorn reads; its own proxy handling is off (see TrustedProxy).
    app.add_middleware(TrustedProxy, trusted=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"))
    return app
