"""``nba-tracker alerts``: follow teams, players and kinds of move; inspect deliveries."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from nba_tracker.alerts import service
from nba_tracker.errors import ConfigurationError, TrackerError
from nba_tracker.settings import Settings, get_settings
from nba_tracker.store.engine import SessionFactory
from nba_tracker.terminal import guarded

app = typer.Typer(
    help="Alerts: one per story per step of certainty, to a webhook, Discord, Slack, "
    "Web Push or SNS.",
    no_args_is_help=True,
)
console = Console()

JsonOption = Annotated[bool, typer.Option("--json", help="JSON instead of a table.")]


def _settings() -> Settings:
    try:
        return get_settings()
    except Exception as exc:
        raise ConfigurationError(f"invalid configuration: {exc}") from None


def _factory(settings: Settings) -> tuple[Any, SessionFactory]:
    from nba_tracker.store.engine import make_engine, make_sessionmaker
    from nba_tracker.store.migrate import prepare_database

    engine = make_engine(settings)
    prepare_database(engine)
    return engine, make_sessionmaker(engine)


def _split(values: list[str] | None) -> list[str]:
    """``--team LAL --team BOS`` and ``--team LAL,BOS`` mean the same."""
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


@app.command("add")
@guarded
def add(
    channel: Annotated[str, typer.Argument(help="webhook, discord, slack, webpush or sns")],
    target: Annotated[
        str,
        typer.Argument(help="https URL; an SNS topic ARN; Web Push: the PushSubscription JSON"),
    ],
    name: Annotated[str, typer.Option("--name", help="What to call it.")] = "alerts",
    team: Annotated[list[str] | None, typer.Option("--team", help="Team abbreviation.")] = None,
    player: Annotated[list[str] | None, typer.Option("--player", help="Player name.")] = None,
    category: Annotated[
        list[str] | None, typer.Option("--category", help="Trade, Signing, Extension, …")
    ] = None,
    least_status: Annotated[
        str, typer.Option("--least-status", help="rumor, reported or official")
    ] = "reported",
    json_output: JsonOption = False,
) -> None:
    """Follow teams, players or categories (any that is left out means any)."""
    settings = _settings()
    engine, factory = _factory(settings)
    try:
        sub = service.add(
            factory,
            settings,
            name=name,
            channel=channel,
            target=target,
            teams=_split(team),
            players=_split(player),
            categories=_split(category),
            least_status=least_status,
        )
    finally:
        engine.dispose()
    if json_output:
        print(json.dumps(sub.to_json_dict(reveal_secret=True)))  # noqa: T201
        return
    console.print(f"subscription [bold]{sub.id}[/] ({sub.channel}): {sub.filter.describe()}")
    if sub.channel == "webhook":
        console.print(f"signing secret (shown once): {sub.secret}", highlight=False)


@app.command("list")
@guarded
def list_(json_output: JsonOption = False) -> None:
    """Every subscription with its delivered, pending and failed alerts."""
    settings = _settings()
    engine, factory = _factory(settings)
    try:
        subs = service.list_all(factory)
    finally:
        engine.dispose()
    if json_output:
        print(json.dumps([s.to_json_dict() for s in subs]))  # noqa: T201
        return
    table = Table("id", "name", "channel", "target", "follows", "delivered", "pending", "failed")
    for s in subs:
        data = s.to_json_dict()
        table.add_row(
            str(s.id),
            s.name,
            s.channel,
            data["target"],
            s.filter.describe(),
            str(s.delivered),
            str(s.pending),
            str(s.failed),
        )
    console.print(table)


@app.command("remove")
@guarded
def remove(subscription_id: Annotated[int, typer.Argument(help="The subscription's id.")]) -> None:
    """Stop a subscription; its undelivered alerts go with it."""
    settings = _settings()
    engine, factory = _factory(settings)
    try:
        service.remove(factory, subscription_id)
    finally:
        engine.dispose()
    console.print(f"subscription {subscription_id} removed")


@app.command("test")
@guarded
def send_test(
    subscription_id: Annotated[int, typer.Argument(help="The subscription's id.")],
    json_output: JsonOption = False,
) -> None:
    """Send one test alert now and say what the receiver answered."""
    settings = _settings()
    engine, factory = _factory(settings)
    try:
        outcome = asyncio.run(service.send_test(factory, settings, subscription_id))
    finally:
        engine.dispose()
    if json_output:
        print(json.dumps({"delivered": outcome.delivered, "error": outcome.error}))  # noqa: T201
    elif outcome.delivered:
        console.print("test alert delivered")
    if not outcome.delivered:
        raise TrackerError(f"test alert not delivered: {outcome.error}")


@app.command("dispatch")
@guarded
def dispatch(
    forever: Annotated[
        bool, typer.Option("--forever", help="Keep polling (a dispatcher service).")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Send every alert that is due (``serve`` does this in the background)."""
    settings = _settings()
    engine, factory = _factory(settings)
    try:
        report = asyncio.run(service.dispatch(factory, settings, forever=forever))
    finally:
        engine.dispose()
    result = {"delivered": report.delivered, "retried": report.retried, "failed": report.failed}
    if json_output:
        print(json.dumps(result))  # noqa: T201
    else:
        console.print(
            f"delivered {report.delivered}, to retry {report.retried}, failed {report.failed}"
        )


@app.command("deliveries")
@guarded
def deliveries(
    state: Annotated[
        str | None, typer.Option("--state", help="pending, sending, delivered or failed")
    ] = None,
    subscription: Annotated[int | None, typer.Option("--subscription")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
    json_output: JsonOption = False,
) -> None:
    """Recent alerts and what became of them (``--state failed``: the failures)."""
    settings = _settings()
    engine, factory = _factory(settings)
    try:
        rows = service.deliveries(factory, state, subscription, limit)
    finally:
        engine.dispose()
    if json_output:
        print(json.dumps([r.to_json_dict() for r in rows]))  # noqa: T201
        return
    table = Table("id", "subscription", "story", "status", "state", "attempts", "error", "text")
    for r in rows:
        table.add_row(
            str(r.id),
            f"{r.subscription_id} {r.subscription}",
            str(r.story_id),
            r.status,
            r.state,
            str(r.attempts),
            r.last_error or "",
            r.text[:60],
        )
    console.print(table)


@app.command("replay")
@guarded
def replay(
    alert_id: Annotated[
        list[int] | None, typer.Argument(help="Failed alerts to queue again (all if none).")
    ] = None,
    subscription: Annotated[int | None, typer.Option("--subscription")] = None,
) -> None:
    """Queue failed alerts again, attempts reset; the dispatcher sends them in order."""
    settings = _settings()
    engine, factory = _factory(settings)
    try:
        n = service.replay(factory, alert_id or (), subscription)
    finally:
        engine.dispose()
    console.print(f"{n} failed alerts queued again")
