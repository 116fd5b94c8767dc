"""The page: the newest news as cards, team timelines and story pages.

Every route answers 503 with a short explanation when the database is away (the
reader sees why, and the page retries by itself) and 400 for an unusable filter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from nba_tracker.api.deps import DatabaseUnavailable, get_session, run_db
from nba_tracker.domain.labels import Category, Status
from nba_tracker.domain.limits import MAX_ID, is_id
from nba_tracker.store import league_log, queries
from nba_tracker.store.engine import UNAVAILABLE_ERRORS, Session
from nba_tracker.store.queries import NewsFilter, QueryError
from nba_tracker.web import TEMPLATES, i18n, names

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 60
TEAM_PAGE_SIZE = 100
LEDGER_SIZE = 20
DEFAULT_POLL_SECONDS = 30
RETRY_SECONDS = 30
FILTER_KEYS = ("category", "status", "team", "source", "q")


def _param(request: Request, name: str, limit: int = 200) -> str:
    return request.query_params.get(name, "").strip()[:limit]


def language(request: Request) -> str:
    return i18n.choose(
        _param(request, "lang", 5) or None,
        request.cookies.get(i18n.COOKIE),
        request.headers.get("accept-language"),
    )


def _switch_url(request: Request, lang: str) -> str:
    """This page in the other edition (the link works without the script)."""
    params = {k: v for k, v in request.query_params.items() if k != "lang"}
    params["lang"] = lang
    return f"{request.url.path}?{urlencode(params)}"


def _base(request: Request) -> dict[str, Any]:
    """What every page template needs: language, poll interval, filters for links."""
    lang = language(request)
    try:
        # ``?poll=1`` lets browser tests see the "N new" notice without waiting 30 s.
        poll = min(max(int(_param(request, "poll") or DEFAULT_POLL_SECONDS), 1), 300)
    except ValueError:
        poll = DEFAULT_POLL_SECONDS
    return {
        "request": request,
        "lang": lang,
        "poll_seconds": poll,
        "switch_url": _switch_url(request, "en" if lang == "ja" else "ja"),
    }


def _render(
    name: str, context: dict[str, Any], status_code: int = 200, **headers: str
) -> HTMLResponse:
    request: Request = context["request"]
    lang = context["lang"]
    response = TEMPLATES[lang].TemplateResponse(request, name, context, status_code=status_code)
    response.headers.update(headers)
    # The same URL is a different page per edition; the read cache keys by it too.
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Content-Language"] = lang
    if _param(request, "lang", 5) in i18n.LANGUAGES:
        # An explicit choice (the toggle, a shared ?lang= link) is remembered.
        response.set_cookie(
            i18n.COOKIE, lang, max_age=i18n.COOKIE_MAX_AGE, samesite="lax", httponly=True
        )
    return response


def render_message(
    request: Request, message: str, status_code: int, detail: str | None = None
) -> HTMLResponse:
    """A short page in the reader's language: ``message`` is a catalogue msgid."""
    base = _base(request)
    return _render(
        "message.html",
        {**base, "message": i18n.gettext(base["lang"], message), "detail": detail},
        status_code,
    )


def not_found_page(request: Request) -> HTMLResponse:
    return render_message(request, i18n.N_("Page not found."), 404)


def _guarded(request: Request, build: Callable[[], Response]) -> Response:
    try:
        return build()
    except (DatabaseUnavailable, *UNAVAILABLE_ERRORS):
        return _render(
            "unavailable.html",
            {**_base(request), "retry_seconds": RETRY_SECONDS},
            503,
            **{"Retry-After": str(RETRY_SECONDS), "Cache-Control": "no-store"},
        )
    except QueryError as exc:
        # The store's reason is English; the Japanese edition says it in general terms.
        return render_message(request, i18n.N_("These filters cannot be used."), 400, str(exc))


def _one_per_story(items: list[queries.ArticleView]) -> list[queries.ArticleView]:
    """The newest report of each story on this page; its card names the other outlets."""
    seen: set[int] = set()
    kept = []
    for item in items:
        if item.story_id is not None:
            if item.story_id in seen:
                continue
            seen.add(item.story_id)
        kept.append(item)
    return kept


def _with_sources(session: Session, items: list[queries.ArticleView]) -> dict[int, list[str]]:
    story_ids = sorted({a.story_id for a in items if a.story_id is not None})
    return queries.story_sources(session, story_ids)


@router.get("/", response_class=HTMLResponse)
def index(request: Request, session: Session = Depends(get_session)) -> Response:  # noqa: B008
    def build() -> Response:
        chosen = {key: _param(request, key) for key in FILTER_KEYS}
        flt = NewsFilter(
            category=chosen["category"] or None,
            status=chosen["status"] or None,
            team=chosen["team"] or None,
            source=chosen["source"] or None,
            text=chosen["q"] or None,
        )
        page = queries.news_page(session, flt, PAGE_SIZE, _param(request, "after") or None)
        base = _base(request)
        # One outlet's view is asked for: show its every report, else one card per story.
        cards = page.items if flt.source else _one_per_story(page.items)
        active = {k: v for k, v in chosen.items() if v}
        older = None
        if page.has_next and page.end_cursor:
            older = "/?" + urlencode(
                {
                    **active,
                    **({"lang": base["lang"]} if _param(request, "lang") else {}),
                    "after": page.end_cursor,
                }
            )
        return _render(
            "index.html",
            {
                **base,
                "page": page,
                "cards": cards,
                "sources_by_story": _with_sources(session, cards),
                "chosen": chosen,
                "active": active,
                "teams": queries.all_teams(session),
                "source_names": queries.source_names(session),
                "categories": [str(c) for c in Category],
                "filter_keys": names.FILTER_KEYS,
                "statuses": [str(s) for s in Status],
                "older": older,
                "is_first_page": not _param(request, "after"),
                # "N new" counts every new article, so only the unfiltered newest view polls.
                "live": not _param(request, "after") and not active,
                # The poll asks for arrivals after the newest article shown.
                "latest_id": max((a.id for a in page.items), default=0),
                "data_version": request.app.state.cache.version or 0,
            },
        )

    return _guarded(request, build)


@router.get("/team/{abbr}", response_class=HTMLResponse)
def team_page(
    request: Request,
    abbr: str,
    session: Session = Depends(get_session),  # noqa: B008
) -> Response:
    def build() -> Response:
        team = queries.team_by_abbreviation(session, abbr[:10])
        if team is None:
            return render_message(request, i18n.N_("No such NBA team."), 404)
        page = queries.news_page(
            session,
            NewsFilter(team=team.abbreviation),
            TEAM_PAGE_SIZE,
            _param(request, "after") or None,
        )
        older = None
        if page.has_next and page.end_cursor:
            older = f"/team/{team.abbreviation}?" + urlencode({"after": page.end_cursor})
        base = _base(request)
        days: dict[str, list[queries.ArticleView]] = {}
        for item in page.items:
            days.setdefault(i18n.day_label(item.published_at, base["lang"]), []).append(item)
        return _render(
            "team.html",
            {
                **base,
                "team": team,
                "page": page,
                "days": days,
                "sources_by_story": _with_sources(session, page.items),
                "older": older,
                "ledger": league_log.team_ledger(session, team.abbreviation, LEDGER_SIZE),
            },
        )

    return _guarded(request, build)


@router.get("/player/{player_id}", response_class=HTMLResponse)
def player_page(
    request: Request,
    player_id: int,
    session: Session = Depends(get_session),  # noqa: B008
) -> Response:
    def build() -> Response:
        found = league_log.player_journey(session, player_id) if is_id(player_id) else None
        if found is None:
            return render_message(request, i18n.N_("Page not found."), 404)
        return _render("player.html", {**_base(request), "journey": found})

    return _guarded(request, build)


@router.get("/story/{story_id}", response_class=HTMLResponse)
def story_page(
    request: Request,
    story_id: int,
    session: Session = Depends(get_session),  # noqa: B008
) -> Response:
    def build() -> Response:
        story = queries.story_with_articles(session, story_id) if is_id(story_id) else None
        if story is None:
            return render_message(request, i18n.N_("No such story."), 404)
        return _render("story.html", {**_base(request), "story": story})

    return _guarded(request, build)


@router.get("/api/updates")
async def updates(
    request: Request,
    after_id: int = Query(0, ge=0, le=MAX_ID),
    version: int = Query(0, ge=0, le=MAX_ID),
) -> JSONResponse:
    """How many articles arrived after ``after_id``: the page's "N new" notice.

    A collection commits its articles before it bumps the data version, and until then
    every cache would still serve the old page. So arrivals count only once the version
    has moved past the page's own ``version``, and this process's cache moves with it:
    the reload the notice offers is never answered from before the news."""
    count, newest, current = await run_db(
        request.app.state.sessionmaker, lambda s: queries.updates_after(s, after_id)
    )
    cache = request.app.state.cache
    if cache.version is None or current > cache.version:
        cache.set_version(current)
    return JSONResponse(
        {"count": count if current > version else 0, "latest_id": newest, "version": current},
        headers={"Cache-Control": "no-store"},
    )
