"""Pain ratings say whether the pain has spread down a leg, or further down it, since last time.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

Pain that travels down a leg is a reason to see a professional (DESIGN "Diary advice", rule
``spread``), so the diary keeps it beside each rating. Existing ratings did not ask, so they read
as "not spread". Written by hand with plain SQLAlchemy types, like 0001.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pain_ratings") as batch:
        batch.add_column(
            sa.Column("spread", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("pain_ratings") as batch:
        batch.drop_column("spread")
