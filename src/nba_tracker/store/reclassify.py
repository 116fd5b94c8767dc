"""Label stored articles again after the rules or the model changed (``db reclassify``).

Articles are read in id order, a batch per transaction: each batch updates the labels,
evidence, team, player and pick links of the articles whose analysis changed, takes the
articles whose story-relevant labels changed out of their stories, recomputes those
stories from the articles they keep (dropping any left empty), plans the moved articles
into stories with the writer's own planner, bumps the data version and records how far
it got. An interrupted run loses at most its current batch and resumes after the last
committed one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from nba_tracker.domain.analysis import Analysis, TeamOf, analyze
from nba_tracker.domain.labels import Category, Status
from nba_tracker.domain.league_log import Rosters
from nba_tracker.domain.news import AnalyzedItem, NewsItem
from nba_tracker.domain.players import PlayerMention
from nba_tracker.domain.story_plan import StorySummary, plan_stories
from nba_tracker.store.collection import bump_data_version
from nba_tracker.store.engine import SessionFactory, transaction
from nba_tracker.store.league_log import rosters as league_rosters
from nba_tracker.store.models import (
    Article,
    ArticlePlayer,
    ArticleTeam,
    ReclassifyProgress,
    Source,
)
from nba_tracker.store.queries import article_links
from nba_tracker.store.writer import (
    ARTICLES,
    STORIES,
    _create_stories,
    _link_players,
    _link_teams,
    _settle_stories,
    _story_candidates,
    _story_row,
)

__all__ = ["BATCH_SIZE", "Progress", "progress", "reclassify"]

BATCH_SIZE = 500
_ROW = 1  # the progress table's one row
# (title, summary, the players' teams on the article's day) -> labels.
Analyzer = Callable[[str, str, TeamOf | None], Analysis]


@dataclass(frozen=True)
class Progress:
    last_article_id: int
    done: int
    changed: int
    total: int
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "last_article_id": self.last_article_id,
            "done": self.done,
            "changed": self.changed,
            "total": self.total,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


def progress(session: Session) -> Progress:
    row = session.get(ReclassifyProgress, _ROW)
    last = row.last_article_id if row else 0
    remaining = int(
        session.scalar(select(func.count()).select_from(Article).where(Article.id > last)) or 0
    )
    done = row.done if row else 0
    return Progress(
        last_article_id=last,
        done=done,
        changed=row.changed if row else 0,
        total=done + remaining,
        started_at=row.started_at if row else None,
        finished_at=row.finished_at if row else None,
    )


def _begin(session: Session, restart: bool, now: datetime) -> ReclassifyProgress:
    """The run's progress row: the unfinished run's to resume, else a fresh one."""
    row = session.get(ReclassifyProgress, _ROW, with_for_update=True)
    if row is None:
        row = ReclassifyProgress(id=_ROW, started_at=now, updated_at=now)
        session.add(row)
    elif restart or row.finished_at is not None:
        row.last_article_id, row.done, row.changed = 0, 0, 0
        row.started_at, row.updated_at, row.finished_at = now, now, None
    session.flush()
    return row


def reclassify(
    factory: SessionFactory,
    *,
    batch_size: int = BATCH_SIZE,
    restart: bool = False,
    on_batch: Callable[[Progress], None] | None = None,
    batch_guard: Callable[[], AbstractContextManager[object]] | None = None,
    analyzer: Analyzer | None = None,
) -> Progress:
    """Re-run the analysis over every stored article; returns the finished progress.

    ``batch_guard`` is entered around each batch (the CLI passes the collection lock, so
    a collection never interleaves with a batch yet waits at most one batch);
    ``on_batch`` is told the progress after each committed batch."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    judge = analyzer or analyze
    guard = batch_guard or nullcontext
    with transaction(factory) as session:
        _begin(session, restart, datetime.now(UTC))
        state = progress(session)
        # Read once: an article is linked by the players' teams on its own day.
        log = league_rosters(session)
    if on_batch:
        on_batch(state)
    while True:
        with guard(), transaction(factory) as session:
            row = session.get(ReclassifyProgress, _ROW, with_for_update=True)
            assert row is not None
            articles = _batch(session, row.last_article_id, batch_size)
            now = datetime.now(UTC)
            if not articles:
                row.finished_at = row.updated_at = now
                state = progress(session)
                break
            changed = _reclassify_batch(session, articles, judge, log)
            if changed:
                bump_data_version(session, now)
            row.last_article_id = articles[-1]["id"]
            row.done += len(articles)
            row.changed += changed
            row.updated_at = now
            session.flush()
            state = progress(session)
        if on_batch:
            on_batch(state)
    if on_batch:
        on_batch(state)
    return state


# What an article is planned from (its item, :func:`_item`, and its labels), read back.
_PLANNED = (
    Article.id,
    Article.uid,
    Article.url,
    Article.title,
    Article.summary,
    Article.published_at,
    Article.published_estimated,
    Article.category,
    Article.status,
)


def _batch(session: Session, after_id: int, size: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(
            *_PLANNED,
            Article.category_evidence,
            Article.status_evidence,
            Article.assets,
            Article.story_id,
            Source.name.label("source"),
        )
        .join(Source, Source.id == Article.source_id)
        .where(Article.id > after_id)
        .order_by(Article.id)
        .limit(size)
    ).all()
    return [dict(r._mapping) for r in rows]


def _stored_links(
    session: Session, ids: Sequence[int]
) -> tuple[dict[int, list[str]], dict[int, list[PlayerMention]]]:
    """Each article's stored teams and players, as an analysis names them."""
    teams, players = article_links(session, ids)
    return (
        {aid: [t.abbreviation for t in refs] for aid, refs in teams.items()},
        {
            aid: [PlayerMention(p.full_name, p.nba_id) for p in refs]
            for aid, refs in players.items()
        },
    )


def _item(a: dict[str, Any]) -> NewsItem:
    return NewsItem(
        a["uid"], a["url"], a["title"], a["summary"], a["published_at"], a["published_estimated"]
    )


def _picks(analysis: Analysis) -> dict[str, Any] | None:
    picks = analysis.to_json_dict().get("picks", [])
    return {"picks": picks} if picks else None


def _story_relevant(a: dict[str, Any], new: Analysis, teams: list[str], players: list[str]) -> bool:
    return (
        a["category"] != str(new.category)
        or a["status"] != (str(new.status) if new.status else None)
        or set(teams) != set(new.teams)
        # The stored name of a player is nba_api's spelling, as the analysis gives it.
        or set(players) != {m.name for m in new.players}
    )


def _reclassify_batch(
    session: Session, articles: list[dict[str, Any]], judge: Analyzer, log: Rosters
) -> int:
    """Relabel one batch; returns how many articles changed in any way."""
    ids = [a["id"] for a in articles]
    old_teams, old_players = _stored_links(session, ids)
    updates: list[dict[str, Any]] = []
    moved: list[tuple[dict[str, Any], AnalyzedItem]] = []
    for a in articles:
        published = a["published_at"]
        new = judge(a["title"], a["summary"], log.on(published.date() if published else None))
        relevant = _story_relevant(
            a,
            new,
            old_teams.get(a["id"], []),
            [m.name for m in old_players.get(a["id"], [])],
        )
        assets = _picks(new)
        if (
            relevant
            or a["category_evidence"] != new.category_evidence
            or a["status_evidence"] != new.status_evidence
            or (a["assets"] or None) != assets
        ):
            updates.append(
                {
                    "_id": a["id"],
                    "category": str(new.category),
                    "status": str(new.status) if new.status else None,
                    "category_evidence": new.category_evidence,
                    "status_evidence": new.status_evidence,
                    "assets": assets,
                }
            )
        if relevant:
            moved.append((a, AnalyzedItem(_item(a), new)))
    if updates:
        session.connection().execute(
            update(ARTICLES)
            .where(ARTICLES.c.id == bindparam("_id"))
            .values(
                category=bindparam("category"),
                status=bindparam("status"),
                category_evidence=bindparam("category_evidence"),
                status_evidence=bindparam("status_evidence"),
                assets=bindparam("assets"),
            ),
            updates,
        )
    if moved:
        _relink(session, [m for _, m in moved], {a["uid"]: a["id"] for a, _ in moved})
        _restory(session, moved)
    return len(updates)


def _relink(session: Session, items: list[AnalyzedItem], ids: dict[str, int]) -> None:
    article_ids = list(ids.values())
    session.execute(delete(ArticleTeam).where(ArticleTeam.article_id.in_(article_ids)))
    session.execute(delete(ArticlePlayer).where(ArticlePlayer.article_id.in_(article_ids)))
    _link_teams(session, items, ids)
    _link_players(session, items, ids)


def _restory(session: Session, moved: list[tuple[dict[str, Any], AnalyzedItem]]) -> None:
    """Take the moved articles out of their stories, rebuild those stories from what
    they keep, then plan the moved articles into stories as a collection would."""
    ids = [a["id"] for a, _ in moved]
    left = {a["story_id"] for a, _ in moved if a["story_id"] is not None}
    session.connection().execute(
        update(ARTICLES).where(ARTICLES.c.id.in_(ids)).values(story_id=None)
    )
    _rebuild_stories(session, left)
    by_source: dict[str, list[AnalyzedItem]] = {}
    for a, item in moved:
        by_source.setdefault(a["source"], []).append(item)
    uid_to_id = {a["uid"]: a["id"] for a, _ in moved}
    for source, items in by_source.items():
        plan = plan_stories(items, source, lambda txs: _story_candidates(session, txs))
        if not plan.assignment:
            continue
        story_ids = _create_stories(session, plan)
        rows = [
            {"_id": uid_to_id[uid], "story_id": story_ids[key]}
            for uid, key in plan.assignment.items()
        ]
        session.connection().execute(
            update(ARTICLES)
            .where(ARTICLES.c.id == bindparam("_id"))
            .values(story_id=bindparam("story_id")),
            rows,
        )
        # Every planned article is stored already: the stories it joins grow by it.
        _settle_stories(session, plan, story_ids, uid_to_id)


def _rebuild_stories(session: Session, story_ids: set[int]) -> None:
    """Each story's columns from the articles it still has; a story left with none goes."""
    if not story_ids:
        return
    members: dict[int, list[dict[str, Any]]] = {}
    for r in session.execute(
        select(*_PLANNED, Article.story_id)
        .where(Article.story_id.in_(story_ids))
        .order_by(Article.published_at, Article.id)
    ):
        members.setdefault(int(r.story_id), []).append(dict(r._mapping))
    teams, players = _stored_links(session, [m["id"] for ms in members.values() for m in ms])
    empty = story_ids - set(members)
    if empty:
        session.connection().execute(STORIES.delete().where(STORIES.c.id.in_(empty)))
    for story_id, rows in members.items():
        items = [
            AnalyzedItem(
                _item(r),
                Analysis(
                    Category(r["category"]),
                    Status(r["status"]) if r["status"] else None,
                    tuple(teams.get(r["id"], [])),
                    tuple(players.get(r["id"], [])),
                    (),
                ),
            )
            for r in rows
        ]
        session.connection().execute(
            update(STORIES)
            .where(STORIES.c.id == story_id)
            .values(**_story_row(StorySummary.of_all(items)))
        )
