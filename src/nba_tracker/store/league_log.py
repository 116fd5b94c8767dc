"""The league's transaction log in the database: its rows (idempotent: a row read again
is not stored again, a revised row is updated in place) and the links between its
transactions and the stories that report them.

Every function works in the caller's session and takes or returns domain values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import cast

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from nba_tracker.domain.labels import Category, Status
from nba_tracker.domain.league_journey import LedgerTrade, Move, journey, ledger
from nba_tracker.domain.league_log import (
    LogKind,
    LogRow,
    LogTransaction,
    Rosters,
    group_transactions,
)
from nba_tracker.domain.league_match import MatchResult, StoryFacts, Window
from nba_tracker.store.models import (
    Article,
    ArticlePlayer,
    Base,
    BigId,
    DataVersion,
    Player,
    Source,
    Story,
    utcnow,
)
from nba_tracker.store.types import UTCDateTime

__all__ = [
    "Agreement",
    "LinkOutcome",
    "LogWrite",
    "agreement",
    "apply_matches",
    "log_transactions",
    "story_facts",
    "store_log_rows",
]

CHUNK = 500


class LeagueLogRow(Base):
    __tablename__ = "league_log_rows"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    source_id: Mapped[int] = mapped_column(Integer, ForeignKey("sources.id", ondelete="CASCADE"))
    group_id: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    day: Mapped[date] = mapped_column(Date, index=True)
    description: Mapped[str] = mapped_column(Text)
    team_id: Mapped[int] = mapped_column(BigInteger)
    team: Mapped[str | None] = mapped_column(String(3), index=True)
    player_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    player_slug: Mapped[str] = mapped_column(String(200), default="")
    other_team_id: Mapped[int | None] = mapped_column(BigInteger)
    other_team: Mapped[str | None] = mapped_column(String(3))
    # The row's place in its transaction, as the log lists it.
    position: Mapped[int] = mapped_column(Integer, default=0)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LinkOutcome:
    CONFIRMED = "confirmed"
    CONTRADICTED = "contradicted"
    LOG_ONLY = "log_only"  # the story was made from the log: no outlet reported it yet


class LeagueLogLink(Base):
    __tablename__ = "league_log_links"
    __table_args__ = (UniqueConstraint("group_id", "story_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    group_id: Mapped[str] = mapped_column(String(100))
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    matched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


@dataclass(frozen=True)
class LogWrite:
    new: int
    revised: int
    unchanged: int


def _values(row: LogRow, source_id: int, position: int) -> dict[str, object]:
    return {
        "key": row.key,
        "source_id": source_id,
        "group_id": row.group_id,
        "kind": str(row.kind),
        "day": row.day,
        "description": row.description,
        "team_id": row.team_id,
        "team": row.team,
        "player_id": row.player_id,
        "player_slug": row.player_slug,
        "other_team_id": row.other_team_id,
        "other_team": row.other_team,
        "position": position,
    }


def store_log_rows(
    session: Session, source_id: int, rows: Sequence[LogRow], now: datetime
) -> LogWrite:
    """Insert rows not seen before, update those the league revised, leave the rest."""
    positions: dict[str, int] = {}
    counter: dict[str, int] = {}
    for row in rows:
        positions[row.key] = counter.get(row.group_id, 0)
        counter[row.group_id] = positions[row.key] + 1
    new = revised = unchanged = 0
    table = cast(Table, LeagueLogRow.__table__)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        stored = {
            r.key: (r.id, r.description, r.day, r.kind, r.team_id, r.other_team_id)
            for r in session.execute(
                select(
                    LeagueLogRow.key,
                    LeagueLogRow.id,
                    LeagueLogRow.description,
                    LeagueLogRow.day,
                    LeagueLogRow.kind,
                    LeagueLogRow.team_id,
                    LeagueLogRow.other_team_id,
                ).where(LeagueLogRow.key.in_([r.key for r in chunk]))
            )
        }
        inserts = []
        for row in chunk:
            known = stored.get(row.key)
            if known is None:
                values = _values(row, source_id, positions[row.key])
                values["first_seen_at"] = now
                inserts.append(values)
                new += 1
            elif known[1:] != (
                row.description,
                row.day,
                str(row.kind),
                row.team_id,
                row.other_team_id,
            ):
                values = _values(row, source_id, positions[row.key])
                values["revised_at"] = now
                session.execute(update(table).where(table.c.id == known[0]).values(**values))
                revised += 1
            else:
                unchanged += 1
        if inserts:
            session.execute(table.insert(), inserts)
    return LogWrite(new, revised, unchanged)


def groups_touched_at(session: Session, now: datetime) -> set[str]:
    """Transactions with a row first stored or revised by the write made at ``now``."""
    return set(
        session.scalars(
            select(LeagueLogRow.group_id)
            .where(or_(LeagueLogRow.first_seen_at == now, LeagueLogRow.revised_at == now))
            .distinct()
        )
    )


def _row_of(r: LeagueLogRow) -> LogRow:
    return LogRow(
        kind=LogKind(r.kind),
        group_id=r.group_id,
        day=r.day,
        description=r.description,
        team_id=r.team_id,
        team=r.team,
        player_id=r.player_id,
        player_slug=r.player_slug,
        other_team_id=r.other_team_id,
        other_team=r.other_team,
    )


def rosters(session: Session) -> Rosters:
    """Every player's team on any day by the stored log: what an item about a player is
    linked to when it names no team. Empty when no log was ever collected."""
    rows = session.scalars(
        select(LeagueLogRow)
        .where(LeagueLogRow.player_id.is_not(None))
        # The log's own order, newest first: of two moves on one day, the first listed.
        .order_by(LeagueLogRow.day.desc(), LeagueLogRow.position, LeagueLogRow.id.desc())
    ).all()
    return Rosters(_row_of(r) for r in rows)


def current_teams(session: Session) -> dict[int, str]:
    """Every player's team today (his NBA id -> abbreviation): what a collection of
    today's news links by."""
    return rosters(session).current()


def log_transactions(
    session: Session,
    since: date | None = None,
    until: date | None = None,
    team: str | None = None,
    player_id: int | None = None,
    group_ids: Sequence[str] | None = None,
) -> list[LogTransaction]:
    """Whole transactions (every part, even of a trade filtered by one team or player)
    recorded in [since, until], oldest first."""
    groups = select(LeagueLogRow.group_id)
    if since is not None:
        groups = groups.where(LeagueLogRow.day >= since)
    if until is not None:
        groups = groups.where(LeagueLogRow.day <= until)
    if team is not None:
        groups = groups.where(or_(LeagueLogRow.team == team, LeagueLogRow.other_team == team))
    if player_id is not None:
        groups = groups.where(LeagueLogRow.player_id == player_id)
    if group_ids is not None:
        groups = groups.where(LeagueLogRow.group_id.in_(list(group_ids)))
    rows = session.scalars(
        select(LeagueLogRow)
        .where(LeagueLogRow.group_id.in_(groups.distinct()))
        .order_by(LeagueLogRow.group_id, LeagueLogRow.position, LeagueLogRow.id)
    ).all()
    return group_transactions(_row_of(r) for r in rows)


def story_facts(session: Session, start: datetime, end: datetime) -> list[StoryFacts]:
    """Stories reported in [start, end], with the NBA ids of the players they name."""
    stories = session.scalars(
        select(Story).where(Story.last_reported_at >= start, Story.first_reported_at <= end)
    ).all()
    ids: dict[int, set[int]] = {s.id: set() for s in stories}
    story_ids = list(ids)
    for begin in range(0, len(story_ids), CHUNK):
        for story_id, nba_id in session.execute(
            select(Article.story_id, Player.nba_id)
            .join(ArticlePlayer, ArticlePlayer.article_id == Article.id)
            .join(Player, Player.id == ArticlePlayer.player_id)
            .where(
                Article.story_id.in_(story_ids[begin : begin + CHUNK]),
                Player.nba_id.is_not(None),
            )
        ):
            if story_id is not None and nba_id is not None:
                ids[story_id].add(int(nba_id))
    return [
        StoryFacts(
            id=s.id,
            category=Category(s.category),
            status=Status(s.status) if s.status else None,
            teams=frozenset(s.teams or ()),
            player_ids=frozenset(ids[s.id]),
            first_reported_at=s.first_reported_at,
            last_reported_at=s.last_reported_at,
        )
        for s in stories
        if s.category in {c.value for c in Category}
    ]


def _player_names(session: Session, nba_ids: set[int]) -> dict[int, str]:
    if not nba_ids:
        return {}
    return {
        int(nba_id): name
        for nba_id, name in session.execute(
            select(Player.nba_id, Player.full_name).where(Player.nba_id.in_(nba_ids))
        )
        if nba_id is not None
    }


def _existing_links(session: Session, group_ids: list[str]) -> dict[str, dict[int, str]]:
    found: dict[str, dict[int, str]] = {}
    for begin in range(0, len(group_ids), CHUNK):
        for group_id, story_id, outcome in session.execute(
            select(LeagueLogLink.group_id, LeagueLogLink.story_id, LeagueLogLink.outcome).where(
                LeagueLogLink.group_id.in_(group_ids[begin : begin + CHUNK])
            )
        ):
            found.setdefault(group_id, {})[story_id] = outcome
    return found


@dataclass(frozen=True)
class MatchWrite:
    confirmed: int
    contradicted: int
    log_only: int


def apply_matches(
    session: Session,
    transactions: Sequence[LogTransaction],
    result: MatchResult,
    now: datetime,
    log_only_since: date,
) -> MatchWrite:
    """Record what matching found: confirmed stories become official, contradictions are
    flagged, and each unreported transaction recorded since ``log_only_since`` becomes a
    story of its own (older ones stay in the log: a first read of a ten-year log must not
    flood the page with stories from 2015). Links already made are not made again."""
    by_group = {t.group_id: t for t in transactions}
    existing = _existing_links(session, list(by_group))
    confirmed = contradicted = log_only = 0
    links: list[dict[str, object]] = []
    official: set[int] = set()
    for group_id, story_id in result.confirmed:
        assert isinstance(story_id, int)
        before = existing.get(group_id, {}).get(story_id)
        if before is None:
            links.append(_link(group_id, story_id, LinkOutcome.CONFIRMED, "", now))
            confirmed += 1
        elif before != LinkOutcome.CONFIRMED:
            # Flagged by an earlier pass, confirmed now (a revised row, a new article).
            session.execute(
                update(LeagueLogLink)
                .where(LeagueLogLink.group_id == group_id, LeagueLogLink.story_id == story_id)
                .values(outcome=LinkOutcome.CONFIRMED, reason="", matched_at=now)
            )
            confirmed += 1
        official.add(story_id)
    for group_id, story_id, why in result.contradicted:
        assert isinstance(story_id, int)
        if story_id not in existing.get(group_id, {}):
            links.append(_link(group_id, story_id, LinkOutcome.CONTRADICTED, why, now))
            contradicted += 1
    if official:
        session.execute(
            update(Story).where(Story.id.in_(official)).values(status=str(Status.OFFICIAL))
        )
    unreported = [
        by_group[g]
        for g in result.unreported
        if g in by_group and by_group[g].day >= log_only_since and g not in existing
    ]
    names = _player_names(session, {p for t in unreported for p in t.player_ids})
    for tx in unreported:
        moment = datetime.combine(tx.day, datetime.min.time(), UTC)
        story = Story(
            category=str(tx.category),
            status=str(Status.OFFICIAL),
            headline=tx.headline,
            first_reported_at=moment,
            last_reported_at=moment,
            article_count=0,
            teams=sorted(tx.teams),
            players=sorted(names[p] for p in tx.player_ids if p in names),
        )
        session.add(story)
        session.flush()
        links.append(_link(tx.group_id, story.id, LinkOutcome.LOG_ONLY, "", now))
        log_only += 1
    if links:
        session.execute(cast(Table, LeagueLogLink.__table__).insert(), links)
    if links or official:
        session.execute(update(DataVersion).values(version=DataVersion.version + 1, changed_at=now))
    return MatchWrite(confirmed, contradicted, log_only)


def _link(group_id: str, story_id: int, outcome: str, reason: str, now: datetime) -> dict:
    return {
        "group_id": group_id,
        "story_id": story_id,
        "outcome": outcome,
        "reason": reason[:1000],
        "matched_at": now,
    }


@dataclass(frozen=True)
class Agreement:
    """Of the stories the text labelled reported/official in the last ``days``, how many
    the log confirmed; how many log transactions no outlet reported."""

    days: int
    labelled: int
    confirmed: int
    contradicted: int
    log_transactions: int
    unreported: int

    @property
    def rate(self) -> float | None:
        return round(self.confirmed / self.labelled, 4) if self.labelled else None


def agreement(session: Session, now: datetime, days: int = 7) -> Agreement:
    since = now - timedelta(days=days)
    labelled_ids = select(Story.id).where(
        Story.first_reported_at >= since,
        Story.article_count > 0,
        Story.status.in_([str(Status.REPORTED), str(Status.OFFICIAL)]),
        Story.category.in_([str(c) for c in (Category.TRADE, Category.SIGNING,
                                             Category.EXTENSION, Category.WAIVER)]),
    )  # fmt: skip
    labelled = session.scalar(select(func.count()).select_from(labelled_ids.subquery())) or 0

    def linked(outcome: str) -> int:
        return (
            session.scalar(
                select(func.count(func.distinct(LeagueLogLink.story_id))).where(
                    and_(
                        LeagueLogLink.outcome == outcome,
                        LeagueLogLink.story_id.in_(labelled_ids),
                    )
                )
            )
            or 0
        )

    day_since = since.date()
    transactions = (
        session.scalar(
            select(func.count(func.distinct(LeagueLogRow.group_id))).where(
                LeagueLogRow.day >= day_since
            )
        )
        or 0
    )
    unreported = (
        session.scalar(
            select(func.count(func.distinct(LeagueLogLink.group_id))).where(
                LeagueLogLink.outcome == LinkOutcome.LOG_ONLY,
                LeagueLogLink.group_id.in_(
                    select(LeagueLogRow.group_id).where(LeagueLogRow.day >= day_since)
                ),
            )
        )
        or 0
    )
    return Agreement(
        days=days,
        labelled=labelled,
        confirmed=linked(LinkOutcome.CONFIRMED),
        contradicted=linked(LinkOutcome.CONTRADICTED),
        log_transactions=transactions,
        unreported=unreported,
    )


def window_of(transactions: Sequence[LogTransaction], window: Window) -> tuple[datetime, datetime]:
    """The reporting period whose stories could report any of ``transactions``."""
    first = min(t.day for t in transactions)
    last = max(t.day for t in transactions)
    return (
        datetime.combine(first, datetime.min.time(), UTC) - window.before,
        datetime.combine(last, datetime.max.time(), UTC) + window.after,
    )


@dataclass(frozen=True)
class StatusStep:
    """One report of a story: when, by whom, and what its text said."""

    at: datetime
    source: str
    status: str | None


@dataclass(frozen=True)
class LinkedStory:
    story_id: int
    headline: str
    status: str | None
    outcome: str  # LinkOutcome
    reason: str
    history: tuple[StatusStep, ...]


@dataclass(frozen=True)
class JourneyStep:
    move: Move
    stories: tuple[LinkedStory, ...]


@dataclass(frozen=True)
class PlayerJourney:
    nba_id: int
    name: str
    steps: tuple[JourneyStep, ...]


def linked_stories(session: Session, group_ids: Sequence[str]) -> dict[str, list[LinkedStory]]:
    """The stories linked to each transaction, with the status of each of their reports."""
    if not group_ids:
        return {}
    links = session.execute(
        select(LeagueLogLink, Story)
        .join(Story, Story.id == LeagueLogLink.story_id)
        .where(LeagueLogLink.group_id.in_(list(group_ids)))
        .order_by(LeagueLogLink.id)
    ).all()
    story_ids = [story.id for _, story in links]
    history: dict[int, list[StatusStep]] = {}
    if story_ids:
        for story_id, at, source, status in session.execute(
            select(Article.story_id, Article.published_at, Source.name, Article.status)
            .join(Source, Source.id == Article.source_id)
            .where(Article.story_id.in_(story_ids))
            .order_by(Article.published_at, Article.id)
        ):
            if story_id is not None:
                history.setdefault(story_id, []).append(StatusStep(at, source, status))
    found: dict[str, list[LinkedStory]] = {}
    for link, story in links:
        found.setdefault(link.group_id, []).append(
            LinkedStory(
                story_id=story.id,
                headline=story.headline,
                status=story.status,
                outcome=link.outcome,
                reason=link.reason,
                history=tuple(history.get(story.id, ())),
            )
        )
    return found


def player_journey(session: Session, nba_id: int) -> PlayerJourney | None:
    """Every move of the player the league recorded, oldest first; None for a player
    neither the players list nor the log knows."""
    name = session.scalar(select(Player.full_name).where(Player.nba_id == nba_id))
    transactions = log_transactions(session, player_id=nba_id)
    if name is None and not transactions:
        return None
    moves = journey(nba_id, transactions)
    stories = linked_stories(session, [m.group_id for m in moves])
    if name is None:
        slug = next(p.player_slug for t in transactions for p in t.parts if p.player_id == nba_id)
        name = slug.replace("-", " ").title()
    return PlayerJourney(
        nba_id=nba_id,
        name=name,
        steps=tuple(JourneyStep(m, tuple(stories.get(m.group_id, ()))) for m in moves),
    )


def team_ledger(session: Session, abbreviation: str, first: int = 50) -> list[LedgerTrade]:
    """The team's trades in the log, newest first: what it got and gave in each."""
    newest = session.scalars(
        select(LeagueLogRow.group_id)
        .where(
            LeagueLogRow.kind == str(LogKind.TRADE),
            or_(LeagueLogRow.team == abbreviation, LeagueLogRow.other_team == abbreviation),
        )
        .group_by(LeagueLogRow.group_id)
        .order_by(func.max(LeagueLogRow.day).desc(), LeagueLogRow.group_id.desc())
        .limit(first)
    ).all()
    transactions = log_transactions(session, group_ids=list(newest))
    ids = {p for t in transactions for p in t.player_ids}
    return ledger(abbreviation, transactions, _player_names(session, ids))
