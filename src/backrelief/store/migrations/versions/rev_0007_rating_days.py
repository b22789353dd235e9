"""Per-day rating totals, so no read counts or scans the whole diary.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

Issue 15: at 10^6 ratings the course COUNT and "N ratings" scanned a whole index (64-594 ms),
and a run of high-pain days reaching far back made the advice read every rating (17 s).
``rating_days`` holds, for each user, UTC day and kind (revision 0006's scope), how many ratings
there are, their sum, lowest and highest; ``store.rating_days`` keeps it in the same transaction
as every write to ``pain_ratings``. The upgrade fills it from the ratings already there.
It also adds an index for session outcomes (see ``upgrade``).

Written by hand with plain SQLAlchemy, like 0001.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rating_days",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ratings", sa.Integer(), nullable=False),
        sa.Column("pain_sum", sa.Integer(), nullable=False),
        sa.Column("pain_min", sa.SmallInteger(), nullable=False),
        sa.Column("pain_max", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint("kind IN ('before', 'after', 'daily')", name="ck_rating_days_kind"),
        sa.CheckConstraint("ratings > 0", name="ck_rating_days_ratings_positive"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name="fk_rating_days_user_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "day", "kind", name="pk_rating_days"),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"  # SQLite stores the UTC wall time as text
    day = "date(rated_at)" if sqlite else "date(timezone('UTC', rated_at))"
    op.execute(
        "INSERT INTO rating_days (user_id, day, kind, ratings, pain_sum, pain_min, pain_max) "
        f"SELECT user_id, {day}, kind, count(*), sum(pain), min(pain), max(pain) "
        f"FROM pain_ratings GROUP BY user_id, {day}, kind"
    )


    # Session outcomes read a user's session ratings by session (store.sessions); the 0006
    # indexes lead with the user and then time, so SQLite walked every rating of the user
    # (286 ms at 10^6) to find the few of sessions.
    op.create_index("ix_pain_ratings_user_id_session_id", "pain_ratings",
                    ["user_id", "session_id", "rated_at", "kind", "pain"])


def downgrade() -> None:
    op.drop_index("ix_pain_ratings_user_id_session_id", table_name="pain_ratings")
    op.drop_table("rating_days")
