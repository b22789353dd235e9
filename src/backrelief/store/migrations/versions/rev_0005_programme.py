"""Programmes: a plan over weeks, the sessions done for it, and the weekly check-ins (issue 14).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03

Three new tables, nothing existing changes, so downgrade simply drops them.
Written by hand with plain SQLAlchemy types, like 0001.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("weeks", sa.SmallInteger(), nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("at_time", sa.String(length=5), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("ended_at", UTC_TIMESTAMP, nullable=True),
        sa.Column("seen_at", UTC_TIMESTAMP, nullable=True),
        sa.Column("seen_rules", sa.JSON(), nullable=True),
        sa.Column("calendar_token", sa.String(length=64), nullable=False),
        sa.CheckConstraint("weeks >= 1 AND weeks <= 12", name=op.f("ck_programmes_weeks")),
        sa.CheckConstraint("status IN ('active', 'ended')", name=op.f("ck_programmes_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
        sa.UniqueConstraint("calendar_token", name=op.f("uq_programmes_calendar_token")),
    )
    op.create_table(
        "programme_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"],
            name=op.f("fk_programme_sessions_programme_id_programmes"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"],
            name=op.f("fk_programme_sessions_session_id_sessions"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_sessions")),
        sa.UniqueConstraint("session_id", name=op.f("uq_programme_sessions_session_id")),
    )
    op.create_index(op.f("ix_programme_sessions_programme_id"), "programme_sessions",
                    ["programme_id"])
    op.create_table(
        "programme_checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.SmallInteger(), nullable=False),
        sa.Column("recorded_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("activities", sa.JSON(), nullable=False),
        sa.Column("sleep", sa.SmallInteger(), nullable=True),
        sa.Column("confidence", sa.SmallInteger(), nullable=True),
        sa.CheckConstraint("sleep IS NULL OR (sleep >= 0 AND sleep <= 10)",
                           name=op.f("ck_programme_checkins_sleep_range")),
        sa.CheckConstraint("confidence IS NULL OR (confidence >= 0 AND confidence <= 10)",
                           name=op.f("ck_programme_checkins_confidence_range")),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"],
            name=op.f("fk_programme_checkins_programme_id_programmes"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_checkins")),
    )
    op.create_index(op.f("ix_programme_checkins_programme_id"), "programme_checkins",
                    ["programme_id"])
    op.create_index(op.f("ix_programme_checkins_recorded_at"), "programme_checkins",
                    ["recorded_at"])


def downgrade() -> None:
    op.drop_table("programme_checkins")
    op.drop_table("programme_sessions")
    op.drop_table("programmes")
