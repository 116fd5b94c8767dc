"""Write one feed's new articles, with their team, player and story links, in the
caller's transaction. Inserts skip what exists (by id or canonical URL) so two
collections racing on the same items store each once and fail neither."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Row,
    String,
    Table,
    any_,
    bindparam,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from nba_tracker.domain._fold import fold_key
from nba_tracker.domain.labels import Category, Status
from nba_tracker.domain.news import AnalyzedItem
from nba_tracker.domain.stories import StoryCandidate, story_window
from nba_tracker.domain.story_plan import StoryPlan, StorySummary, plan_stories
from nba_tracker.store.alerts import enqueue_for_stories
from nba_tracker.store.models import (
    Article,
    ArticlePlayer,
    ArticleTeam,
    Player,
    Story,
    Team,
    TranslationStatus,
    utcnow,
)
from nba_tracker.store.reference import dialect_insert

INSERT_CHUNK = 500
# Core tables for the bulk paths: executemany on a cached statement, no ORM bookkeeping.
ARTICLES = cast(Table, Article.__table__)
STORIES = cast(Table, Story.__table__)
ARTICLE_TEAMS = cast(Table, ArticleTeam.__table__)
ARTICLE_PLAYERS = cast(Table, ArticlePlayer.__table__)


@dataclass(frozen=True)
class WriteResult:
    new: int
    duplicate: int


def store_items(
    session: Session,
    source_id: int,
    source_name: str,
    items: Sequence[AnalyzedItem],
    fetched_at: datetime,
) -> WriteResult:
    """Store the new among ``items`` of one source, each in its story, with its links."""
    if not items:
        return WriteResult(0, 0)
    existing = _existing_uids_and_urls(session, items)
    fresh = [a for a in items if a.item.uid not in existing and a.item.url not in existing]
    if not fresh:
        return WriteResult(new=0, duplicate=len(items))
    postgres = session.connection().dialect.name == "postgresql"
    plan = plan_stories(fresh, source_name, lambda txs: _story_candidates(session, txs))
    story_ids = _create_stories(session, plan)
    rows = [
        _article_row(a, source_id, fetched_at, story_ids.get(plan.assignment.get(a.item.uid, "")))
        for a in fresh
    ]
    inserted = dict(
        _insert_articles_with_links(session, rows, fresh)
        if postgres
        else _insert_articles(session, rows)
    )
    _settle_stories(session, plan, story_ids, inserted)
    # In this transaction: an alert exists exactly when the articles causing it do.
    enqueue_for_stories(
        session,
        (
            story_ids[key]
            for key, members in plan.members.items()
            if any(a.item.uid in inserted for a in members)
        ),
        utcnow(),
    )
    new_items = [a for a in fresh if a.item.uid in inserted]
    if new_items:
        if postgres:
            # Teams and players known by NBA id were linked by the insert itself.
            _link_players(session, new_items, inserted, only_unknown=True)
        else:
            _link_teams(session, new_items, inserted)
            _link_players(session, new_items, inserted)
    return WriteResult(new=len(inserted), duplicate=len(items) - len(inserted))


_ARTICLE_COLUMNS = (
    "uid", "source_id", "url", "title", "summary", "published_at", "published_estimated",
    "fetched_at", "category", "status", "assets", "translation_status", "story_id",
    "category_evidence", "status_evidence", "guid",
)  # fmt: skip


def _insert_articles(session: Session, rows: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Insert rows, skipping any that exist by uid or URL; returns (uid, id) of the new.
    One cached statement executed many times (SQLite's path)."""
    connection = session.connection()
    stmt = dialect_insert(session, ARTICLES).on_conflict_do_nothing()
    result = connection.execute(stmt.returning(ARTICLES.c.uid, ARTICLES.c.id), rows)
    return [(uid, article_id) for uid, article_id in result]


# Each column's type; unnest zips the varying columns' arrays back into rows.
_ARTICLE_TYPES = {
    "uid": "text", "source_id": "bigint", "url": "text", "title": "text", "summary": "text",
    "published_at": "timestamptz", "published_estimated": "boolean", "fetched_at": "timestamptz",
    "category": "text", "status": "text", "assets": "json", "translation_status": "text",
    "story_id": "bigint", "category_evidence": "text", "status_evidence": "text", "guid": "text",
}  # fmt: skip
assert tuple(_ARTICLE_TYPES) == _ARTICLE_COLUMNS
# The same for every row of one feed's batch: sent once, not as arrays.
_BATCH_CONSTANTS = ("source_id", "fetched_at", "translation_status")
_ARTICLE_ARRAYS = [c for c in _ARTICLE_COLUMNS if c not in _BATCH_CONSTANTS]


def _article_value(column: str) -> str:
    if column in _BATCH_CONSTANTS:
        return f"%({column})b::{_ARTICLE_TYPES[column]}"
    return f"{column}::json" if column == "assets" else column


# JSON goes as a text array (cast per value above): psycopg has no binary JSON array dumper.
_ARRAY_PARAMETERS = ", ".join(
    f"%({c})b::{'text' if c == 'assets' else _ARTICLE_TYPES[c]}[]" for c in _ARTICLE_ARRAYS
)

# One statement, one round trip: the articles, then the team links and the links of
# players known by NBA id, joined to the rows really inserted (ON CONFLICT skips what a
# racing collection stored first, and its links with it). The links need no ON CONFLICT:
# their articles are this statement's, which no other transaction can see yet, and
# DISTINCT drops repeats. The parameters are binary arrays (%b): dumping a feed's rows
# that way costs a fraction of text arrays or of a COPY into a temporary table.
_INSERT_ARTICLES_WITH_LINKS = f"""
WITH inserted AS (
    INSERT INTO articles ({", ".join(_ARTICLE_COLUMNS)})
    SELECT {", ".join(_article_value(c) for c in _ARTICLE_COLUMNS)}
    FROM unnest({_ARRAY_PARAMETERS}) WITH ORDINALITY
        AS incoming ({", ".join(_ARTICLE_ARRAYS)}, position)
    -- Of two rows for one URL published at the same instant, the first in the feed wins.
    ORDER BY published_at, position
    ON CONFLICT DO NOTHING
    RETURNING uid, id
), team_links AS (
    INSERT INTO article_teams (article_id, team_id)
    SELECT DISTINCT inserted.id, teams.id
    FROM unnest(%(team_uid)b::text[], %(team)b::text[]) AS mention (uid, abbreviation)
    JOIN inserted USING (uid)
    JOIN teams USING (abbreviation)
), player_links AS (
    INSERT INTO article_players (article_id, player_id)
    SELECT DISTINCT inserted.id, players.id
    FROM unnest(%(player_uid)b::text[], %(nba_id)b::bigint[]) AS mention (uid, nba_id)
    JOIN inserted USING (uid)
    JOIN players USING (nba_id)
)
SELECT uid, id FROM inserted
"""


def _insert_articles_with_links(
    session: Session, rows: list[dict[str, Any]], items: Sequence[AnalyzedItem]
) -> list[tuple[str, int]]:
    """PostgreSQL: insert rows (one feed's: same source and fetch) skipping any that
    exist by uid or URL, with the team links and the links of players known by NBA id;
    returns (uid, id) of the new."""
    params: dict[str, Any] = {c: [r[c] for r in rows] for c in _ARTICLE_ARRAYS}
    params |= {c: rows[0][c] for c in _BATCH_CONSTANTS}
    params["translation_status"] = str(params["translation_status"])
    params["assets"] = [None if v is None else json.dumps(v) for v in params["assets"]]
    team_mentions = [(a.item.uid, abbr) for a in items for abbr in dict.fromkeys(a.analysis.teams)]
    params["team_uid"] = [uid for uid, _ in team_mentions]
    params["team"] = [abbr for _, abbr in team_mentions]
    player_mentions = [
        (a.item.uid, m.nba_id) for a in items for m in a.analysis.players if m.nba_id is not None
    ]
    params["player_uid"] = [uid for uid, _ in player_mentions]
    params["nba_id"] = [nba_id for _, nba_id in player_mentions]
    raw = session.connection().connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor:
        cursor.execute(_INSERT_ARTICLES_WITH_LINKS, params)
        return cursor.fetchall()


def stored_among(session: Session, uids: Sequence[str], urls: Sequence[str] = ()) -> set[str]:
    """Which of these article ids and URLs are stored already: lets the collector skip
    parsing and understanding items it has."""
    return _stored(session, list(uids), list(urls))


def _existing_uids_and_urls(session: Session, items: Sequence[AnalyzedItem]) -> set[str]:
    """Ids and URLs among ``items`` that are stored already."""
    return _stored(session, [a.item.uid for a in items], [a.item.url for a in items])


def _stored(session: Session, uids: list[str], urls: list[str]) -> set[str]:
    """The ids and URLs of the stored articles having one of ``uids`` or ``urls``: on
    PostgreSQL one indexed read of two binary arrays, whatever the count (an expanding
    IN renders a parameter per value, which cost more than the read); on SQLite one
    read per chunk."""
    found: set[str] = set()
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cursor:
            cursor.execute(
                "SELECT uid, url FROM articles WHERE uid = ANY(%b::text[]) OR url = ANY(%b::text[])",
                (uids, urls),
            )
            for uid, url in cursor:
                found.add(uid)
                found.add(url)
        return found
    for start in range(0, max(len(uids), len(urls)), INSERT_CHUNK):
        uid_chunk = uids[start : start + INSERT_CHUNK]
        url_chunk = urls[start : start + INSERT_CHUNK]
        condition: ColumnElement[bool] = Article.uid.in_(uid_chunk)
        if url_chunk:
            condition = or_(condition, Article.url.in_(url_chunk))
        for uid, url in session.execute(select(Article.uid, Article.url).where(condition)):
            found.add(uid)
            found.add(url)
    return found


def _among(session: Session, column: Any, values: Iterable[Any], item_type: Any) -> Any:
    """``column IN values``; on PostgreSQL ``column = ANY(array)``, one parameter instead
    of one rendered per value at every execution."""
    listed = list(values)
    if session.connection().dialect.name == "postgresql":
        return column == any_(bindparam(None, listed, type_=ARRAY(item_type)))
    return column.in_(listed)


def _article_row(
    a: AnalyzedItem, source_id: int, fetched_at: datetime, story_id: int | None
) -> dict[str, Any]:
    analysis = a.analysis
    picks = [p for p in analysis.to_json_dict().get("picks", [])]
    return {
        "uid": a.item.uid,
        "source_id": source_id,
        "url": a.item.url,
        "title": a.item.title,
        "summary": a.item.summary,
        "published_at": a.item.published_at,
        "published_estimated": a.item.published_estimated,
        "fetched_at": fetched_at,
        "category": str(analysis.category),
        "status": str(analysis.status) if analysis.status else None,
        "assets": {"picks": picks} if picks else None,
        "translation_status": TranslationStatus.PENDING,
        "story_id": story_id,
        "category_evidence": analysis.category_evidence,
        "status_evidence": analysis.status_evidence,
        # Feeds' items carry their guid; an item built elsewhere may not have one.
        "guid": getattr(a.item, "guid", None),
    }


def _team_ids(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Team.abbreviation, Team.id)).all())


def _link_teams(session: Session, items: Sequence[AnalyzedItem], ids: dict[str, int]) -> None:
    team_ids = _team_ids(session)
    rows = [
        {"article_id": ids[a.item.uid], "team_id": team_ids[abbr]}
        for a in items
        for abbr in dict.fromkeys(a.analysis.teams)
        if abbr in team_ids
    ]
    _insert_links(session, ARTICLE_TEAMS, "team_id", rows)


def _link_players(
    session: Session,
    items: Sequence[AnalyzedItem],
    ids: dict[str, int],
    only_unknown: bool = False,
) -> None:
    """Link each item to the players it mentions; ``only_unknown``: only to those named
    without an NBA id (the others are linked already)."""
    # In the feed's order, not a set's: of two spellings of one unknown name, which one
    # names the new player must not depend on hashing.
    mentions = dict.fromkeys(
        (m.name, m.nba_id)
        for a in items
        for m in a.analysis.players
        if not (only_unknown and m.nba_id is not None)
    )
    if not mentions:
        return
    player_ids = _resolve_players(session, mentions)
    rows = []
    for a in items:
        for m in a.analysis.players:
            if only_unknown and m.nba_id is not None:
                continue
            pid = player_ids.get((m.name, m.nba_id))
            if pid is not None:
                rows.append({"article_id": ids[a.item.uid], "player_id": pid})
    _insert_links(session, ARTICLE_PLAYERS, "player_id", rows)


def _insert_links(session: Session, table: Table, column: str, rows: list[dict[str, int]]) -> None:
    """Link rows, each pair once. PostgreSQL takes them as two arrays in one statement."""
    unique = list({(r["article_id"], r[column]): r for r in rows}.values())
    if not unique:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            f"INSERT INTO {table.name} (article_id, {column}) "
            "SELECT * FROM unnest(%(a)s::bigint[], %(b)s::bigint[]) ON CONFLICT DO NOTHING",
            {"a": [r["article_id"] for r in unique], "b": [r[column] for r in unique]},
        )
        return
    connection.execute(dialect_insert(session, table).on_conflict_do_nothing(), unique)


def _resolve_players(
    session: Session, mentions: Collection[tuple[str, int | None]]
) -> dict[tuple[str, int | None], int]:
    """Map each mention to a players row; a name no list knows yet gets a row without an
    NBA id, which ``seed_reference_data`` links once nba_api learns the player."""
    known_ids = {nba_id for _, nba_id in mentions if nba_id is not None}
    by_nba = (
        dict(
            session.execute(
                select(Player.nba_id, Player.id).where(Player.nba_id.in_(known_ids))
            ).all()
        )
        if known_ids
        else {}
    )
    unknown_keys = {fold_key(name): name for name, nba_id in mentions if nba_id is None}
    by_key: dict[str, int] = {}
    if unknown_keys:
        for pid, key in session.execute(
            select(Player.id, Player.name_key)
            .where(Player.name_key.in_(unknown_keys))
            .order_by(Player.nba_id.is_(None), Player.id)
        ):
            by_key.setdefault(key, pid)
        missing = [k for k in unknown_keys if k not in by_key]
        if missing:
            stmt = dialect_insert(session, Player).values(
                [{"full_name": unknown_keys[k], "name_key": k, "is_active": True} for k in missing]
            )
            for pid, key in session.execute(stmt.returning(Player.id, Player.name_key)):
                by_key[key] = pid
    result: dict[tuple[str, int | None], int] = {}
    for name, nba_id in mentions:
        found = by_nba.get(nba_id) if nba_id is not None else by_key.get(fold_key(name))
        if found is not None:
            result[(name, nba_id)] = found
    return result


def _create_stories(session: Session, plan: StoryPlan) -> dict[int | str, int]:
    ids: dict[int | str, int] = {}
    for key in {k for k in plan.assignment.values() if isinstance(k, int)}:
        ids[key] = key
    if plan.new:
        keys = list(plan.new)
        table = STORIES
        returned = (
            session.connection()
            .execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True),
                [_story_row(plan.new[k]) for k in keys],
            )
            .scalars()
            .all()
        )
        ids.update(zip(keys, returned, strict=True))
    return ids


def _settle_stories(
    session: Session, plan: StoryPlan, story_ids: dict[int | str, int], inserted: dict[str, int]
) -> None:
    """Count only the articles that were really inserted (a concurrent run may have stored
    some first): grow existing stories, fix or drop new ones."""
    story_table = STORIES
    for key, members in plan.members.items():
        stored = [a for a in members if a.item.uid in inserted]
        if isinstance(key, str):
            if not stored:
                session.connection().execute(
                    story_table.delete().where(story_table.c.id == story_ids[key])
                )
            elif len(stored) != len(members):
                row = _story_row(StorySummary.of_all(stored))
                session.connection().execute(
                    update(story_table).where(story_table.c.id == story_ids[key]).values(**row)
                )
    existing = {k: v for k, v in plan.members.items() if isinstance(k, int)}
    if not existing:
        return
    locked = session.connection().execute(
        select(*(STORIES.c[f.name] for f in fields(StorySummary)), STORIES.c.id)
        .where(_among(session, STORIES.c.id, existing, BigInteger))
        .with_for_update()
    )
    grown = []
    for story in locked:
        summary = _summary_of(story)
        stored = [a for a in existing[story.id] if a.item.uid in inserted]
        for a in stored:
            summary.extend(a)
        if stored:
            grown.append({"_id": story.id} | _story_row(summary))
    if grown:
        # One executemany (pipelined by the driver), not one round trip per story.
        session.connection().execute(
            update(story_table).where(story_table.c.id == bindparam("_id")), grown
        )


def _story_row(summary: StorySummary) -> dict[str, Any]:
    return {f.name: getattr(summary, f.name) for f in fields(summary)} | {
        "category": str(summary.category),
        "status": str(summary.status) if summary.status else None,
    }


def _summary_of(story: Row[*tuple[Any, ...]]) -> StorySummary:
    """A stored story's summary, from its row (``Story.summary``'s columns)."""
    return StorySummary(
        category=_category(story.category),
        status=_status(story.status),
        headline=story.headline,
        first_reported_at=story.first_reported_at,
        last_reported_at=story.last_reported_at,
        article_count=story.article_count,
        # Sorted and distinct as StorySummary keeps them, whatever wrote the row.
        teams=sorted(set(story.teams or [])),
        players=sorted(set(story.players or [])),
    )


def _status(value: str | None) -> Status | None:
    return Status(value) if value else None


def _story_candidates(
    session: Session, transactions: Sequence[AnalyzedItem]
) -> list[StoryCandidate]:
    """Stories of the new articles' categories reported within the matching window of
    them: one indexed read of the stories table, teams and players included."""
    since, until = story_window(a.item.published_at for a in transactions)
    categories = {str(a.analysis.category) for a in transactions}
    rows = session.execute(
        select(
            Story.id,
            Story.category,
            Story.status,
            Story.headline,
            Story.first_reported_at,
            Story.teams,
            Story.players,
        ).where(
            Story.last_reported_at >= since,
            Story.first_reported_at <= until,
            _among(session, Story.category, categories, String),
        )
    ).all()
    return [
        StoryCandidate(
            key=int(r.id),
            category=_category(r.category),
            status=_status(r.status),
            teams=frozenset(r.teams or ()),
            players=frozenset(r.players or ()),
            published_at=r.first_reported_at,
            title=r.headline,
            source="",
        )
        for r in rows
    ]


def _category(value: str) -> Category:
    return Category(value)
