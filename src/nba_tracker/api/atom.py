"""Atom feeds of the news: everything, one team, one category.

XML is written by :mod:`nba_tracker.api.xmlwriter` only: every text and attribute is
escaped and cleaned of characters XML cannot carry, so a title from a feed can never
become markup, or break the document, in a reader's feed client."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from nba_tracker.api import xmlwriter
from nba_tracker.api.deps import get_session, unavailable_on_db_errors
from nba_tracker.domain.labels import normalize_category
from nba_tracker.domain.times import utc_z
from nba_tracker.store import queries
from nba_tracker.store.engine import Session
from nba_tracker.store.queries import ArticleView, NewsFilter, TeamRef

router = APIRouter(include_in_schema=False)

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
FEED_SIZE = 50
ET.register_namespace("", ATOM_NS)


def _tag(name: str) -> str:
    return f"{{{ATOM_NS}}}{name}"


def _stamp(value: datetime) -> str:
    return utc_z(value, timespec="seconds")


def _sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    return xmlwriter.sub(parent, _tag(name), text, **attrs)


def build_feed(
    *,
    title: str,
    feed_id: str,
    self_url: str,
    alternate_url: str,
    items: Sequence[ArticleView],
    lang: str = "en",
    now: datetime | None = None,
) -> bytes:
    """An Atom 1.0 document of ``items`` (newest first). With ``lang="ja"`` each entry
    carries the Japanese title and summary where the article has them."""
    feed = ET.Element(_tag("feed"), {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    _sub(feed, "title", title)
    _sub(feed, "id", feed_id)
    current = now or datetime.now(UTC)
    newest = max((a.published_at for a in items), default=None, key=_stamp)
    # Stored dates are already checked at parse time; this holds for rows from before.
    updated = min((newest, current), key=_stamp) if newest else current
    _sub(feed, "updated", _stamp(updated))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=alternate_url)
    _sub(feed, "generator", "NBA Trade Tracker")
    author = _sub(feed, "author")
    _sub(author, "name", "NBA Trade Tracker")
    for article in items:
        japanese = lang == "ja"
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"urn:nba-tracker:article:{article.uid}")
        _sub(entry, "title", (article.title_ja if japanese else None) or article.title, type="text")
        _sub(entry, "link", rel="alternate", type="text/html", href=article.url)
        stamp = _stamp(article.published_at)
        _sub(entry, "published", stamp)
        _sub(entry, "updated", stamp)
        entry_author = _sub(entry, "author")
        _sub(entry_author, "name", article.source)
        summary = (article.summary_ja if japanese else None) or article.summary
        if summary:
            _sub(entry, "summary", summary, type="text")
        _sub(entry, "category", term=article.category)
        if article.status:
            _sub(entry, "category", term=article.status, scheme="urn:nba-tracker:status")
        for team in article.teams:
            _sub(
                entry,
                "category",
                term=team.abbreviation,
                label=team.full_name,
                scheme="urn:nba-tracker:team",
            )
    return xmlwriter.to_bytes(feed)


def _respond(
    request: Request,
    session: Session,
    flt: NewsFilter,
    title: str,
    feed_id: str,
    alternate_path: str,
) -> Response:
    lang = "ja" if request.query_params.get("lang") == "ja" else "en"
    with unavailable_on_db_errors():
        items = queries.news_page(session, flt, FEED_SIZE).items
    base = str(request.base_url).rstrip("/")
    self_url = f"{base}{request.url.path}" + ("?lang=ja" if lang == "ja" else "")
    body = build_feed(
        title=title,
        feed_id=f"urn:nba-tracker:feed:{feed_id}",
        self_url=self_url,
        alternate_url=f"{base}{alternate_path}",
        items=items,
        lang=lang,
    )
    return Response(body, media_type=MEDIA_TYPE)


def team_or_404(session: Session, abbr: str) -> TeamRef:
    """The team a feed's path names; 404 when there is none."""
    with unavailable_on_db_errors():
        team = queries.team_by_abbreviation(session, abbr[:10])
    if team is None:
        raise HTTPException(404, f"no NBA team {abbr[:10]!r}")
    return team


@router.get("/feeds/all.atom")
def all_news(request: Request, session: Session = Depends(get_session)) -> Response:  # noqa: B008
    return _respond(request, session, NewsFilter(), "NBA Trade Tracker: all news", "all", "/")


@router.get("/feeds/team/{abbr}.atom")
def team_news(
    request: Request,
    abbr: str,
    session: Session = Depends(get_session),  # noqa: B008
) -> Response:
    team = team_or_404(session, abbr)
    return _respond(
        request,
        session,
        NewsFilter(team=team.abbreviation),
        f"NBA Trade Tracker: {team.full_name}",
        f"team:{team.abbreviation}",
        f"/team/{team.abbreviation}",
    )


@router.get("/feeds/category/{name}.atom")
def category_news(
    request: Request,
    name: str,
    session: Session = Depends(get_session),  # noqa: B008
) -> Response:
    category = normalize_category(name[:40])
    if category is None:
        raise HTTPException(404, f"no category {name[:40]!r}")
    return _respond(
        request,
        session,
        NewsFilter(category=str(category)),
        f"NBA Trade Tracker: {category}",
        f"category:{str(category).lower()}",
        f"/?category={category}",
    )
