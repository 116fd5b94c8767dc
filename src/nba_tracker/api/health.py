"""``/health`` for the ALB target group and the Airflow DAG, ``/api/ping`` for liveness
and the benchmark's ceiling.

``/health`` answers 503 ``unhealthy`` when the database does not answer (the ALB should
route elsewhere), and 200 ``degraded`` with a reason when the API serves but news is
not being stored: the disk is full or read-only, or a collection has been "running"
past its deadline (its collector hung or died). Readers are still served, so the task
is not replaced; the status is what alarms and operators read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from nba_tracker.domain.times import utc_z
from nba_tracker.store import collection, faults
from nba_tracker.store.engine import UNAVAILABLE_ERRORS, SessionFactory
from nba_tracker.store.engine import ping as ping_database

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
    factory: SessionFactory = request.app.state.sessionmaker

    settings = getattr(request.app.state, "settings", None)
    deadline = timedelta(seconds=getattr(settings, "collection_deadline_seconds", 900.0))

    def ping() -> str | None:
        """None when all is well, else why news is not being stored."""
        with factory() as session:
            ping_database(session)
            stuck = collection.stuck_runs(session, datetime.now(UTC) - deadline)
            engine = session.get_bind()
        problem = faults.current() or faults.disk_problem(engine)  # type: ignore[arg-type]
        if problem is not None:
            return f"cannot store news: {problem.reason}"
        if stuck:
            return f"a collection has been running for over {deadline.total_seconds():g} s"
        return None

    try:
        with anyio.fail_after(HEALTH_TIMEOUT):
            # A thread stuck on a dead socket is left behind rather than waited for.
            degraded = await anyio.to_thread.run_sync(ping, abandon_on_cancel=True)
    except TimeoutError:
        return _unhealthy("database did not answer in time")
    except UNAVAILABLE_ERRORS as exc:
        orig = getattr(exc, "orig", None)
        return _unhealthy(f"database unavailable ({type(orig or exc).__name__})")
    if degraded:
        return JSONResponse(
            {"status": "degraded", "reason": degraded, "timestamp": _stamp()},
            headers={"Cache-Control": "no-store"},
        )
    return JSONResponse(
        {"status": "healthy", "timestamp": _stamp()}, headers={"Cache-Control": "no-store"}
    )


@router.get("/api/ping")
async def ping() -> JSONResponse:
    return JSONResponse({"ok": True})
