"""The first tables: screens, sessions, pain ratings, technique feedback, settings.

Revision ID: 0001
Revises:
Create Date: 2025-11-22

Written by hand with plain SQLAlchemy types (not the application's models), so that later
changes to the models cannot change what this revision does.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "screens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taken_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("tier", sa.String(length=20), nullable=False),
        sa.Column("exercise_allowed", sa.Boolean(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("advice", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "tier IN ('emergency', 'same_day', 'see_professional', 'self_care', 'incomplete')",
            name=op.f("ck_screens_tier"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screens")),
    )
    op.create_index(op.f("ix_screens_taken_at"), "screens", ["taken_at"])

    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("ended_at", UTC_TIMESTAMP, nullable=True),
        sa.Column("routine", sa.JSON(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=True),
        sa.Column("stop_reason", sa.String(length=200), nullable=True),
        sa.Column("screen_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["screen_id"], ["screens.id"],
            name=op.f("fk_sessions_screen_id_screens"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    op.create_index(op.f("ix_sessions_started_at"), "sessions", ["started_at"])
    op.create_index(op.f("ix_sessions_screen_id"), "sessions", ["screen_id"])

    op.create_table(
        "pain_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rated_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("pain", sa.SmallInteger(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("location", sa.String(length=80), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("pain >= 0 AND pain <= 10", name=op.f("ck_pain_ratings_pain_range")),
        sa.CheckConstraint("kind IN ('before', 'after', 'daily')", name=op.f("ck_pain_ratings_kind")),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"],
            name=op.f("fk_pain_ratings_session_id_sessions"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pain_ratings")),
    )
    op.create_index(op.f("ix_pain_ratings_rated_at"), "pain_ratings", ["rated_at"])
    op.create_index(op.f("ix_pain_ratings_session_id"), "pain_ratings", ["session_id"])

    op.create_table(
        "technique_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("technique_id", sa.String(length=60), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("recorded_at", UTC_TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "verdict IN ('better', 'same', 'worse', 'stopped')",
            name=op.f("ck_technique_feedback_verdict"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"],
            name=op.f("fk_technique_feedback_session_id_sessions"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_technique_feedback")),
        sa.UniqueConstraint(
            "session_id", "technique_id", name=op.f("uq_technique_feedback_session_id")
        ),
    )

    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("updated_at", UTC_TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )


def downgrade() -> None:
    op.drop_table("settings")
    op.drop_table("technique_feedback")
    op.drop_index(op.f("ix_pain_ratings_session_id"), table_name="pain_ratings")
    op.drop_index(op.f("ix_pain_ratings_rated_at"), table_name="pain_ratings")
    op.drop_table("pain_ratings")
    op.drop_index(op.f("ix_sessions_screen_id"), table_name="sessions")
    op.drop_index(op.f("ix_sessions_started_at"), table_name="sessions")
    op.drop_table("sessions")
    op.drop_index(op.f("ix_screens_taken_at"), table_name="screens")
    op.drop_table("screens")
