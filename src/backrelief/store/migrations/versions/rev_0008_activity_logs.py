"""The activity log: minutes of walking per day, for the programme's daily goal (issue 14).

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-04

One new table, nothing existing changes, so downgrade simply drops it. Like every diary table
since 0006 (accounts) it belongs to a user: ``user_id`` NOT NULL, ON DELETE CASCADE, and its
index leads with the user.
Written by hand with plain SQLAlchemy types, like 0001 and 0005.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0006"  # "0007" if the hardening branch adds one
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activity_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("minutes", sa.SmallInteger(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("minutes >= 1 AND minutes <= 600",
                           name=op.f("ck_activity_logs_minutes_range")),
        sa.CheckConstraint("kind IN ('walk')", name=op.f("ck_activity_logs_kind")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_activity_logs_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_logs")),
    )
    op.create_index("ix_activity_logs_user_id_day", "activity_logs", ["user_id", "day"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_activity_logs_user_id_day", table_name="activity_logs")
    op.drop_table("activity_logs")
