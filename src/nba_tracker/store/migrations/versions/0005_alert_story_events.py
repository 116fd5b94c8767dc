"""Story events: what a collection writes for alerts, fanned out by the dispatcher.

Revision ID: 0005_alert_story_events
Revises: 0004_league_log
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nba_tracker.store.types import UTCDateTime

revision = "0005_alert_story_events"
down_revision = "0004_league_log"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "alert_story_events",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("story_id", BigId, nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("last_subscription_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("fanned_out_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_alert_story_events"),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name="fk_alert_story_events_story_id_stories",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_alert_story_events_story_id", "alert_story_events", ["story_id"])
    op.create_index(
        "ix_alert_story_events_pending", "alert_story_events", ["fanned_out_at", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_alert_story_events_pending", table_name="alert_story_events")
    op.drop_index("ix_alert_story_events_story_id", table_name="alert_story_events")
    op.drop_table("alert_story_events")
