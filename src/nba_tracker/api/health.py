"""``/health`` for the ALB target group and the Airflow DAG, ``/api/ping`` for liveness
and the benchmark's ceiling."""

from __future__ import annotations

from datetime import UTC, datetime

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from nba_tracker.api.deps import DB_ERRORS
from nba_tracker.domain.times import utc_z

router = APIRouter(include_in_schema=False)

# Below the ALB's and the Docker health check's own timeouts: a dead database is a
# prompt 503, never a hung check.
HEALTH_TIMEOUT = 1.5


def _stamp() -> str:
    return utc_z(datetime.now(UTC))


def _unhealthy(reason: str) -> JSONResponse:
    return JSONResponse(
        {"status": "unhealthy", "reason": reason, "timestamp": _stamp()},
        status_code=503,
        headers={"Cache-Control": "no-store"},
    )


@router.get("/health")
async def health(request: Request) -> JSONResponse:
    factory: sessionmaker[Session] = request.app.state.sessionmaker

    def ping() -> None:
        with factory() as session:
            session.execute(text("SELECT 1"))

    try:
        with anyio.fail_after(HEALTH_TIMEOUT):
            # A thread stuck on a dead socket is left behind rather than waited for.
            await anyio.to_thread.run_sync(ping, abandon_on_cancel=True)
    except TimeoutError:
        return _unhealthy("database did not answer in time")
    except DB_ERRORS as exc:
        orig = getattr(exc, "orig", None)
        return _unhealthy(f"database unavailable ({type(orig or exc).__name__})")
    return JSONResponse(
        {"status": "healthy", "timestamp": _stamp()}, headers={"Cache-Control": "no-store"}
    )


@router.get("/api/ping")
async def ping() -> JSONResponse:
    return JSONResponse({"ok": True})
