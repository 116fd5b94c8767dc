"""The ASGI application: ``create_app(settings)``.

Engines and background tasks live in the lifespan, never at import: tests and the CLI
build as many apps as they like."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path

import anyio
from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from nba_tracker.api import metrics
from nba_tracker.api.cache import ResponseCache
from nba_tracker.api.deps import DB_ERRORS, DatabaseUnavailable, run_db
from nba_tracker.api.graphql.schema import graphql_router
from nba_tracker.api.middleware import (
    AuthRateLimit,
    BodyLimit,
    FailedAuthLimiter,
    ReadCache,
    RequestLog,
)
from nba_tracker.api.services import Services
from nba_tracker.ingest.registry import FeedSpec
from nba_tracker.observability import get_logger
from nba_tracker.settings import Settings
from nba_tracker.store import queries
from nba_tracker.store.engine import make_engine, make_sessionmaker
from nba_tracker.store.migrate import prepare_database

log = get_logger(__name__)
MAX_BODY = 64 * 1024
HEALTH_TIMEOUT = 1.5
STATIC = Path(__file__).resolve().parents[1] / "web" / "static"


def create_app(
    settings: Settings,
    collect_interval: float | None = None,
    feeds: Sequence[FeedSpec] | None = None,
    startup_feeds: Sequence[FeedSpec] | None = None,
) -> FastAPI:
    """``collect_interval``: collect in the background every so many seconds (None: never).
    ``startup_feeds``: collected once before serving (the ``--demo`` sample feeds)."""
    cache = ResponseCache()
    limiter = FailedAuthLimiter()

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
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            engine.dispose()

    app = FastAPI(
        title="NBA Trade Tracker",
        description="Every NBA trade, signing and waiver, from public feeds.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.include_router(graphql_router(), prefix="/graphql")
    _add_operational_routes(app)
    for module in ("nba_tracker.api.atom", "nba_tracker.web.routes"):
        with contextlib.suppress(ModuleNotFoundError):
            app.include_router(import_module(module).router)
    if STATIC.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(DatabaseUnavailable)
    async def database_unavailable(_request: Request, exc: DatabaseUnavailable) -> Response:
        return JSONResponse({"error": str(exc)}, status_code=503)

    # Outermost first: log everything, refuse oversized bodies, limit failed auth, cache.
    app.add_middleware(ReadCache, cache=cache)
    app.add_middleware(AuthRateLimit, limiter=limiter)
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY)
    app.add_middleware(RequestLog)
    return app


def _add_operational_routes(app: FastAPI) -> None:
    @app.get("/health", include_in_schema=False)
    async def health(request: Request) -> JSONResponse:
        """200 when the database answers within 1.5 s, else 503 with the reason (the ALB
        target group and the Airflow DAG read this)."""
        factory = request.app.state.sessionmaker

        def ping() -> None:
            with factory() as session:
                session.execute(text("SELECT 1"))

        stamp = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        try:
            with anyio.fail_after(HEALTH_TIMEOUT):
                await anyio.to_thread.run_sync(ping, abandon_on_cancel=True)
        except TimeoutError:
            return JSONResponse(
                {
                    "status": "unhealthy",
                    "reason": "database did not answer in time",
                    "timestamp": stamp,
                },
                status_code=503,
            )
        except DB_ERRORS as exc:
            orig = getattr(exc, "orig", None)
            reason = type(orig).__name__ if orig is not None else type(exc).__name__
            return JSONResponse(
                {
                    "status": "unhealthy",
                    "reason": f"database unavailable ({reason})",
                    "timestamp": stamp,
                },
                status_code=503,
            )
        return JSONResponse({"status": "healthy", "timestamp": stamp})

    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        body, content_type = metrics.render()
        return Response(body, media_type=content_type)

    @app.get("/api/ping", include_in_schema=False)
    async def ping() -> JSONResponse:
        return JSONResponse({"ok": True})

    @app.get("/api/updates")
    async def updates(request: Request, after_id: int = Query(0, ge=0)) -> JSONResponse:
        """How many articles arrived after ``after_id`` (the page's "N new" notice)."""
        count, newest = await run_db(
            request.app.state.sessionmaker, lambda s: queries.updates_after(s, after_id)
        )
        return JSONResponse(
            {"count": count, "latest_id": newest}, headers={"Cache-Control": "no-store"}
        )
