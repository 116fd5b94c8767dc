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
    from airflow.sdk import BaseHook, Variable, dag, task
    from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowSkipException
except ImportError:  # Airflow 2.10
    from airflow.decorators import dag, task
    from airflow.exceptions import AirflowException, AirflowFailException, AirflowSkipException
    from airflow.hooks.base import BaseHook
    from airflow.models import Variable

log = logging.getLogger(__name__)

CONN_ID = "nba_tracker_api"
HEALTH_TIMEOUT = timedelta(minutes=4)  # below the 5-minute schedule: runs never pile up
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 150  # a collection run fetches every feed before it answers

SCRAPE_MUTATION = "mutation { scrapeRss { savedCount skippedCount errorCount errors errorCodes } }"
TRANSLATE_MUTATION = (
    "mutation TranslatePending($limit: Int) {"
    " translatePendingNews(limit: $limit) { translatedCount failedCount skipped } }"
)


class GraphQLError(AirflowException):
    """The API answered with GraphQL errors."""


# The codes the API sends (nba_tracker.errors; this file ships to MWAA without the
# package). A wrong or missing token is counted towards the caller's rate limit, so
# retrying it would only make things worse.
UNAUTHENTICATED = "UNAUTHENTICATED"
COLLECTION_IN_PROGRESS = "COLLECTION_IN_PROGRESS"


def api_endpoint() -> tuple[str, str | None]:
    """Base URL and token from the Connection (env var, metastore or SSM)."""
    conn = BaseHook.get_connection(CONN_ID)
    host = (conn.host or "").strip().rstrip("/")
    if not host:
        raise AirflowFailException(f"connection {CONN_ID!r} has no host")
    if "://" in host:
        base = host
    else:
        scheme = conn.schema or "http"
        base = f"{scheme}://{host}" + (f":{conn.port}" if conn.port else "")
    return base, conn.password or None


def graphql(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """POST a GraphQL document as a JSON body; the ``data`` object, or GraphQLError."""
    import requests

    base, token = api_endpoint()
    if not token:
        raise AirflowFailException(f"connection {CONN_ID!r} has no password (the API token)")
    payload: dict[str, Any] = {"query": query}
    if variables:
        payload["variables"] = variables
    response = requests.post(
        f"{base}/graphql",
        json=payload,
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
    )
    if response.status_code in (401, 403):
        # A wrong token does not get better by retrying.
        raise AirflowFailException(f"API refused the token: HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise AirflowException(f"API answered HTTP {response.status_code}: {response.text[:300]}")
    if body.get("errors"):
        messages = "; ".join(str(e.get("message", e)) for e in body["errors"])
        if UNAUTHENTICATED in error_codes(body["errors"]):
            raise AirflowFailException(f"API refused the token: {messages}")
        raise GraphQLError(f"API answered errors: {messages}")
    if response.status_code != 200 or not isinstance(body.get("data"), dict):
        raise AirflowException(f"API answered HTTP {response.status_code}: {response.text[:300]}")
    return body["data"]


def api_is_healthy() -> bool:
    import requests

    base, _ = api_endpoint()
    try:
        response = requests.get(f"{base}/health", timeout=(CONNECT_TIMEOUT, 10))
    except requests.RequestException as exc:
        log.info("API not reachable at %s/health: %s", base, exc)
        return False
    if response.status_code != 200:
        log.info(
            "API at %s/health answered %s: %s", base, response.status_code, response.text[:200]
        )
        return False
    return True


def error_codes(errors: list[Any]) -> set[str]:
    """``extensions.code`` of each GraphQL error."""
    return {
        str((e.get("extensions") or {}).get("code"))
        for e in errors
        if isinstance(e, dict) and isinstance(e.get("extensions"), dict)
    }


def collection_in_progress(result: dict[str, Any]) -> bool:
    """The API runs one collection at a time and tells a second caller so."""
    codes = result.get("errorCodes") or []
    return bool(codes) and all(c == COLLECTION_IN_PROGRESS for c in codes)


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
    default_args={
        "owner": "nba-tracker",
        "retries": 2,
        "retry_delay": timedelta(seconds=20),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=2),
    },
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
        result = graphql(SCRAPE_MUTATION)["scrapeRss"]
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
            data = graphql(TRANSLATE_MUTATION, {"limit": limit})
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
