"""Indexes for reads that show a window of the diary.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03

Issues 15 and 16: the progress page, the advice and the home page now read a window (the newest
ratings, the recent stretch the advice's rules look at, per-day aggregates for the chart) instead
of the whole diary. These indexes let each of those reads be a range scan:

* ``ix_pain_ratings_kind_rated_at``: the course of pain is the daily and before-session
  ratings (``store.advice.course_kinds``): its first, newest and count by kind and time;
* ``ix_pain_ratings_rated_at_kind_pain``: covers the chart's per-day aggregates, so they read
  the index only, never the table;
* ``ix_sessions_ended_at``: the home page's "continue your session" looks for the newest
  unfinished one.

Written by hand with plain SQLAlchemy, like 0001.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_pain_ratings_kind_rated_at", "pain_ratings", ["kind", "rated_at"])
    op.create_index("ix_pain_ratings_rated_at_kind_pain", "pain_ratings",
                    ["rated_at", "kind", "pain"])
    op.create_index("ix_sessions_ended_at", "sessions", ["ended_at"])


def downgrade() -> None:
    op.drop_index("ix_sessions_ended_at", table_name="sessions")
    op.drop_index("ix_pain_ratings_rated_at_kind_pain", table_name="pain_ratings")
    op.drop_index("ix_pain_ratings_kind_rated_at", table_name="pain_ratings")
