"""The league log read over real HTTP into SQLite and PostgreSQL: the real snapshots in
../shared/league-log, read twice, then the later capture with two revised rows; hostile
bodies; stories confirmed, contradicted and made from the log."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from nba_tracker.ingest.league_log import LeagueLogReader, LogReport
from nba_tracker.ingest.pipeline import Collector
from nba_tracker.ingest.registry import FeedSpec, SourceKind
from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine, make_sessionmaker
from nba_tracker.store.league_log import LeagueLogLink, LeagueLogRow
from nba_tracker.store.models import Source, Story
from tests.support.feed_server import FeedServer, Route
from tests.support.feeds import Item, rss

SHARED = Path(__file__).resolve().parents[4] / "shared" / "league-log"
FULL = SHARED / "najicham_2025-07-17_raw_1ecdb80d.json"
LATER = SHARED / "wmentrekin_mem-subset_2025-26_nba_player_movement_mem_2025_26.json"
JSON = {"Content-Type": "application/json"}

needs_snapshots = pytest.mark.skipif(
    not FULL.exists() or not LATER.exists(), reason="league-log snapshots absent (../shared)"
)


@pytest.fixture
def reader(database_url: str) -> Iterator[LeagueLogReader]:
    settings = Settings(fetch_timeout=5.0, fetch_retries=0)
    engine = make_engine(settings, database_url)
    yield LeagueLogReader(settings, make_sessionmaker(engine))
    engine.dispose()


def spec(url: str) -> FeedSpec:
    return FeedSpec("NBA league log", url, kind=SourceKind.LEAGUE_LOG)


def read(reader: LeagueLogReader, url: str, now: datetime | None = None) -> LogReport:
    return asyncio.run(reader.run([spec(url)], now=now or datetime(2025, 7, 17, 23, tzinfo=UTC)))


def count(reader: LeagueLogReader, model: type, *where: object) -> int:
    with reader.factory() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def source(reader: LeagueLogReader) -> Source:
    with reader.factory() as session:
        return session.scalars(select(Source).where(Source.name == "NBA league log")).one()


@needs_snapshots
def test_the_whole_log_is_stored_once_and_a_revised_row_updates_in_place(
    reader: LeagueLogReader, feed_server: FeedServer
) -> None:
    url = feed_server.add("/log.json", Route(FULL.read_bytes(), headers=JSON, etag='"v1"'))
    first = read(reader, url).logs[0]
    assert (first.status, first.rows, first.new, first.revised, first.skipped) == (
        "ok",
        8730,
        8730,
        0,
        0,
    )
    assert count(reader, LeagueLogRow) == 8730
    with reader.factory() as session:
        groups = session.scalar(select(func.count(func.distinct(LeagueLogRow.group_id))))
    assert groups == 7562
    # The second read is a conditional GET: the server answers 304, nothing is stored.
    second = read(reader, url).logs[0]
    assert second.status == "not_modified"
    assert feed_server.requests[-1][1].get("If-None-Match") == '"v1"'
    # The same body without validators is parsed again and still stores nothing twice.
    feed_server.add("/plain.json", Route(FULL.read_bytes(), headers=JSON))
    again = read(reader, feed_server.url("/plain.json")).logs[0]
    assert (again.new, again.revised) == (0, 0)
    assert count(reader, LeagueLogRow) == 8730
    # The later capture: 72 new rows, and two descriptions revised in place.
    later = read(reader, feed_server.add("/later.json", Route(LATER.read_bytes(), headers=JSON)))
    assert (later.logs[0].new, later.logs[0].revised) == (72, 2)
    assert count(reader, LeagueLogRow) == 8730 + 72
    with reader.factory() as session:
        coward = session.scalars(
            select(LeagueLogRow).where(LeagueLogRow.group_id == "Signing 1135682")
        ).one()
    assert coward.description.startswith("Memphis Grizzlies re-signed guard Cedric Coward")
    assert coward.revised_at is not None
    health = source(reader)
    assert health.consecutive_failures == 0 and health.last_error is None


@needs_snapshots
def test_a_trade_is_one_transaction_with_every_part_per_team(
    reader: LeagueLogReader, feed_server: FeedServer
) -> None:
    read(reader, feed_server.add("/later.json", Route(LATER.read_bytes(), headers=JSON)))
    from nba_tracker.store.league_log import log_transactions

    with reader.factory() as session:
        (trade,) = log_transactions(session, group_ids=["Trade 2026006"])
    assert trade.teams == {"DAL", "DET", "LAC", "MEM", "MIL", "WAS"}
    assert "khris-middleton" in {p.player_slug for p in trade.received("WAS")}
    assert all(p.team == "MEM" for p in trade.received("MEM"))


def test_hostile_bodies_fail_the_log_alone_with_a_clear_error(
    reader: LeagueLogReader, feed_server: FeedServer
) -> None:
    huge = b'{"NBA_Player_Movement": {"rows": [' + b" " * (50 * 1024 * 1024) + b"]}}"
    cases = {
        "/huge.json": (huge, "too large"),
        "/html.json": (b"<html>maintenance</html>", "not JSON"),
        "/shape.json": (b'{"rows": []}', "no NBA_Player_Movement.rows"),
        "/gzip.json": (gzip.compress(b"x" * 100), "not JSON"),
    }
    for n, (path, (body, error)) in enumerate(cases.items(), start=1):
        outcome = read(reader, feed_server.add(path, Route(body, headers=JSON))).logs[0]
        assert outcome.status == "failed", path
        assert error in (outcome.error or ""), (path, outcome.error)
        assert source(reader).consecutive_failures == n
    assert count(reader, LeagueLogRow) == 0


def test_unreadable_rows_are_skipped_and_said_the_rest_stored(
    reader: LeagueLogReader, feed_server: FeedServer
) -> None:
    good = {
        "Transaction_Type": "Waive",
        "TRANSACTION_DATE": "2026-01-05T00:00:00",
        "TRANSACTION_DESCRIPTION": "Phoenix Suns waived guard Bradley Beal.",
        "TEAM_ID": 1610612756.0,
        "TEAM_SLUG": "suns",
        "PLAYER_ID": 203078.0,
        "PLAYER_SLUG": "bradley-beal",
        "Additional_Sort": 0.0,
        "GroupSort": "Waive 1",
    }
    rows = [
        good,
        {k: v for k, v in good.items() if k != "TEAM_ID"} | {"GroupSort": "Waive 2"},
        good | {"Transaction_Type": "Suspension", "GroupSort": "Waive 3"},
        good | {"PLAYER_ID": "203078", "GroupSort": "Waive 4"},
        good | {"TRANSACTION_DATE": "yesterday", "GroupSort": "Waive 5"},
        "not a row",
    ]
    body = json.dumps({"NBA_Player_Movement": {"rows": rows}}).encode()
    outcome = read(reader, feed_server.add("/rows.json", Route(body, headers=JSON))).logs[0]
    assert (outcome.status, outcome.new, outcome.skipped) == ("ok", 1, 5)
    assert outcome.warning == "5 rows skipped (first: row 1: TEAM_ID missing)"
    assert source(reader).last_error == outcome.warning


@needs_snapshots
def test_stories_are_confirmed_flagged_or_made_from_the_log(
    reader: LeagueLogReader, feed_server: FeedServer
) -> None:
    collector = Collector(reader.settings, reader.factory)
    items = [
        Item(
            "Grizzlies agree to trade Ja Morant to Trail Blazers for Jerami Grant, sources say",
            "https://news.example.com/morant-trade",
            published=datetime(2026, 6, 27, 18, tzinfo=UTC),
        ),
        Item(
            "The Lakers have officially signed Quinten Post",
            "https://news.example.com/post-lakers",
            published=datetime(2026, 7, 8, 18, tzinfo=UTC),
        ),
    ]
    feed = feed_server.add("/news.xml", rss(items))
    asyncio.run(collector.run([FeedSpec("Wire", feed)], trigger="test"))
    with reader.factory() as session:
        stories = {s.headline: s.id for s in session.scalars(select(Story))}
    assert len(stories) == 2, stories
    url = feed_server.add("/later.json", Route(LATER.read_bytes(), headers=JSON))
    report = read(reader, url, now=datetime(2026, 7, 10, 12, tzinfo=UTC))
    outcome = report.logs[0]
    with reader.factory() as session:
        links = {
            (link.group_id, link.story_id): link for link in session.scalars(select(LeagueLogLink))
        }
        reported = session.get(Story, stories[items[0].title])
        wrong = session.get(Story, stories[items[1].title])
        made = session.scalars(select(Story).where(Story.article_count == 0)).all()
    assert reported is not None and reported.status == "official"
    assert links[("Trade 2025063", reported.id)].outcome == "confirmed"
    # The league records Post signing with Memphis, not the Lakers: flagged, not confirmed.
    flagged = links[("Signing 1153039", wrong.id)]
    assert flagged.outcome == "contradicted" and "with MEM, not LAL" in flagged.reason
    assert wrong.status == "official"
    # Unreported moves of the last two weeks (from 2026-06-26) became stories of their own.
    assert outcome.log_only == len(made) > 0
    assert all(s.status == "official" for s in made)
    assert "Trade 2025063" not in {g for (g, sid) in links if sid in {s.id for s in made}}
    # Reading again adds nothing.
    again = read(reader, url, now=datetime(2026, 7, 10, 12, 30, tzinfo=UTC)).logs[0]
    assert (again.confirmed, again.contradicted, again.log_only) == (0, 0, 0)
    assert count(reader, LeagueLogLink) == len(links)
    # The week before 2026-07-10 holds one labelled story, the flagged one.
    agreement = report.agreement
    assert agreement is not None
    assert (agreement.labelled, agreement.confirmed, agreement.contradicted) == (1, 0, 1)
    assert agreement.unreported == outcome.log_only


def test_the_agreement_figure_in_metrics_stats_and_the_metrics_line(
    reader: LeagueLogReader, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from nba_tracker import observability
    from nba_tracker.api.app import create_app
    from nba_tracker.cli import app as cli

    now = datetime.now(UTC)
    items = [
        Item(
            "The Suns have officially waived Bradley Beal",
            "https://news.example.com/beal",
            published=now - timedelta(days=2),
        ),
        Item(
            "Celtics agree to sign Luka Garza, sources say",
            "https://news.example.com/garza",
            published=now - timedelta(days=1),
        ),
    ]
    collector = Collector(reader.settings, reader.factory)
    asyncio.run(collector.run([FeedSpec("Wire", feed_server.add("/n.xml", rss(items)))]))
    day = (now - timedelta(days=1)).date().isoformat() + "T00:00:00"
    row = {
        "Transaction_Type": "Waive",
        "TRANSACTION_DATE": day,
        "TRANSACTION_DESCRIPTION": "Phoenix Suns waived guard Bradley Beal.",
        "TEAM_ID": 1610612756.0,
        "TEAM_SLUG": "suns",
        "PLAYER_ID": 203078.0,
        "PLAYER_SLUG": "bradley-beal",
        "Additional_Sort": 0.0,
        "GroupSort": "Waive 77",
    }
    other = row | {
        "Transaction_Type": "Signing",
        "TRANSACTION_DESCRIPTION": "Utah Jazz signed guard Isaiah Collier to a Contract.",
        "TEAM_ID": 1610612762.0,
        "PLAYER_ID": 1642268.0,
        "GroupSort": "Signing 78",
    }
    body = json.dumps({"NBA_Player_Movement": {"rows": [row, other]}}).encode()
    stream = io.StringIO()
    monkeypatch.setattr(observability, "_metrics_stream", stream)
    report = asyncio.run(reader.run([spec(feed_server.add("/l.json", Route(body, headers=JSON)))]))
    agreement = report.agreement
    assert agreement is not None
    # Two stories labelled reported/official; the log confirmed one (Beal's waiver), and
    # recorded one move (Collier's signing) that no outlet reported.
    assert (agreement.labelled, agreement.confirmed, agreement.unreported) == (2, 1, 1)
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["message"] == "League log metrics"
    assert (line["LogAgreementPercent"], line["LogUnreported"], line["LeagueLogFailed"]) == (
        50.0,
        1,
        0,
    )
    url = reader.factory.kw["bind"].url.render_as_string(hide_password=False)
    with TestClient(create_app(Settings(database_url=url))) as client:  # type: ignore[arg-type]
        text = client.get("/metrics").text
    assert "nba_tracker_league_log_agreement_ratio 0.5" in text
    assert 'nba_tracker_league_log_stories{figure="confirmed"} 1.0' in text
    assert 'nba_tracker_league_log_stories{figure="unreported"} 1.0' in text
    result = CliRunner().invoke(cli, ["stats", "--json"], env={"NBA_TRACKER_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert (figures["labelled"], figures["confirmed"], figures["rate"]) == (2, 1, 0.5)


def _log_row(kind: str, day: str, group: str, team_id: int, slug: str, description: str) -> dict:
    return {
        "Transaction_Type": kind,
        "TRANSACTION_DATE": f"{day}T00:00:00",
        "TRANSACTION_DESCRIPTION": description,
        "TEAM_ID": float(team_id),
        "TEAM_SLUG": slug,
        "PLAYER_ID": 1630175.0,
        "PLAYER_SLUG": "cole-anthony",
        "Additional_Sort": 0.0,
        "GroupSort": group,
    }


def test_an_item_naming_a_player_but_no_team_is_linked_to_his_team_by_the_log(
    reader: LeagueLogReader, feed_server: FeedServer
) -> None:
    from nba_tracker.store.models import Article, ArticleTeam, Team

    # Newest first, as the league lists it: waived by Orlando, then signed by Milwaukee.
    log = {
        "NBA_Player_Movement": {
            "rows": [
                _log_row(
                    "Signing",
                    "2025-07-16",
                    "Signing 1135890",
                    1610612749,
                    "bucks",
                    "Milwaukee Bucks signed guard Cole Anthony to a Contract.",
                ),
                _log_row(
                    "Waive",
                    "2025-07-10",
                    "Waive 1135001",
                    1610612753,
                    "magic",
                    "Orlando Magic waived guard Cole Anthony.",
                ),
            ]
        }
    }
    read(reader, feed_server.add("/log.json", Route(json.dumps(log).encode(), headers=JSON)))
    items = [
        Item("Cole Anthony scores 31 in his first summer game", "https://news.example.com/a"),
        Item("Celtics' defense holds Cole Anthony to nine points", "https://news.example.com/b"),
    ]
    collector = Collector(reader.settings, reader.factory)
    asyncio.run(collector.run([FeedSpec("Wire", feed_server.add("/n.xml", rss(items)))]))
    with reader.factory() as session:
        teams = {
            title: sorted(
                session.scalars(
                    select(Team.abbreviation)
                    .join(ArticleTeam, ArticleTeam.team_id == Team.id)
                    .where(ArticleTeam.article_id == article_id)
                )
            )
            for title, article_id in session.execute(select(Article.title, Article.id))
        }
    # The log's latest move put him in Milwaukee; an item that names a team keeps it.
    assert teams == {items[0].title: ["MIL"], items[1].title: ["BOS"]}
