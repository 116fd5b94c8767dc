"""Alert subscriptions and the outbox of alerts owed to them.

Revision ID: 0003_alerts
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nba_tracker.store.types import UTCDateTime

revision = "0003_alerts"
down_revision = "0002"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "alert_subscriptions",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("secret", sa.String(128), nullable=False),
        sa.Column("teams", sa.JSON(), nullable=False),
        sa.Column("players", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("least_status", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alert_subscriptions"),
    )
    op.create_table(
        "alert_outbox",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("subscription_id", BigId, nullable=False),
        sa.Column("story_id", BigId, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("previous_status", sa.String(20)),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_until", UTCDateTime()),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_alert_outbox"),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["alert_subscriptions.id"],
            name="fk_alert_outbox_subscription_id_alert_subscriptions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name="fk_alert_outbox_story_id_stories",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("subscription_id", "story_id", "status", name="uq_alert_outbox_key"),
    )
    op.create_index("ix_alert_outbox_state_due", "alert_outbox", ["state", "next_attempt_at"])
    op.create_index(
        "ix_alert_outbox_subscription_state", "alert_outbox", ["subscription_id", "state", "id"]
    )
    op.create_index("ix_alert_outbox_story_id", "alert_outbox", ["story_id"])


def downgrade() -> None:
    op.drop_table("alert_outbox")
    op.drop_table("alert_subscriptions")
