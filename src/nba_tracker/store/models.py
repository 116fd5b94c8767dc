"""The tracker's tables. Relationships are ``lazy="raise"``: nothing loads behind a query's back."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from nba_tracker.store.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Integer primary keys: BIGINT on PostgreSQL, INTEGER (rowid alias) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    url: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)  # NBA id
    abbreviation: Mapped[str] = mapped_column(String(3), unique=True)
    full_name: Mapped[str] = mapped_column(String(100))
    city: Mapped[str] = mapped_column(String(100))
    nickname: Mapped[str] = mapped_column(String(100))


class Player(Base):
    __tablename__ = "players"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Players a transaction names before any list knows them have no NBA id yet.
    nba_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)


class Story(Base):
    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    category: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str | None] = mapped_column(String(20))
    headline: Mapped[str] = mapped_column(Text)
    first_reported_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    article_count: Mapped[int] = mapped_column(Integer, default=1)
    # What the story is about, kept on the row so matching a new article reads one table.
    teams: Mapped[list[str]] = mapped_column(JSON, default=list)
    players: Mapped[list[str]] = mapped_column(JSON, default=list)

    articles: Mapped[list[Article]] = relationship(back_populates="story", lazy="raise")

    def summary(self) -> dict[str, Any]:
        """The columns its articles make (``domain.story_plan.StorySummary``'s fields) as
        stored: category and status as strings, the JSON lists copied."""
        return {
            "category": self.category,
            "status": self.status,
            "headline": self.headline,
            "first_reported_at": self.first_reported_at,
            "last_reported_at": self.last_reported_at,
            "article_count": self.article_count,
            "teams": list(self.teams or []),
            "players": list(self.players or []),
        }


class TranslationStatus(StrEnum):
    """``articles.translation_status``: every article waits for its Japanese text."""

    PENDING = "pending"
    TRANSLATED = "translated"
    FAILED = "failed"  # ``translation_error`` says why; ``retry_failed`` queues it again


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_published_id", "published_at", "id"),
        Index("ix_articles_category_published", "category", "published_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Stable across processes and machines: sha256 of the GUID, else of the canonical link.
    uid: Mapped[str] = mapped_column(String(40), unique=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    category: Mapped[str] = mapped_column(String(20), default="Other")
    status: Mapped[str | None] = mapped_column(String(20))
    # The phrase that decided each label, shown to readers beside the badge.
    category_evidence: Mapped[str] = mapped_column(Text, default="")
    status_evidence: Mapped[str] = mapped_column(Text, default="")
    # The feed's own guid (``uid`` is its hash): flags export keyed by it, like the corpus.
    guid: Mapped[str | None] = mapped_column(Text)
    assets: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    story_id: Mapped[int | None] = mapped_column(
        ForeignKey("stories.id", ondelete="SET NULL"), index=True
    )
    title_ja: Mapped[str | None] = mapped_column(Text)
    summary_ja: Mapped[str | None] = mapped_column(Text)
    translation_status: Mapped[str] = mapped_column(
        String(20), default=TranslationStatus.PENDING, index=True
    )
    translation_error: Mapped[str | None] = mapped_column(Text)
    translated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    source: Mapped[Source] = relationship(lazy="raise")
    story: Mapped[Story | None] = relationship(back_populates="articles", lazy="raise")
    teams: Mapped[list[Team]] = relationship(secondary="article_teams", lazy="raise")
    players: Mapped[list[Player]] = relationship(secondary="article_players", lazy="raise")


class ArticleTeam(Base):
    __tablename__ = "article_teams"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ArticlePlayer(Base):
    __tablename__ = "article_players"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    player_id: Mapped[int] = mapped_column(
        ForeignKey("players.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Badge(StrEnum):
    """``feedback.badge``: which of a card's badges a reader says is wrong."""

    CATEGORY = "category"
    STATUS = "status"


class Feedback(Base):
    """A reader's "wrong?" on one badge of one article. ``client_key`` is a keyed hash of
    the reader's address (never the address): it counts a client's flags for the rate
    limit and nothing else."""

    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_client_key_created", "client_key", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    badge: Mapped[str] = mapped_column(String(10))
    # What the badge said when it was flagged (a reclassification may change it since).
    label: Mapped[str | None] = mapped_column(String(20))
    suggested: Mapped[str | None] = mapped_column(String(20))
    client_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReclassifyProgress(Base):
    """One row: how far ``db reclassify`` got, so an interrupted run resumes there."""

    __tablename__ = "reclassify_progress"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_article_id: Mapped[int] = mapped_column(BigInteger, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RunStatus(StrEnum):
    """``scrape_runs.status``."""

    RUNNING = "running"
    OK = "ok"  # every feed answered
    PARTIAL = "partial"  # some feeds failed, others delivered
    FAILED = "failed"  # every feed failed
    # Its collector died or stopped beating; the next collector to take the lock says so.
    ABANDONED = "abandoned"


class ScrapeRun(Base):
    __tablename__ = "scrape_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    trigger: Mapped[str] = mapped_column(String(20), default="cli")
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.RUNNING)
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    duplicate: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    feeds: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class DataVersion(Base):
    """One row whose counter moves whenever a collection stores something: every API
    process compares it to invalidate its read cache, whichever process collected."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeliveryState(StrEnum):
    """``alert_outbox.state``."""

    PENDING = "pending"  # waiting for its turn or its next attempt
    SENDING = "sending"  # claimed by a dispatcher until ``claimed_until``
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up after the bound; ``alerts replay`` queues it again


class AlertSubscription(Base):
    """A filter (teams, players, categories, least status) and the channel it is sent to.
    ``secret`` signs generic webhooks; ``target`` is a URL, an SNS topic ARN or a Web Push
    subscription (JSON)."""

    __tablename__ = "alert_subscriptions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(String(128))
    teams: Mapped[list[str]] = mapped_column(JSON, default=list)
    players: Mapped[list[str]] = mapped_column(JSON, default=list)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    least_status: Mapped[str] = mapped_column(String(20), default="reported")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AlertStoryEvent(Base):
    """A story as the articles just stored left it, for the alerts it may owe: written in
    those articles' own transaction, one row per story touched, so a collection pays for
    the stories it wrote, not for every subscription they reach. The dispatcher fans it
    out into :class:`AlertOutbox` (``store.alerts.fan_out``) and stamps ``fanned_out_at``.

    ``facts`` freezes what a filter reads and what is sent (category, status, headline,
    teams, players); ``last_subscription_id`` is the newest subscription at the commit,
    so one added later is not sent a story stored before it."""

    __tablename__ = "alert_story_events"
    __table_args__ = (Index("ix_alert_story_events_pending", "fanned_out_at", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    last_subscription_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fanned_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AlertOutbox(Base):
    """One alert owed, unique per (subscription, story, status) so no re-collection or
    second fan-out makes a second; its payload is frozen from the story event."""

    __tablename__ = "alert_outbox"
    __table_args__ = (
        UniqueConstraint("subscription_id", "story_id", "status", name="uq_alert_outbox_key"),
        Index("ix_alert_outbox_state_due", "state", "next_attempt_at"),
        Index("ix_alert_outbox_subscription_state", "subscription_id", "state", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("alert_subscriptions.id", ondelete="CASCADE")
    )
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    previous_status: Mapped[str | None] = mapped_column(String(20))
    # What is sent, frozen at the commit that caused it: the story may change later.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20), default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
