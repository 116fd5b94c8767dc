"""Atom feeds of the league log: a player's journey (``/feeds/player/{id}.atom``) and a
team's trade ledger (``/feeds/team/{abbr}/ledger.atom``). Written by ``xmlwriter`` like
every feed, so the league's descriptions can never become markup."""

from __future__ import annotations

from datetime import UTC, date, datetime
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from nba_tracker.api import xmlwriter
from nba_tracker.api.atom import ATOM_NS, MEDIA_TYPE, _stamp, _sub, team_or_404
from nba_tracker.api.deps import get_session, unavailable_on_db_errors
from nba_tracker.domain.league_journey import LedgerAsset
from nba_tracker.domain.limits import is_id
from nba_tracker.store import league_log
from nba_tracker.store.engine import Session

router = APIRouter(include_in_schema=False)
FEED_SIZE = 50


def _moment(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC)


def _feed(request: Request, title: str, feed_id: str, alternate: str) -> ET.Element:
    base = str(request.base_url).rstrip("/")
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "en"})
    _sub(feed, "title", title)
    _sub(feed, "id", feed_id)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=f"{base}{request.url.path}")
    _sub(feed, "link", rel="alternate", type="text/html", href=f"{base}{alternate}")
    _sub(feed, "generator", "NBA Trade Tracker")
    author = _sub(feed, "author")
    _sub(author, "name", "NBA league transaction log")
    return feed


def _entry(feed: ET.Element, entry_id: str, title: str, day: date, summary: str) -> None:
    entry = _sub(feed, "entry")
    _sub(entry, "id", entry_id)
    _sub(entry, "title", title, type="text")
    stamp = _stamp(_moment(day))
    _sub(entry, "published", stamp)
    _sub(entry, "updated", stamp)
    _sub(entry, "summary", summary, type="text")


def _updated(feed: ET.Element, days: list[date]) -> None:
    newest = max(days, default=None)
    updated = ET.Element(f"{{{ATOM_NS}}}updated")
    updated.text = _stamp(_moment(newest) if newest else datetime.now(UTC))
    feed.insert(2, updated)


@router.get("/feeds/player/{player_id}.atom")
def player_feed(
    request: Request,
    player_id: int,
    session: Session = Depends(get_session),  # noqa: B008
) -> Response:
    with unavailable_on_db_errors():
        found = league_log.player_journey(session, player_id) if is_id(player_id) else None
    if found is None:
        raise HTTPException(404, "no such player in the league log")
    feed = _feed(
        request,
        f"NBA Trade Tracker: {found.name}'s moves",
        f"urn:nba-tracker:feed:player:{player_id}",
        f"/player/{player_id}",
    )
    steps = list(reversed(found.steps))[:FEED_SIZE]
    for step in steps:
        m = step.move
        route = f"{m.from_team or '—'} → {m.to_team or 'waived'}"
        _entry(
            feed,
            f"urn:nba-tracker:log:{m.group_id}:{player_id}",
            f"{found.name}: {m.kind} ({route})",
            m.day,
            m.description,
        )
    _updated(feed, [s.move.day for s in steps])
    return Response(xmlwriter.to_bytes(feed), media_type=MEDIA_TYPE)


def _assets(assets: tuple[LedgerAsset, ...]) -> str:
    return ", ".join(a.name for a in assets) or "nothing recorded"


@router.get("/feeds/team/{abbr}/ledger.atom")
def ledger_feed(
    request: Request,
    abbr: str,
    session: Session = Depends(get_session),  # noqa: B008
) -> Response:
    team = team_or_404(session, abbr)
    with unavailable_on_db_errors():
        trades = league_log.team_ledger(session, team.abbreviation, FEED_SIZE)
    feed = _feed(
        request,
        f"NBA Trade Tracker: {team.full_name} trade ledger",
        f"urn:nba-tracker:feed:ledger:{team.abbreviation}",
        f"/team/{team.abbreviation}",
    )
    for trade in trades:
        _entry(
            feed,
            f"urn:nba-tracker:log:{trade.group_id}:{team.abbreviation}",
            f"{team.abbreviation} trade with {', '.join(trade.partners)}",
            trade.day,
            f"Got: {_assets(trade.got)}. Gave: {_assets(trade.gave)}.",
        )
    _updated(feed, [t.day for t in trades])
    return Response(xmlwriter.to_bytes(feed), media_type=MEDIA_TYPE)
