"""Every read the API and the page make. Each function runs a fixed, small number of
statements whatever the page size: on PostgreSQL a page of news and its teams and players
are one statement (the links aggregated as JSON beside each row); on SQLite the teams and
players of a page are loaded in one query each, never per article."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, and_, bindparam, desc, func, or_, select, text
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from nba_tracker.domain import teams as team_data
from nba_tracker.domain.labels import normalize_category
from nba_tracker.domain.teams import UNKNOWN_COLOR
from nba_tracker.errors import QueryError
from nba_tracker.store.filters import NewsFilter, clean, decode_cursor, encode_cursor
from nba_tracker.store.models import (
    Article,
    ArticlePlayer,
    ArticleTeam,
    DataVersion,
    Player,
    Source,
    Story,
    Team,
)
from nba_tracker.store.views import (
    ArticleView,
    NewsPage,
    PlayerRef,
    SourceHealth,
    Stats,
    StoryView,
    TeamRef,
)

# The read API: SQL here; the values it returns are in ``store.views`` and what a reader
# may ask for in ``store.filters``, both importable from here as before.
MAX_PAGE = 100


# --- news ----------------------------------------------------------------------------

_FTS_TOKEN = re.compile(r"\w+", re.UNICODE)


def _text_match(dialect: str, query: str) -> str | None:
    """What the text condition binds: the reader's words in PostgreSQL's websearch
    syntax; for FTS5, whose syntax is not for readers, every word a quoted prefix token
    (None: not one word, so nothing matches)."""
    if dialect == "postgresql":
        return query
    tokens = _FTS_TOKEN.findall(query)[:12]
    return " ".join(f'"{t}"*' for t in tokens) if tokens else None


def _filter_params(dialect: str, flt: NewsFilter) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The shape of ``flt`` (the conditions it needs, in a fixed order) and the values
    they bind: pages of one shape share one statement, built and compiled once."""
    flt = flt.checked()
    params: dict[str, Any] = {}
    if flt.category:
        params["category"] = flt.category
    if flt.status:
        params["status"] = flt.status
    if flt.team:
        params["team"] = flt.team.upper()
    if flt.player:
        params["player"] = flt.player.lower()
    if flt.source:
        params["source"] = flt.source
    shape = tuple(params)
    if flt.text and flt.text.strip():
        match = _text_match(dialect, flt.text.strip()[:200])
        if match is None:
            shape += ("no_words",)
        else:
            params["text"] = match
            shape += ("text",)
    if flt.since:
        params["since"] = flt.since
        shape += ("since",)
    if flt.until:
        params["until"] = flt.until
        shape += ("until",)
    return shape, params


def _filtered(dialect: str, shape: tuple[str, ...]) -> Any:
    """The articles of a filter's ``shape``, its values left to bind (see
    :func:`_filter_params`); ``after`` in the shape binds a cursor's stamp and id."""
    stmt: Any = _article_rows()
    if "category" in shape:
        stmt = stmt.where(Article.category == bindparam("category"))
    if "status" in shape:
        stmt = stmt.where(Article.status == bindparam("status"))
    if "team" in shape:
        team_ids = select(Team.id).where(Team.abbreviation == bindparam("team")).scalar_subquery()
        stmt = stmt.where(
            Article.id.in_(select(ArticleTeam.article_id).where(ArticleTeam.team_id == team_ids))
        )
    if "player" in shape:
        player_ids = select(Player.id).where(func.lower(Player.full_name) == bindparam("player"))
        stmt = stmt.where(
            Article.id.in_(
                select(ArticlePlayer.article_id).where(ArticlePlayer.player_id.in_(player_ids))
            )
        )
    if "source" in shape:
        stmt = stmt.where(Source.name == bindparam("source"))
    if "no_words" in shape:
        stmt = stmt.where(text("0"))
    if "text" in shape:
        stmt = stmt.where(
            text("articles.search_vector @@ websearch_to_tsquery('english', :text)")
            if dialect == "postgresql"
            else text(
                "articles.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH :text)"
            )
        )
    if "since" in shape:
        stmt = stmt.where(Article.published_at >= bindparam("since"))
    if "until" in shape:
        stmt = stmt.where(Article.published_at < bindparam("until"))
    if "after" in shape:
        stamp = bindparam("after_stamp", type_=Article.published_at.type)
        stmt = stmt.where(
            or_(
                Article.published_at < stamp,
                and_(Article.published_at == stamp, Article.id < bindparam("after_id")),
            )
        )
    return stmt.order_by(desc(Article.published_at), desc(Article.id)).limit(
        bindparam("limit", type_=Integer)
    )


@functools.lru_cache(maxsize=256)
def _listing(dialect: str, shape: tuple[str, ...]) -> Any:
    """The statement that lists a shape's articles: on PostgreSQL the page as one JSON
    value (see :func:`_page_json`), elsewhere the rows."""
    stmt = _filtered(dialect, shape)
    return _page_json(stmt) if dialect == "postgresql" else stmt


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _listed(
    session: Session, flt: NewsFilter, limit: int, after: tuple[datetime, int] | None = None
) -> list[ArticleView]:
    """Up to ``limit`` articles of ``flt`` (older than the cursor ``after``), newest
    first, with their teams and players."""
    dialect = _dialect(session)
    shape, params = _filter_params(dialect, flt)
    if after is not None:
        shape += ("after",)
        params["after_stamp"], params["after_id"] = after
    params["limit"] = limit
    stmt = _listing(dialect, shape)
    if dialect != "postgresql":
        return _views(session, session.execute(stmt, params).all())
    # One round trip and one value: decoding one document costs a fraction of
    # processing a row set column by column.
    rows = session.execute(stmt, params).scalar()
    return [_view_of_json(row) for row in rows or ()]


def news_page(
    session: Session, flt: NewsFilter, first: int, after: str | None = None, alone: bool = False
) -> NewsPage:
    """``alone``: the page is all ``session`` will ever read (a request's one read, the
    session fresh): on PostgreSQL its one statement then runs outside a transaction —
    one statement sees one snapshot either way — sparing a BEGIN and a ROLLBACK, two of
    the page's four round trips."""
    if not 1 <= first <= MAX_PAGE:
        raise QueryError(f"first must be between 1 and {MAX_PAGE}")
    if alone and not session.in_transaction() and _dialect(session) == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    items = _listed(session, flt, first + 1, decode_cursor(after) if after else None)
    has_next = len(items) > first
    items = items[:first]
    end = encode_cursor(items[-1].published_at, items[-1].id) if items else None
    return NewsPage(items, end, has_next)


# Plain columns, not ORM objects: a page of 50 costs a fraction of building entities.
_ARTICLE_VIEW_COLUMNS = (
    Article.id, Article.uid, Article.title, Article.summary, Article.url, Article.published_at,
    Article.published_estimated, Article.category, Article.status, Article.title_ja,
    Article.summary_ja, Article.translation_status, Article.translated_at, Article.story_id,
    Article.assets, Article.category_evidence, Article.status_evidence,
)  # fmt: skip


def _article_rows() -> Any:
    return select(*_ARTICLE_VIEW_COLUMNS, Source.name.label("source")).join(
        Source, Source.id == Article.source_id
    )


def _page_json(stmt: Any) -> Any:
    """The rows of ``stmt`` (an ordered :func:`_article_rows` select) as one JSON array,
    each row with its teams and players in the order :func:`article_links` gives them."""
    page = stmt.subquery("page")
    team_links = (
        select(
            func.json_agg(
                aggregate_order_by(
                    func.json_build_array(
                        Team.abbreviation, Team.full_name, Team.city, Team.nickname, Team.id
                    ),
                    Team.abbreviation,
                )
            )
        )
        .select_from(ArticleTeam)
        .join(Team, Team.id == ArticleTeam.team_id)
        .where(ArticleTeam.article_id == page.c.id)
        .scalar_subquery()
    )
    player_links = (
        select(
            func.json_agg(
                aggregate_order_by(
                    func.json_build_array(Player.id, Player.full_name, Player.nba_id),
                    Player.full_name,
                    Player.id,
                )
            )
        )
        .select_from(ArticlePlayer)
        .join(Player, Player.id == ArticlePlayer.player_id)
        .where(ArticlePlayer.article_id == page.c.id)
        .scalar_subquery()
    )
    # The fields in _JSON_FIELDS' order; timestamps travel as ISO 8601 text.
    row = func.json_build_array(
        *(page.c[name] for name in _JSON_FIELDS[:-2]), team_links, player_links
    )
    return select(
        func.json_agg(aggregate_order_by(row, desc(page.c.published_at), desc(page.c.id)))
    ).select_from(page)


_JSON_FIELDS = (
    "id", "uid", "title", "summary", "url", "source", "published_at", "published_estimated",
    "category", "status", "title_ja", "summary_ja", "translation_status", "translated_at",
    "story_id", "assets", "category_evidence", "status_evidence", "teams", "players",
)  # fmt: skip


def _utc(stamp: str | None) -> datetime | None:
    return datetime.fromisoformat(stamp).astimezone(UTC) if stamp is not None else None


def _view_of_json(row: list[Any]) -> ArticleView:
    fields = dict(zip(_JSON_FIELDS, row, strict=True))
    fields["published_at"] = datetime.fromisoformat(fields["published_at"]).astimezone(UTC)
    fields["translated_at"] = _utc(fields["translated_at"])
    return _article_view(
        fields,
        [_team(*t) for t in fields["teams"] or ()],
        [PlayerRef(*p) for p in fields["players"] or ()],
    )


def _views(session: Session, rows: Sequence[Any]) -> list[ArticleView]:
    teams, players = article_links(session, [a.id for a in rows])
    return [_article_view(a._mapping, teams.get(a.id, []), players.get(a.id, [])) for a in rows]


def _article_view(
    a: Mapping[str, Any], teams: list[TeamRef], players: list[PlayerRef]
) -> ArticleView:
    """An article's view from its :func:`_article_rows` columns, by name (a row's, or
    the page's JSON read back), and its links."""
    return ArticleView(
        id=a["id"],
        uid=a["uid"],
        title=a["title"],
        summary=a["summary"],
        url=a["url"],
        source=a["source"],
        published_at=a["published_at"],
        published_estimated=a["published_estimated"],
        category=a["category"],
        status=a["status"],
        title_ja=a["title_ja"],
        summary_ja=a["summary_ja"],
        translation_status=a["translation_status"],
        translated_at=a["translated_at"],
        story_id=a["story_id"],
        teams=teams,
        players=players,
        picks=list((a["assets"] or {}).get("picks", [])),
        category_evidence=a["category_evidence"],
        status_evidence=a["status_evidence"],
    )


def article_links(
    session: Session, ids: Sequence[int]
) -> tuple[dict[int, list[TeamRef]], dict[int, list[PlayerRef]]]:
    """The teams (by abbreviation) and players (by name) of each article of ``ids``."""
    teams: dict[int, list[TeamRef]] = {}
    players: dict[int, list[PlayerRef]] = {}
    if not ids:
        return teams, players
    for aid, tid, abbr, name, city, nick in session.execute(
        select(
            ArticleTeam.article_id,
            Team.id,
            Team.abbreviation,
            Team.full_name,
            Team.city,
            Team.nickname,
        )
        .join(Team, Team.id == ArticleTeam.team_id)
        .where(ArticleTeam.article_id.in_(ids))
        .order_by(Team.abbreviation)
    ):
        teams.setdefault(aid, []).append(_team(abbr, name, city, nick, tid))
    for aid, pid, name, nba_id in session.execute(
        select(ArticlePlayer.article_id, Player.id, Player.full_name, Player.nba_id)
        .join(Player, Player.id == ArticlePlayer.player_id)
        .where(ArticlePlayer.article_id.in_(ids))
        .order_by(Player.full_name, Player.id)
    ):
        players.setdefault(aid, []).append(PlayerRef(pid, name, nba_id))
    return teams, players


def latest(session: Session, limit: int, flt: NewsFilter | None = None) -> list[ArticleView]:
    """The newest ``limit`` articles (the original tracker's list fields)."""
    return news_page(session, flt or NewsFilter(), min(limit, MAX_PAGE)).items


# Bound for one unpaginated read; also under SQLite's and psycopg's bound-parameter limits
# for the links query's IN list.
MAX_UNPAGED = 10_000


def newest(session: Session, flt: NewsFilter, limit: int) -> list[ArticleView]:
    """Up to ``limit`` articles of ``flt``, newest first, in one statement: the original
    tracker's unpaginated lists (every item of a category)."""
    if not 1 <= limit <= MAX_UNPAGED:
        raise QueryError(f"limit must be between 1 and {MAX_UNPAGED:,}")
    return _listed(session, flt, limit)


# --- stories -------------------------------------------------------------------------


def story_sources(session: Session, story_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if not story_ids:
        return out
    for sid, name in session.execute(  # story_id is not null here
        select(Article.story_id, Source.name)
        .join(Source, Source.id == Article.source_id)
        .where(Article.story_id.in_(story_ids))
        .order_by(Article.published_at)
    ):
        names = out.setdefault(int(sid or 0), [])
        if name not in names:
            names.append(name)
    return out


def _story_view(story: Story) -> StoryView:
    return StoryView(id=story.id, **story.summary())


def stories(
    session: Session, first: int = 20, category: str | None = None, team: str | None = None
) -> list[StoryView]:
    if not 1 <= first <= MAX_PAGE:
        raise QueryError(f"first must be between 1 and {MAX_PAGE}")
    stmt = select(Story)
    if category:
        normalized = normalize_category(category)
        if normalized is None:
            raise QueryError(f"unknown category {category!r}")
        stmt = stmt.where(Story.category == str(normalized))
    stmt = stmt.order_by(desc(Story.last_reported_at), desc(Story.id)).limit(
        first * 4 if team else first
    )
    views = [_story_view(s) for s in session.scalars(stmt)]
    if team:
        views = [v for v in views if team.upper() in v.teams][:first]
    sources = story_sources(session, [v.id for v in views])
    evidence = story_status_evidence(session, [v.id for v in views])
    for v in views:
        v.sources = sources.get(v.id, [])
        v.status_evidence = evidence.get(v.id, "")
    return views


def story_status_evidence(session: Session, story_ids: list[int]) -> dict[int, str]:
    """Each story's status evidence: that of its earliest article with the story's
    status, the article that gave the story its status (a later, more certain report
    supersedes; an equal one does not)."""
    out: dict[int, str] = {}
    if not story_ids:
        return out
    for sid, evidence in session.execute(
        select(Article.story_id, Article.status_evidence)
        .join(Story, and_(Story.id == Article.story_id, Story.status == Article.status))
        .where(Article.story_id.in_(story_ids))
        .order_by(Article.published_at, Article.id)
    ):
        out.setdefault(int(sid or 0), evidence)
    return out


def story_with_articles(session: Session, story_id: int) -> StoryView | None:
    story = session.get(Story, story_id)
    if story is None:
        return None
    view = _story_view(story)
    rows = session.execute(
        _article_rows().where(Article.story_id == story_id).order_by(Article.published_at)
    ).all()
    view.articles = _views(session, rows)
    view.sources = list(dict.fromkeys(a.source for a in view.articles))
    view.status_evidence = next(
        (a.status_evidence for a in view.articles if a.status == view.status), ""
    )
    return view


# --- teams, players, sources, stats --------------------------------------------------


@functools.lru_cache(maxsize=256)
def _team(abbreviation: str, full_name: str, city: str, nickname: str, nba_id: int) -> TeamRef:
    """A stored team with the domain's data for it (its colour). Teams are few and their
    values frozen: every page shares one value per stored team."""
    known = team_data.by_abbreviation(abbreviation)
    return TeamRef(
        abbreviation, full_name, city, nickname, nba_id, known.color if known else UNKNOWN_COLOR
    )


def all_teams(session: Session) -> list[TeamRef]:
    return [
        _team(t.abbreviation, t.full_name, t.city, t.nickname, t.id)
        for t in session.scalars(select(Team).order_by(Team.full_name))
    ]


def team_by_abbreviation(session: Session, abbreviation: str) -> TeamRef | None:
    team = session.scalars(
        select(Team).where(Team.abbreviation == clean(abbreviation).upper())
    ).first()
    return (
        _team(team.abbreviation, team.full_name, team.city, team.nickname, team.id)
        if team
        else None
    )


def search_players(session: Session, search: str, limit: int = 20) -> list[PlayerRef]:
    term = clean(search).lower()
    if len(term) < 2:
        raise QueryError("search needs at least 2 characters")
    if not 1 <= limit <= MAX_PAGE:
        raise QueryError(f"first must be between 1 and {MAX_PAGE}")
    rows = session.execute(
        select(Player.id, Player.full_name, Player.nba_id)
        .where(func.lower(Player.full_name).contains(term, autoescape=True))
        .order_by(Player.is_active.desc(), Player.full_name)
        .limit(limit)
    ).all()
    return [PlayerRef(pid, name, nba_id) for pid, name, nba_id in rows]


def source_names(session: Session) -> list[str]:
    return list(session.scalars(select(Source.name).order_by(Source.name)))


def sources_health(session: Session) -> list[SourceHealth]:
    return [
        SourceHealth(
            s.name,
            s.url,
            s.enabled,
            s.last_success_at,
            s.last_error,
            s.last_error_at,
            s.consecutive_failures,
        )
        for s in session.scalars(select(Source).order_by(Source.name))
    ]


def stats(session: Session, days: int = 14) -> Stats:
    if not 1 <= days <= 366:
        raise QueryError("days must be between 1 and 366")
    since = datetime.now(UTC) - timedelta(days=days)
    total = int(session.scalar(select(func.count()).select_from(Article)) or 0)
    by_category = [
        (c, int(n))
        for c, n in session.execute(
            select(Article.category, func.count())
            .where(Article.published_at >= since)
            .group_by(Article.category)
            .order_by(desc(func.count()))
        )
    ]
    by_team = [
        (abbr, int(n))
        for abbr, n in session.execute(
            select(Team.abbreviation, func.count())
            .join(ArticleTeam, ArticleTeam.team_id == Team.id)
            .join(Article, Article.id == ArticleTeam.article_id)
            .where(Article.published_at >= since)
            .group_by(Team.abbreviation)
            .order_by(desc(func.count()), Team.abbreviation)
        )
    ]
    day = (
        func.to_char(Article.published_at, "YYYY-MM-DD")
        if session.get_bind().dialect.name == "postgresql"
        else func.strftime("%Y-%m-%d", Article.published_at)
    )
    by_day = [
        (str(d), int(n))
        for d, n in session.execute(
            select(day, func.count())
            .where(Article.published_at >= since)
            .group_by(day)
            .order_by(day)
        )
    ]
    return Stats(total, by_category, by_team, by_day)


def data_version(session: Session) -> int:
    return int(session.scalar(select(DataVersion.version).where(DataVersion.id == 1)) or 0)


def updates_after(session: Session, after_id: int) -> tuple[int, int, int]:
    """How many articles arrived after ``after_id``, the newest id, and the data version."""
    count = int(
        session.scalar(select(func.count()).select_from(Article).where(Article.id > after_id)) or 0
    )
    newest = int(session.scalar(select(func.max(Article.id))) or 0)
    return count, newest, data_version(session)
