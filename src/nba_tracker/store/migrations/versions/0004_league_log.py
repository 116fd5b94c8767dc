"""The league's transaction log: its rows, and which stories each transaction confirms.

Revision ID: 0004_league_log
Revises: 0003_alerts
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nba_tracker.store.types import UTCDateTime

revision = "0004_league_log"
down_revision = "0003_alerts"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "league_log_rows",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("team_id", sa.BigInteger(), nullable=False),
        sa.Column("team", sa.String(3)),
        sa.Column("player_id", sa.BigInteger()),
        sa.Column("player_slug", sa.String(200), nullable=False, server_default=""),
        sa.Column("other_team_id", sa.BigInteger()),
        sa.Column("other_team", sa.String(3)),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("revised_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_league_log_rows"),
        sa.UniqueConstraint("key", name="uq_league_log_rows_key"),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name="fk_league_log_rows_source_id_sources",
            ondelete="CASCADE",
        ),
    )  # fmt: skip
    op.create_index("ix_league_log_rows_group_id", "league_log_rows", ["group_id"])
    op.create_index("ix_league_log_rows_day", "league_log_rows", ["day"])
    op.create_index("ix_league_log_rows_player_id", "league_log_rows", ["player_id"])
    op.create_index("ix_league_log_rows_team", "league_log_rows", ["team"])
    op.create_table(
        "league_log_links",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("group_id", sa.String(100), nullable=False),
        sa.Column("story_id", BigId, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("matched_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_league_log_links"),
        sa.UniqueConstraint("group_id", "story_id", name="uq_league_log_links_group_id"),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name="fk_league_log_links_story_id_stories",
            ondelete="CASCADE",
        ),
    )  # fmt: skip
    op.create_index("ix_league_log_links_story_id", "league_log_links", ["story_id"])
    op.create_index("ix_league_log_links_matched_at", "league_log_links", ["matched_at"])


def downgrade() -> None:
    op.drop_table("league_log_links")
    op.drop_table("league_log_rows")
