"""
### The league's transaction log, every 30 minutes (every 5 inside the trade deadline)

Asks the tracker's API to read the NBA's own transaction log (`NBA_Player_Movement.json`)
and match it to the stories outlets reported. The log changes a few times a day, so it
is read every 30 minutes; inside the configured trade-deadline window, when moves land
by the minute, every 5.

1. **due** — the DAG is scheduled every 5 minutes; outside the window only the runs at
   :00 and :30 go on (the others are skipped, not failed).
2. **wait_for_api** — `GET /health` until it answers 200 (reschedule mode; gives up
   before the next run).
3. **read_league_log** — `POST /graphql` with `mutation { readLeagueLog { ... } }` and
   the bearer token, with the RSS collection's failure rules: a refused token fails at
   once (no retry), a collection already running is not a failure, every log failing is.

Configuration, read when a task runs (never when the file is parsed):

| What | Where | SSM parameter |
|---|---|---|
| API base URL and token | Connection `nba_tracker_api` | `/airflow/connections/nba_tracker_api` |
| Trade-deadline window | Variable `nba_tracker_trade_deadline_window`: `START/END` in ISO 8601, e.g. `2027-02-04T12:00:00Z/2027-02-06T03:00:00Z` (unset: no window) | `/airflow/variables/nba_tracker_trade_deadline_window` |

See `docs/airflow.md`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import pendulum

try:  # Airflow 3
    from airflow.sdk import Variable, dag, task
    from airflow.sdk.exceptions import AirflowException, AirflowFailException
except ImportError:  # Airflow 2.10
    from airflow.decorators import dag, task
    from airflow.exceptions import AirflowException, AirflowFailException
    from airflow.models import Variable

from nba_tracker_api import COLLECTION_RETRIES, api_is_healthy, collection_in_progress, graphql

log = logging.getLogger(__name__)

WINDOW_VARIABLE = "nba_tracker_trade_deadline_window"
EVERY_MINUTES = 30  # outside the window
HEALTH_TIMEOUT = timedelta(minutes=4)
READ_TIMEOUT = 120
READ_MUTATION = (
    "mutation { readLeagueLog { newCount revisedCount confirmedCount contradictedCount "
    "logOnlyCount errorCount errors errorCodes } }"
)


def parse_window(text: str | None) -> tuple[datetime, datetime] | None:
    """``START/END`` (ISO 8601 with an offset or Z); None when unset. A malformed value
    fails the task with the reason: a silently ignored window would poll too slowly
    exactly when it matters."""
    if not text or not text.strip():
        return None
    try:
        start_text, end_text = text.strip().split("/")
        start = datetime.fromisoformat(start_text.strip().replace("Z", "+00:00"))
        end = datetime.fromisoformat(end_text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise AirflowFailException(
            f"Variable {WINDOW_VARIABLE} must be START/END in ISO 8601, got {text[:80]!r}"
        ) from None
    if start.tzinfo is None or end.tzinfo is None or end <= start:
        raise AirflowFailException(
            f"Variable {WINDOW_VARIABLE}: both ends need a time zone and END must follow START"
        )
    return start, end


def is_due(moment: datetime, window: tuple[datetime, datetime] | None) -> bool:
    """Every 5-minute run inside the window; outside it, the runs at :00 and :30."""
    if window and window[0] <= moment <= window[1]:
        return True
    return moment.minute % EVERY_MINUTES < 5


def read_league_log() -> dict[str, Any]:
    """The mutation's result; raises with the RSS collection's rules."""
    return dict(graphql(READ_MUTATION, read_timeout=READ_TIMEOUT)["readLeagueLog"])


def check_result(result: dict[str, Any]) -> dict[str, Any]:
    if collection_in_progress(result):
        log.info("a collection is in progress; the next run reads the log")
        return {**result, "inProgress": True}
    for error in result.get("errors") or []:
        log.warning("league log error: %s", error)
    read = int(result.get("newCount") or 0) + int(result.get("revisedCount") or 0)
    if result.get("errorCount") and not read:
        detail = "; ".join(str(e) for e in (result.get("errors") or [])[:5])
        raise AirflowException(f"the league log could not be read: {detail}")
    return result


@dag(
    dag_id="nba_league_log",
    schedule="*/5 * * * *",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(minutes=10),
    tags=["nba-tracker", "collection"],
    doc_md=__doc__,
    default_args=COLLECTION_RETRIES,
)
def nba_league_log() -> None:
    @task.short_circuit(task_id="due")
    def due(data_interval_end: Any = None) -> bool:
        window = parse_window(Variable.get(WINDOW_VARIABLE, ""))
        moment = data_interval_end or pendulum.now("UTC")
        return is_due(moment, window)

    @task.sensor(
        task_id="wait_for_api",
        mode="reschedule",
        poke_interval=30,
        timeout=HEALTH_TIMEOUT.total_seconds(),
    )
    def wait_for_api() -> bool:
        return api_is_healthy()

    @task(task_id="read_league_log", execution_timeout=timedelta(minutes=4))
    def read() -> dict[str, Any]:
        result = check_result(read_league_log())
        log.info(
            "readLeagueLog: new=%s revised=%s confirmed=%s contradicted=%s log_only=%s",
            result.get("newCount"),
            result.get("revisedCount"),
            result.get("confirmedCount"),
            result.get("contradictedCount"),
            result.get("logOnlyCount"),
        )
        return result

    due() >> wait_for_api() >> read()


nba_league_log()
