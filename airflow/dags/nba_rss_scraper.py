"""
### NBA RSS collection, every 5 minutes

Asks the tracker's API to collect its feeds; the API does the work, this DAG schedules
it and makes failures visible.

1. **wait_for_api** — `GET /health` until it answers 200 (a sensor in reschedule mode,
   so it holds no worker slot while it waits; it fails after its timeout).
2. **scrape_rss** — `POST /graphql` with `mutation { scrapeRss { ... } }` and the bearer
   token. Fails when the API answers an error or when every feed failed; otherwise logs
   the counts and returns them as XCom.
3. **translate_pending** — `translatePendingNews(limit)`; skipped while the API has no
   such mutation or no translator, fails on any other error.

Configuration, read when a task runs (never when the file is parsed); on MWAA it comes
from SSM Parameter Store:

| What | Where | SSM parameter |
|---|---|---|
| API base URL and token | Connection `nba_tracker_api` (host, port, schema = `http`/`https`, password = token) | `/airflow/connections/nba_tracker_api` |
| Translation batch size | Variable `nba_tracker_translate_limit` (default 50) | `/airflow/variables/nba_tracker_translate_limit` |

See `docs/airflow.md`.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pendulum

try:  # Airflow 3
    from airflow.sdk import Variable, dag, task
    from airflow.sdk.exceptions import AirflowException, AirflowSkipException
except ImportError:  # Airflow 2.10
    from airflow.decorators import dag, task
    from airflow.exceptions import AirflowException, AirflowSkipException
    from airflow.models import Variable

from nba_tracker_api import (
    COLLECTION_RETRIES,
    GraphQLError,
    api_is_healthy,
    collection_in_progress,
    graphql,
)

log = logging.getLogger(__name__)

HEALTH_TIMEOUT = timedelta(minutes=4)  # below the 5-minute schedule: runs never pile up
READ_TIMEOUT = 150  # a collection run fetches every feed before it answers

SCRAPE_MUTATION = "mutation { scrapeRss { savedCount skippedCount errorCount errors errorCodes } }"
TRANSLATE_MUTATION = (
    "mutation TranslatePending($limit: Int) {"
    " translatePendingNews(limit: $limit) { translatedCount failedCount skipped } }"
)


def check_scrape(result: dict[str, Any]) -> None:
    """Raise when the collection brought nothing but errors.

    The payload has no feed count, so "every feed failed" is read as errors with
    nothing saved and nothing skipped.
    """
    saved = int(result.get("savedCount") or 0)
    skipped = int(result.get("skippedCount") or 0)
    errors = int(result.get("errorCount") or 0)
    if errors and not saved and not skipped:
        detail = "; ".join(str(e) for e in (result.get("errors") or [])[:5])
        raise AirflowException(f"every feed failed ({errors} errors): {detail}")


@dag(
    dag_id="nba_rss_scraper",
    schedule="*/5 * * * *",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(minutes=10),
    tags=["nba-tracker", "collection"],
    doc_md=__doc__,
    default_args=COLLECTION_RETRIES,
)
def nba_rss_scraper() -> None:
    @task.sensor(
        task_id="wait_for_api",
        mode="reschedule",
        poke_interval=30,
        timeout=HEALTH_TIMEOUT.total_seconds(),
    )
    def wait_for_api() -> bool:
        return api_is_healthy()

    @task(task_id="scrape_rss", execution_timeout=timedelta(minutes=4))
    def scrape_rss() -> dict[str, Any]:
        result = graphql(SCRAPE_MUTATION, read_timeout=READ_TIMEOUT)["scrapeRss"]
        log.info(
            "scrapeRss: saved=%s skipped=%s errors=%s",
            result.get("savedCount"),
            result.get("skippedCount"),
            result.get("errorCount"),
        )
        if collection_in_progress(result):
            # Another trigger's collection is running; its articles land all the same.
            log.info("a collection is already in progress; nothing to do in this run")
            return {**result, "inProgress": True}
        for error in result.get("errors") or []:
            log.warning("feed error: %s", error)
        check_scrape(result)
        return dict(result)

    @task(task_id="translate_pending", execution_timeout=timedelta(minutes=4))
    def translate_pending() -> dict[str, Any]:
        limit = int(Variable.get("nba_tracker_translate_limit", "50"))
        try:
            data = graphql(TRANSLATE_MUTATION, {"limit": limit}, read_timeout=READ_TIMEOUT)
        except GraphQLError as exc:
            if "Cannot query field" in str(exc):
                raise AirflowSkipException(f"translation not deployed on this API: {exc}") from exc
            raise
        result = data["translatePendingNews"]
        if result.get("skipped"):
            raise AirflowSkipException("translation is switched off on this API (no translator)")
        log.info(
            "translatePendingNews: translated=%s failed=%s",
            result.get("translatedCount"),
            result.get("failedCount"),
        )
        if result.get("failedCount") and not result.get("translatedCount"):
            raise AirflowException(f"every translation failed: {result}")
        return dict(result)

    wait_for_api() >> scrape_rss() >> translate_pending()


nba_rss_scraper()
