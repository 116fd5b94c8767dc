"""``nba-tracker league-log`` (read the league's transaction log once) and
``nba-tracker stats`` (how far the text's labels agree with the log)."""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from nba_tracker.ingest.league_log import AGREEMENT_DAYS, LeagueLogReader, LogReport, LogStatus
from nba_tracker.ingest.registry import FeedSpec, SourceKind, is_local_location
from nba_tracker.settings import get_settings
from nba_tracker.store import league_log as store
from nba_tracker.store.engine import make_sessionmaker, transaction
from nba_tracker.store.migrate import prepared_engine
from nba_tracker.terminal import guarded

console = Console()


@guarded
def read_log(
    source: Annotated[
        str | None,
        typer.Option("--source", "-s", help="Log URL or file to read instead of the registry."),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Read the league's transaction log once: store its rows, match them to stories."""
    settings = get_settings()
    with prepared_engine(settings) as engine:
        logs = None
        if source:
            name = "league log file" if is_local_location(source) else "league log URL"
            logs = [FeedSpec(name, source, kind=SourceKind.LEAGUE_LOG)]
        report = asyncio.run(LeagueLogReader(settings, make_sessionmaker(engine)).run(logs))
    if json_output:
        sys.stdout.write(json.dumps(report.to_dict(), default=str) + "\n")
    else:
        _print(report)
    if report.logs and report.failed == len(report.logs):
        raise typer.Exit(1)


def _print(report: LogReport) -> None:
    table = Table(title="League log")
    for col in ("log", "rows", "new", "revised", "confirmed", "flagged", "log only", "status"):
        table.add_column(col)
    for o in report.logs:
        status = (
            o.status.value if o.status is not LogStatus.FAILED else f"[red]failed[/]: {o.error}"
        )
        if o.warning:
            status += f" [yellow]({o.warning})[/]"
        table.add_row(
            o.name,
            str(o.rows),
            str(o.new),
            str(o.revised),
            str(o.confirmed),
            str(o.contradicted),
            str(o.log_only),
            status,
        )
    console.print(table)
    if report.agreement:
        console.print(_agreement_line(report.agreement))


def _agreement_line(a: store.Agreement) -> str:
    rate = f"{100 * a.rate:.1f} %" if a.rate is not None else "n/a"
    return (
        f"Last {a.days} days: {a.confirmed} of {a.labelled} stories labelled reported/official "
        f"confirmed by the league log ({rate}), {a.contradicted} contradicted; "
        f"{a.unreported} of {a.log_transactions} log transactions reported by no outlet"
    )


@guarded
def stats(
    days: Annotated[int, typer.Option(min=1, max=365, help="Days to look back.")] = AGREEMENT_DAYS,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Agreement of the text's labels with the league log over the last DAYS days."""
    settings = get_settings()
    with prepared_engine(settings) as engine, transaction(make_sessionmaker(engine)) as session:
        figure = store.agreement(session, datetime.now(UTC), days)
    if json_output:
        sys.stdout.write(json.dumps(asdict(figure) | {"rate": figure.rate}) + "\n")
    else:
        console.print(_agreement_line(figure))
