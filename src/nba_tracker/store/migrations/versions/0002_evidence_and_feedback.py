"""Evidence of each label, the feed's own guid, readers' flags, reclassification progress.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nba_tracker.store.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Articles stored before this revision have no evidence until `db reclassify` runs.
    op.add_column(
        "articles", sa.Column("category_evidence", sa.Text(), nullable=False, server_default="")
    )
    op.add_column(
        "articles", sa.Column("status_evidence", sa.Text(), nullable=False, server_default="")
    )
    # The feed's own guid: flagged labels export keyed by it, as the labelled corpus is.
    op.add_column("articles", sa.Column("guid", sa.Text()))
    op.create_table(
        "feedback",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("article_id", BigId, nullable=False),
        sa.Column("badge", sa.String(10), nullable=False),
        sa.Column("label", sa.String(20)),
        sa.Column("suggested", sa.String(20)),
        sa.Column("client_key", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_feedback_article_id_articles",
            ondelete="CASCADE",
        ),
    )  # fmt: skip
    op.create_index("ix_feedback_article_id", "feedback", ["article_id"])
    op.create_index("ix_feedback_client_key_created", "feedback", ["client_key", "created_at"])
    op.create_table(
        "reclassify_progress",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("last_article_id", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("done", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("changed", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_reclassify_progress"),
    )


def downgrade() -> None:
    op.drop_table("reclassify_progress")
    op.drop_table("feedback")
    for column in ("guid", "status_evidence", "category_evidence"):
        op.drop_column("articles", column)
