"""``nba-tracker``: run the tracker, collect, inspect a feed, migrate, operate AWS."""

from __future__ import annotations

import importlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import typer
from rich.console import Console
from typer import _click as click  # the click that Typer's own classes are built on
from typer.core import TyperCommand, TyperGroup

from nba_tracker.errors import ConfigurationError, FeedError, TrackerError
from nba_tracker.terminal import guarded

if TYPE_CHECKING:
    from fastapi import FastAPI

    # pydantic costs ~0.3 s to import: only commands that read settings pay it.
    from nba_tracker.ingest.registry import FeedSpec
    from nba_tracker.settings import Settings


class _LazyGroup(TyperGroup):
    """Command groups that live in their own packages, imported only when invoked: the
    ops guide pulls in boto3, alerts and the league log SQLAlchemy, and ``--help`` or
    ``parse`` should not pay for them. Listings show the help text declared here."""

    # name → (module, attribute, help); the attribute is a Typer app or a command function.
    LAZY: ClassVar[dict[str, tuple[str, str, str]]] = {
        "ops": (
            "nba_tracker.ops.cli",
            "app",
            "Run the operations guide against AWS (honours AWS_PROFILE and AWS_ENDPOINT_URL).",
        ),
        "alerts": (
            "nba_tracker.alerts.commands",
            "app",
            "Alerts: one per story per step of certainty, to a webhook, Discord, Slack, "
            "Web Push or SNS.",
        ),
        "league-log": (
            "nba_tracker.ingest.league_commands",
            "read_log",
            "Read the league's transaction log once: store its rows, match them to stories.",
        ),
        "stats": (
            "nba_tracker.ingest.league_commands",
            "stats",
            "Agreement of the text's labels with the league log over the last DAYS days.",
        ),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in self.LAZY if n not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in self.LAZY:
            return super().get_command(ctx, cmd_name)
        # For listings only: invoking goes through resolve_command, which loads it.
        return TyperCommand(cmd_name, help=self.LAZY[cmd_name][2])

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] in self.LAZY and args[0] not in self.commands:
            self.add_command(_load_command(args[0], *self.LAZY[args[0]][:2]), args[0])
        return super().resolve_command(ctx, args)


def _load_command(name: str, module: str, attribute: str) -> click.Command:
    target = getattr(importlib.import_module(module), attribute)
    if not isinstance(target, typer.Typer):
        single = typer.Typer()
        single.command(name)(target)
        target = single
    return typer.main.get_command(target)


app = typer.Typer(
    cls=_LazyGroup,
    help="NBA Trade Tracker: every trade, signing and waiver from public feeds.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    # Click's plain help and usage errors: Typer's rich formatting imports Markdown and
    # its parser (~0.1 s of every start) for text that has no markup.
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Database schema and reference data.", no_args_is_help=True)
app.add_typer(db_app, name="db")
feedback_app = typer.Typer(help="Readers' flags on wrong badges.", no_args_is_help=True)
app.add_typer(feedback_app, name="feedback")

console = Console()


def _settings() -> Settings:
    from nba_tracker.settings import get_settings

    try:
        return get_settings()
    except Exception as exc:  # pydantic's message names the bad variable
        raise ConfigurationError(f"invalid configuration: {exc}") from None


@db_app.command("upgrade")
@guarded
def db_upgrade() -> None:
    """Migrate the database to the newest schema and load teams and players."""
    from nba_tracker.store.engine import make_engine
    from nba_tracker.store.migrate import current_revision, prepare_database

    settings = _settings()
    engine = make_engine(settings)
    try:
        counts = prepare_database(engine)
        console.print(
            f"database at revision [bold]{current_revision(engine)}[/]; "
            f"{counts['teams']} teams, {counts['players']} players"
        )
    except Exception as exc:
        raise TrackerError(f"migration failed: {type(exc).__name__}: {exc}") from None
    finally:
        engine.dispose()


@db_app.command("reclassify")
@guarded
def db_reclassify(
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, max=10_000, help="Articles per transaction.")
    ] = 500,
    restart: Annotated[
        bool, typer.Option("--restart", help="Start over instead of resuming an unfinished run.")
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Label every stored article again with the current rules and model, re-merge the
    stories they moved between, and move the data version so caches refresh. Resumes an
    interrupted run where it stopped."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from nba_tracker.store.engine import make_sessionmaker
    from nba_tracker.store.lock import LockMode, collection_lock
    from nba_tracker.store.migrate import prepared_engine
    from nba_tracker.store.reclassify import Progress as Done
    from nba_tracker.store.reclassify import reclassify

    settings = _settings()
    with prepared_engine(settings) as engine:
        bar = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            disable=json_output,
        )
        task = bar.add_task("reclassifying", total=None)

        def advance(state: Done) -> None:
            bar.update(task, completed=state.done, total=state.total)

        with bar:
            # A collection waits for the batch in hand, never for the whole run.
            result = reclassify(
                make_sessionmaker(engine),
                batch_size=batch_size,
                restart=restart,
                on_batch=advance,
                batch_guard=lambda: collection_lock(engine, LockMode.WAIT),
            )
    if json_output:
        sys.stdout.write(json.dumps(result.to_json_dict()) + "\n")
        return
    console.print(f"{result.done} articles reclassified, {result.changed} changed")


@feedback_app.command("list")
@guarded
def feedback_list(
    limit: Annotated[int, typer.Option("--limit", min=1, help="Newest this many.")] = 100,
    json_output: Annotated[bool, typer.Option("--json", help="One JSON object per flag.")] = False,
) -> None:
    """Flags readers raised on badges, newest first."""
    from nba_tracker.store import feedback
    from nba_tracker.store.engine import make_sessionmaker, transaction
    from nba_tracker.store.migrate import prepared_engine

    settings = _settings()
    with prepared_engine(settings) as engine, transaction(make_sessionmaker(engine)) as session:
        flags = feedback.list_flags(session, limit)
    if json_output:
        for f in flags:
            sys.stdout.write(json.dumps(f.to_json_dict(), ensure_ascii=False) + "\n")
        return
    from rich.table import Table

    table = Table(title=f"{len(flags)} flags")
    for col in ("when", "badge", "said", "now", "suggested", "source", "title"):
        table.add_column(col)
    for f in flags:
        table.add_row(
            f.created_at.strftime("%Y-%m-%d %H:%M"),
            f.badge,
            f.label or "",
            f.current or "",
            f.suggested or "",
            f.source,
            f.title,
        )
    console.print(table)


@feedback_app.command("export")
@guarded
def feedback_export(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write here instead of standard output.")
    ] = None,
) -> None:
    """Flagged articles as JSON Lines in the labels' format (tests/data/labels), one row
    per article: suggestions applied; a badge flagged without one stays as it is, named
    in "disputed", with confidence "low"."""
    from nba_tracker.store import feedback
    from nba_tracker.store.engine import make_sessionmaker, transaction
    from nba_tracker.store.migrate import prepared_engine

    settings = _settings()
    with prepared_engine(settings) as engine, transaction(make_sessionmaker(engine)) as session:
        lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in feedback.export_rows(session)]
    if out is None:
        sys.stdout.writelines(lines)
        return
    try:
        out.write_text("".join(lines), encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"cannot write {out}: {exc.strerror}") from None
    console.print(f"{len(lines)} flagged articles written to {out}")


@app.command()
@guarded
def scrape(
    source: Annotated[
        list[str] | None,
        typer.Option("--source", "-s", help="Feed URL or file to read instead of the registry."),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Run one collection and print what each feed gave."""
    import asyncio

    from nba_tracker.ingest.pipeline import Collector
    from nba_tracker.ingest.registry import spec_for_location
    from nba_tracker.observability import configure_logging
    from nba_tracker.store.engine import make_sessionmaker
    from nba_tracker.store.migrate import prepared_engine

    settings = _settings()
    configure_logging(settings.log_level if not json_output else "ERROR", json_output=False)
    with prepared_engine(settings) as engine:
        specs = [spec_for_location(s) for s in source] if source else None
        collector = Collector(settings, make_sessionmaker(engine))
        report = asyncio.run(collector.run(specs, trigger="cli"))
    if json_output:
        sys.stdout.write(json.dumps(report.to_dict(), default=str) + "\n")
    else:
        _print_report(report)
    if report.all_failed:
        raise typer.Exit(1)


def _print_report(report: object) -> None:
    from rich.table import Table

    from nba_tracker.ingest.pipeline import CollectionReport

    assert isinstance(report, CollectionReport)
    table = Table(title=f"Collection run {report.run_id}")
    for col, justify in (
        ("feed", "left"),
        ("fetched", "right"),
        ("new", "right"),
        ("duplicate", "right"),
        ("status", "left"),
        ("time", "right"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for f in report.feeds:
        status = {"ok": "[green]ok[/]", "not_modified": "[cyan]not modified[/]"}.get(
            f.status, f"[red]failed[/]: {f.error}"
        )
        if f.warning and f.status == "ok":
            status += f" [yellow]({f.warning})[/]"
        table.add_row(
            f.name, str(f.fetched), str(f.new), str(f.duplicate), status, f"{f.seconds:.2f}s"
        )
    t = report.totals
    table.add_section()
    table.add_row(
        "total", str(t["fetched"]), str(t["new"]), str(t["duplicate"]), f"{t['failed']} failed", ""
    )
    console.print(table)


@app.command()
@guarded
def parse(
    location: Annotated[str, typer.Argument(help="Feed file path or URL.")],
    json_output: Annotated[bool, typer.Option("--json", help="One JSON object per item.")] = False,
) -> None:
    """Show what the tracker makes of a feed's items. Writes nothing."""
    from nba_tracker.domain.analysis import analyze
    from nba_tracker.domain.times import utc_z
    from nba_tracker.ingest.parse import parse_feed
    from nba_tracker.ingest.registry import read_local_feed, spec_for_location

    settings = _settings()
    spec = spec_for_location(location)
    try:
        # A file is read without the HTTP client and the event loop (a third of this
        # command's start-up), with the same size cap and errors as a collection.
        body = (
            read_local_feed(spec, settings.fetch_max_bytes)
            if spec.is_local
            else _fetch_body(spec, settings)
        )
    except FeedError as exc:
        raise FeedError(f"cannot read {location}: {exc}") from None
    try:
        feed = parse_feed(body, datetime.now(UTC), settings.max_items_per_feed)
    except FeedError as exc:
        raise FeedError(f"cannot read {location}: {exc}") from None
    rows = []
    for item in feed.items:
        row = {
            "id": item.uid,
            "title": item.title,
            "link": item.url,
            "published_at": utc_z(item.published_at),
            "published_estimated": item.published_estimated,
            "summary": item.summary,
            **analyze(item.title, item.summary).to_json_dict(),
        }
        rows.append(row)
    if json_output:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    # Tables are imported by the commands that print one: --help and --json need none.
    from rich.table import Table
    from rich.text import Text

    from nba_tracker.domain.text import clean_text

    def cell(value: object) -> Text:
        # Plain text, never markup, and no control character reaches the terminal.
        return Text(clean_text(str(value)))

    table = Table(title=cell(feed.title or location))
    for col in ("published", "category", "status", "teams", "title"):
        table.add_column(col)
    for row in rows:
        table.add_row(
            cell(str(row["published_at"])[:16]),
            cell(row["category"]),
            cell(row["status"] or ""),
            cell(",".join(row["teams"])),
            cell(row["title"]),
        )
    console.print(table)


def _fetch_body(spec: FeedSpec, settings: Settings) -> bytes:
    import asyncio

    from nba_tracker.ingest.fetch import Validators, fetch_all, fetch_options

    [result] = asyncio.run(fetch_all([(spec, Validators())], fetch_options(settings)))
    if not result.ok:
        raise FeedError(result.error or "")
    return result.body or b""


def _demo_feeds() -> list[object]:
    from importlib import resources

    from nba_tracker.ingest.registry import FeedSpec

    folder = resources.files("nba_tracker.data.demo_feeds")
    return [
        FeedSpec(entry.name.removesuffix(".xml"), str(entry))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".xml")
    ]


@app.command()
@guarded
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT", min=1, max=65535)] = 8000,
    collect: Annotated[
        bool, typer.Option("--collect/--no-collect", help="Collect feeds in the background.")
    ] = True,
    interval: Annotated[int, typer.Option(min=30, help="Seconds between collections.")] = 300,
    demo: Annotated[
        bool, typer.Option("--demo", help="Load the bundled sample news first.")
    ] = False,
    console_logs: Annotated[
        bool, typer.Option("--console-logs", help="Human-readable logs instead of JSON lines.")
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes answering on the port; the first alone collects "
            "and sends alerts.",
        ),
    ] = 1,
) -> None:
    """Run the tracker: page, GraphQL, Atom feeds, health and metrics (SQLite by default)."""
    import gc
    import os

    import uvicorn

    from nba_tracker.api.app import create_app
    from nba_tracker.api.server import (
        ServerLimits,
        guarded_protocol,
        install_repeat_filter,
        serve_workers,
    )
    from nba_tracker.observability import configure_logging, get_logger

    if workers > 1 and not hasattr(os, "fork"):
        raise ConfigurationError("--workers above 1 needs a system with fork (Linux, macOS)")
    settings = _settings()
    configure_logging(settings.log_level, json_output=not console_logs)

    def build(first: bool = True) -> FastAPI:
        # Collection, the sample feeds and the alert dispatcher run in one process only:
        # the first worker, the only one under --workers 1.
        return create_app(
            settings,
            collect_interval=interval if collect and first else None,
            startup_feeds=_demo_feeds() if demo and first else None,  # type: ignore[arg-type]
            dispatch_alerts=settings.dispatch_in_serve and first,
        )

    app_ = build() if workers == 1 else None
    get_logger("nba_tracker.cli").info(
        "NBA Trade Tracker starting",
        url=f"http://{host}:{port}",
        collect=collect,
        demo=demo,
        **({"workers": workers} if workers > 1 else {}),
    )
    limits = ServerLimits(
        settings.server_header_timeout,
        settings.server_body_timeout,
        settings.server_keep_alive,
        settings.server_max_connections,
    ).bounded_by_fd_limit()
    install_repeat_filter()
    options: dict[str, Any] = {
        "log_config": None,
        "access_log": False,
        # Read deadlines, keep-alive and a connection ceiling below the fd limit: see
        # api/server.py and docs/reliability.md.
        "http": guarded_protocol(limits),
        "timeout_keep_alive": max(1, round(limits.keep_alive)),
        "limit_concurrency": limits.max_connections + 1,
        # The client behind a trusted proxy is taken by the app (api.middleware.TrustedProxy).
        "proxy_headers": False,
        "timeout_graceful_shutdown": 10,
    }
    if app_ is None:
        _prepare_before_workers(settings)
        # Each worker freezes its start-up heap as one process does below, the parent's
        # (everything imported) before forking: see api/server.py.
        status = serve_workers(workers, host, port, build, options)
        if status:
            raise typer.Exit(status)
        return
    # What start-up built (modules, the schema, the routes, reference tables) lives as long
    # as the process: frozen out of the collector's generations, a full collection under
    # load walks only what requests allocate. Unfrozen, bench-api saw ~90 ms pauses every
    # ~0.7 s at 400 requests/s, most of its p99.
    gc.collect()
    gc.freeze()
    uvicorn.run(app_, host=host, port=port, **options)


def _prepare_before_workers(settings: Settings) -> None:
    """Migrate once, before the workers start: each worker's start-up migrates too, and
    several processes migrating one new SQLite file at once fail (PostgreSQL serialises
    them on an advisory lock; SQLite has none). Theirs then finds it current. A database
    that is not ready is left to them, as one process leaves it: served anyway, /health
    says 503."""
    from nba_tracker.observability import get_logger
    from nba_tracker.store.engine import make_engine
    from nba_tracker.store.migrate import prepare_database

    engine = make_engine(settings)
    try:
        prepare_database(engine)
    except Exception:
        get_logger("nba_tracker.cli").error("Database not ready at start-up", exc_info=True)
    finally:
        # No connection of the parent's may be shared by the forked workers.
        engine.dispose()


@app.command()
@guarded
def translate(
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=10_000, help="At most this many articles.")
    ] = 100,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Queue failed ones again first.")
    ] = False,
) -> None:
    """Translate pending articles into Japanese (NBA_TRACKER_TRANSLATOR=amazon)."""
    from nba_tracker.store.engine import make_sessionmaker
    from nba_tracker.store.migrate import prepared_engine
    from nba_tracker.translate import service
    from nba_tracker.translate.backends import make_translator

    settings = _settings()
    try:
        translator = make_translator(settings.translator, settings.translate_terminology)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None
    with prepared_engine(settings) as engine:
        factory = make_sessionmaker(engine)
        if retry_failed:
            console.print(f"{service.retry_failed(factory)} failed translations queued again")
        report = service.translate_pending(factory, translator, limit=limit)
    if report.skipped:
        raise ConfigurationError("no translator configured: set NBA_TRACKER_TRANSLATOR=amazon")
    console.print(f"translated {report.translated}, failed {report.failed}")
    if report.failed and not report.translated:
        raise typer.Exit(1)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
