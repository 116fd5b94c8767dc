"""The tracker's API as the collection workflows beside this file call it: where it is
(the Connection), whether it answers (``/health``) and a GraphQL request with the
failure rules they share. It ships to MWAA with them, without the ``nba_tracker``
package, and is imported from this folder, which Airflow puts on the import path.

It defines no workflow. Airflow parses only the files of this folder that contain the
words "airflow" and "d-a-g" (or "a-s-s-e-t" on Airflow 3), spelled out; keeping those
two out of this file keeps it out of the scheduler's parse.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

try:  # Airflow 3
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowException, AirflowFailException
except ImportError:  # Airflow 2.10
    from airflow.exceptions import AirflowException, AirflowFailException
    from airflow.hooks.base import BaseHook

log = logging.getLogger(__name__)

CONN_ID = "nba_tracker_api"
CONNECT_TIMEOUT = 5

# The codes the API sends (nba_tracker.errors). A wrong or missing token is counted
# towards the caller's rate limit, so retrying it would only make things worse.
UNAUTHENTICATED = "UNAUTHENTICATED"
COLLECTION_IN_PROGRESS = "COLLECTION_IN_PROGRESS"

# Every collection task retries a failing API twice, soon: the next run is minutes away.
COLLECTION_RETRIES: dict[str, Any] = {
    "owner": "nba-tracker",
    "retries": 2,
    "retry_delay": timedelta(seconds=20),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=2),
}


class GraphQLError(AirflowException):
    """The API answered with GraphQL errors."""


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


def graphql(
    query: str, variables: dict[str, Any] | None = None, *, read_timeout: float
) -> dict[str, Any]:
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
        timeout=(CONNECT_TIMEOUT, read_timeout),
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
