"""Logs (guide: ログ管理): tail, search and the two saved Insights queries.

``--since`` is parsed here for every command; a malformed period never reaches AWS.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from nba_tracker.ops.core import InvalidInput, OpsContext, OpsError

# The guide's queries (運用ガイド「CloudWatch Insights クエリ例」), kept verbatim.
ERRORS_QUERY = """fields @timestamp, @message
| filter @message like /ERROR/
| stats count() by bin(5m)"""

LATENCY_QUERY = """fields @timestamp, duration
| filter @message like /Request completed/
| stats avg(duration), max(duration), min(duration) by bin(5m)"""

INSIGHTS_QUERIES: Mapping[str, str] = {"errors": ERRORS_QUERY, "latency": LATENCY_QUERY}

LOG_SOURCES = ("ecs", "mwaa-task", "mwaa-scheduler")

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"(?:\d+[smhdw])+")
_PART = re.compile(r"(\d+)([smhdw])")
# CloudWatch Logs keeps at most ten years; anything longer is a typo.
MAX_LOOKBACK = timedelta(days=3653)

_TERMINAL = {"Complete", "Failed", "Cancelled", "Timeout", "Unknown"}


def parse_duration(text: str, option: str = "--since") -> timedelta:
    """``30m``, ``1h``, ``24h``, ``2d``, ``1h30m`` → a positive timedelta."""
    value = text.strip().lower()
    if not _DURATION.fullmatch(value):
        raise InvalidInput(
            f"{option} {text!r} is not a period; use a number and a unit, e.g. 30m, 1h, 2d"
        )
    seconds = sum(int(n) * _UNIT_SECONDS[unit] for n, unit in _PART.findall(value))
    if seconds <= 0:
        raise InvalidInput(f"{option} {text!r} must be longer than zero")
    if seconds > MAX_LOOKBACK.total_seconds():
        raise InvalidInput(f"{option} {text!r} is longer than ten years")
    return timedelta(seconds=seconds)


def check_source(source: str) -> str:
    if source not in LOG_SOURCES:
        raise InvalidInput(f"unknown log source {source!r}; choose one of {', '.join(LOG_SOURCES)}")
    return source


def check_query(name: str) -> str:
    if name not in INSIGHTS_QUERIES:
        raise InvalidInput(f"unknown query {name!r}; choose one of {', '.join(INSIGHTS_QUERIES)}")
    return name


def to_millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@dataclass(frozen=True)
class LogEvent:
    timestamp: datetime
    stream: str
    message: str
    event_id: str

    @classmethod
    def from_api(cls, raw: Mapping[str, Any]) -> LogEvent:
        return cls(
            timestamp=datetime.fromtimestamp(raw["timestamp"] / 1000, tz=UTC),
            stream=raw.get("logStreamName", ""),
            message=str(raw.get("message", "")).rstrip("\n"),
            event_id=raw.get("eventId", ""),
        )

    def as_row(self) -> dict[str, str]:
        return {
            "time": self.timestamp.isoformat(timespec="milliseconds"),
            "stream": self.stream,
            "message": self.message,
        }


def _filter_params(
    group: str, start_ms: int, end_ms: int | None, pattern: str | None
) -> dict[str, Any]:
    params: dict[str, Any] = {"logGroupName": group, "startTime": start_ms, "interleaved": True}
    if end_ms is not None:
        params["endTime"] = end_ms
    if pattern:
        params["filterPattern"] = pattern
    return params


def fetch_events(
    ctx: OpsContext,
    group: str,
    start_ms: int,
    *,
    end_ms: int | None = None,
    pattern: str | None = None,
    limit: int = 1000,
) -> tuple[list[LogEvent], bool]:
    """Events oldest first, at most ``limit``; the flag says whether more were left."""
    events: list[LogEvent] = []
    pages = ctx.client("logs").get_paginator("filter_log_events")
    for page in pages.paginate(**_filter_params(group, start_ms, end_ms, pattern)):
        for raw in page.get("events", []):
            if len(events) >= limit:
                return events, True
            events.append(LogEvent.from_api(raw))
    return events, False


def follow_events(
    ctx: OpsContext,
    group: str,
    start_ms: int,
    *,
    pattern: str | None = None,
    interval: float = 2.0,
    deadline: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[LogEvent]:
    """New events as they arrive, until ``deadline`` (a ``clock`` value) or Ctrl-C.

    Each poll restarts at the newest timestamp seen; events at that same millisecond
    are told apart by their id so none is shown twice.
    """
    since = start_ms
    seen_at_since: set[str] = set()
    while True:
        events, _ = fetch_events(ctx, group, since, pattern=pattern, limit=10_000)
        for event in events:
            stamp = to_millis(event.timestamp)
            if stamp == since and event.event_id in seen_at_since:
                continue
            if stamp > since:
                since, seen_at_since = stamp, set()
            seen_at_since.add(event.event_id)
            yield event
        if deadline is not None and clock() + interval > deadline:
            return
        sleep(interval)


def log_groups(ctx: OpsContext, sources: Sequence[str]) -> list[str]:
    return [ctx.names.log_group(check_source(s)) for s in sources]


def _number(value: str) -> Any:
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() and "." not in value else number


def parse_insights_results(response: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``get_query_results`` rows → dicts in the query's column order, numbers as numbers.

    ``@ptr`` (a pointer to the raw event) is dropped; the rows are ordered by time bin.
    """
    rows: list[dict[str, Any]] = []
    for result in response.get("results", []):
        row = {
            cell["field"]: _number(cell.get("value", ""))
            for cell in result
            if cell.get("field") != "@ptr"
        }
        rows.append(row)
    bin_field = next((k for row in rows for k in row if k.startswith("bin(")), None)
    if bin_field:
        rows.sort(key=lambda r: str(r.get(bin_field, "")))
    return rows


@dataclass
class InsightsResult:
    query: str
    status: str
    rows: list[dict[str, Any]]
    statistics: dict[str, Any]


def run_insights(
    ctx: OpsContext,
    name: str,
    since: timedelta,
    sources: Sequence[str] = ("ecs",),
    *,
    timeout: float = 300.0,
    interval: float = 1.0,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> InsightsResult:
    """Start one of the saved queries and wait (bounded) for its result."""
    query = INSIGHTS_QUERIES[check_query(name)]
    groups = log_groups(ctx, sources)
    end = now or datetime.now(UTC)
    logs = ctx.client("logs")
    query_id = logs.start_query(
        logGroupNames=groups,
        startTime=int((end - since).timestamp()),
        endTime=int(end.timestamp()),
        queryString=query,
    )["queryId"]
    waited = 0.0
    try:
        while True:
            response = logs.get_query_results(queryId=query_id)
            status = response.get("status", "Unknown")
            if status in _TERMINAL:
                break
            if waited >= timeout:
                logs.stop_query(queryId=query_id)
                raise OpsError(
                    f"Insights query {name} still running after {timeout:.0f}s; stopped it"
                )
            sleep(interval)
            waited += interval
    except KeyboardInterrupt:
        logs.stop_query(queryId=query_id)
        raise
    if status != "Complete":
        raise OpsError(f"Insights query {name} ended with status {status}")
    return InsightsResult(
        query=query,
        status=status,
        rows=parse_insights_results(response),
        statistics=dict(response.get("statistics", {})),
    )
