"""Commands of the guide's section ログ管理 / Logs (rows 4–5)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from nba_tracker.ops.core import InvalidInput, OpsContext, console, err_console, ops_command
from nba_tracker.ops.logs import aws as logs

logs_app = typer.Typer(help="CloudWatch Logs of the service and of MWAA.", no_args_is_help=True)

SOURCE_HELP = "ecs, mwaa-task or mwaa-scheduler"
LimitOpt = Annotated[int, typer.Option("--limit", help="Show at most this many events.")]


def _print_event(ctx: OpsContext, event: logs.LogEvent) -> None:
    if ctx.json_output:
        sys.stdout.write(json.dumps(event.as_row(), ensure_ascii=False) + "\n")
        sys.stdout.flush()
        return
    row = event.as_row()
    # Log text is data, not Rich markup: "[x]" in a message must print as is.
    console.print(
        f"{row['time']}  {row['stream']}  {row['message']}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


def _check_limit(limit: int) -> int:
    if not 1 <= limit <= 100_000:
        raise InvalidInput(f"--limit {limit} must be between 1 and 100000")
    return limit


def _note_truncated(ctx: OpsContext, truncated: bool, limit: int) -> None:
    if truncated:
        err_console.print(
            f"[yellow]showing the first {limit} events; narrow --since or raise --limit[/]"
        )


@logs_app.command("tail")
@ops_command()
def tail(
    ctx: OpsContext,
    source: Annotated[str, typer.Argument(help=SOURCE_HELP)],
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="Keep printing new events.")
    ] = False,
    since: Annotated[
        str, typer.Option("--since", help="Start this long ago: 10m, 1h, 2d.")
    ] = "10m",
    pattern: Annotated[
        str | None, typer.Option("--pattern", help="CloudWatch filter pattern.")
    ] = None,
    interval: Annotated[int, typer.Option("--interval", help="Seconds between polls.")] = 2,
    follow_for: Annotated[
        str, typer.Option("--follow-for", help="Stop following after this long.")
    ] = "12h",
    limit: LimitOpt = 1000,
) -> None:
    """Print recent events of one log group; with --follow, poll until Ctrl-C."""
    group = ctx.names.log_group(logs.check_source(source))
    start = datetime.now(UTC) - logs.parse_duration(since)
    stop_after = logs.parse_duration(follow_for, "--follow-for").total_seconds()
    _check_limit(limit)
    if not 1 <= interval <= 300:
        raise InvalidInput(f"--interval {interval} must be between 1 and 300 seconds")
    start_ms = logs.to_millis(start)
    if not follow:
        events, truncated = logs.fetch_events(ctx, group, start_ms, pattern=pattern, limit=limit)
        for event in events:
            _print_event(ctx, event)
        _note_truncated(ctx, truncated, limit)
        return
    deadline = time.monotonic() + stop_after
    try:
        for event in logs.follow_events(
            ctx, group, start_ms, pattern=pattern, interval=interval, deadline=deadline
        ):
            _print_event(ctx, event)
    except KeyboardInterrupt:
        pass
    err_console.print(f"[dim]stopped following {group}[/]")


@logs_app.command("search")
@ops_command()
def search(
    ctx: OpsContext,
    since: Annotated[
        str, typer.Option("--since", help="Search from this long ago: 1h, 2d.")
    ] = "1h",
    until: Annotated[
        str | None, typer.Option("--until", help="Up to this long ago (default now).")
    ] = None,
    pattern: Annotated[str, typer.Option("--pattern", help="CloudWatch filter pattern.")] = "ERROR",
    source: Annotated[str, typer.Option("--source", help=SOURCE_HELP)] = "ecs",
    limit: LimitOpt = 1000,
) -> None:
    """Events matching a filter pattern in a time range (the guide's ERROR search)."""
    group = ctx.names.log_group(logs.check_source(source))
    now = datetime.now(UTC)
    start = now - logs.parse_duration(since)
    end = now - logs.parse_duration(until, "--until") if until else now
    if end <= start:
        raise InvalidInput("--until must be more recent than --since")
    _check_limit(limit)
    with ctx.status(f"searching {group} for {pattern!r}"):
        events, truncated = logs.fetch_events(
            ctx,
            group,
            logs.to_millis(start),
            end_ms=logs.to_millis(end),
            pattern=pattern,
            limit=limit,
        )
    ctx.emit(
        [e.as_row() for e in events],
        columns=["time", "stream", "message"],
        title=f"{group}: {pattern}",
        extra={"truncated": truncated} if truncated else None,
    )
    _note_truncated(ctx, truncated, limit)


def _for_table(row: dict[str, Any]) -> dict[str, Any]:
    return {k: f"{v:.2f}" if isinstance(v, float) else v for k, v in row.items()}


@logs_app.command("insights")
@ops_command()
def insights(
    ctx: OpsContext,
    query: Annotated[
        str, typer.Argument(help="errors (ERROR count per 5 min) or latency (duration per 5 min)")
    ],
    since: Annotated[str, typer.Option("--since", help="Query this long back: 24h, 7d.")] = "24h",
    source: Annotated[
        list[str] | None, typer.Option("--source", help=f"{SOURCE_HELP}; repeatable")
    ] = None,
    timeout: Annotated[str, typer.Option("--timeout", help="Give up after this long.")] = "5m",
) -> None:
    """Run one of the guide's two Logs Insights queries and print its table."""
    logs.check_query(query)
    period = logs.parse_duration(since)
    limit = logs.parse_duration(timeout, "--timeout").total_seconds()
    sources = [logs.check_source(s) for s in source or ["ecs"]]
    with ctx.status(f"running Insights query {query} over {since}"):
        result = logs.run_insights(ctx, query, period, sources, timeout=limit)
    rows = result.rows if ctx.json_output else [_for_table(r) for r in result.rows]
    ctx.emit(
        rows,
        title=f"{query} over the last {since}",
        extra={"query": result.query, "statistics": result.statistics} if ctx.json_output else None,
    )


# Registered by nba_tracker.ops.cli under these names.
GROUPS: dict[str, typer.Typer] = {"logs": logs_app}
COMMANDS: list[Callable[..., object]] = []
