"""Initial schema: sources, articles, teams, players, links, stories, scrape runs, search.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nba_tracker.store.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("etag", sa.Text()),
        sa.Column("last_modified", sa.Text()),
        sa.Column("last_success_at", UTCDateTime()),
        sa.Column("last_error", sa.Text()),
        sa.Column("last_error_at", UTCDateTime()),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sources"),
        sa.UniqueConstraint("name", name="uq_sources_name"),
    )
    op.create_table(
        "teams",
        sa.Column("id", BigId, primary_key=True, autoincrement=False),
        sa.Column("abbreviation", sa.String(3), nullable=False),
        sa.Column("full_name", sa.String(100), nullable=False),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("nickname", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_teams"),
        sa.UniqueConstraint("abbreviation", name="uq_teams_abbreviation"),
    )
    op.create_table(
        "players",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("nba_id", sa.BigInteger()),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("id", name="pk_players"),
        sa.UniqueConstraint("nba_id", name="uq_players_nba_id"),
    )
    op.create_index("ix_players_name_key", "players", ["name_key"])
    op.create_table(
        "stories",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20)),
        sa.Column("headline", sa.Text(), nullable=False),
        sa.Column("first_reported_at", UTCDateTime(), nullable=False),
        sa.Column("last_reported_at", UTCDateTime(), nullable=False),
        sa.Column("article_count", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("teams", sa.JSON(), nullable=False, server_default="[]"),
        sa.Column("players", sa.JSON(), nullable=False, server_default="[]"),
        sa.PrimaryKeyConstraint("id", name="pk_stories"),
    )
    op.create_index("ix_stories_category", "stories", ["category"])
    op.create_index("ix_stories_last_reported_at", "stories", ["last_reported_at"])
    op.create_index("ix_stories_first_reported_at", "stories", ["first_reported_at"])
    op.create_table(
        "articles",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("uid", sa.String(40), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False, server_default=""),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.Column("published_estimated", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
        sa.Column("category", sa.String(20), nullable=False, server_default="Other"),
        sa.Column("status", sa.String(20)),
        sa.Column("assets", sa.JSON()),
        sa.Column("story_id", BigId),
        sa.Column("title_ja", sa.Text()),
        sa.Column("summary_ja", sa.Text()),
        sa.Column("translation_status", sa.String(20), nullable=False, server_default="pending"),
        sa.Column("translation_error", sa.Text()),
        sa.Column("translated_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_articles"),
        sa.UniqueConstraint("uid", name="uq_articles_uid"),
        sa.UniqueConstraint("url", name="uq_articles_url"),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name="fk_articles_source_id_sources", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name="fk_articles_story_id_stories", ondelete="SET NULL"
        ),
    )
    op.create_index("ix_articles_source_id", "articles", ["source_id"])
    op.create_index("ix_articles_story_id", "articles", ["story_id"])
    op.create_index("ix_articles_translation_status", "articles", ["translation_status"])
    op.create_index("ix_articles_published_id", "articles", ["published_at", "id"])
    op.create_index("ix_articles_category_published", "articles", ["category", "published_at"])
    for link, column, target in (
        ("article_teams", "team_id", "teams"),
        ("article_players", "player_id", "players"),
    ):
        op.create_table(
            link,
            sa.Column("article_id", BigId, nullable=False),
            sa.Column(column, BigId, nullable=False),
            sa.PrimaryKeyConstraint("article_id", column, name=f"pk_{link}"),
            sa.ForeignKeyConstraint(
                ["article_id"], ["articles.id"], name=f"fk_{link}_article_id_articles",
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                [column], [f"{target}.id"], name=f"fk_{link}_{column}_{target}", ondelete="CASCADE"
            ),
        )
        op.create_index(f"ix_{link}_{column}", link, [column])
    op.create_table(
        "scrape_runs",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime()),
        sa.Column("trigger", sa.String(20), nullable=False, server_default="cli"),
        sa.Column("status", sa.String(20), nullable=False, server_default="running"),
        sa.Column("fetched", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("new", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("duplicate", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("failed", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("feeds", sa.JSON()),
        sa.PrimaryKeyConstraint("id", name="pk_scrape_runs"),
    )
    op.create_index("ix_scrape_runs_started_at", "scrape_runs", ["started_at"])
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_data_version"),
    )
    op.execute(
        sa.text("INSERT INTO data_version (id, version, changed_at) VALUES (1, 0, CURRENT_TIMESTAMP)")
    )
    _create_search()


def _create_search() -> None:
    """Full-text search: a generated tsvector + GIN on PostgreSQL, FTS5 on SQLite."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
            "(setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
            "setweight(to_tsvector('english', coalesce(summary, '')), 'B')) STORED"
        )
        op.execute("CREATE INDEX ix_articles_search ON articles USING GIN (search_vector)")
        return
    op.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5("
        "title, summary, content='articles', content_rowid='id', tokenize='porter unicode61')"
    )
    op.execute(
        "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
        "INSERT INTO articles_fts(rowid, title, summary) VALUES (new.id, new.title, new.summary); END"
    )
    op.execute(
        "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
        "INSERT INTO articles_fts(articles_fts, rowid, title, summary) "
        "VALUES ('delete', old.id, old.title, old.summary); END"
    )
    op.execute(
        "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, summary ON articles BEGIN "
        "INSERT INTO articles_fts(articles_fts, rowid, title, summary) "
        "VALUES ('delete', old.id, old.title, old.summary); "
        "INSERT INTO articles_fts(rowid, title, summary) VALUES (new.id, new.title, new.summary); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS articles_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    for table in (
        "data_version",
        "scrape_runs",
        "article_players",
        "article_teams",
        "articles",
        "stories",
        "players",
        "teams",
        "sources",
    ):
        op.drop_table(table)
