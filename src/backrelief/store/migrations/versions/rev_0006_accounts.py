"""Accounts: users, their sign-in sessions, and a user for every diary row (issue 13).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

New tables: ``users``, ``auth_sessions``, ``login_attempts``, ``invites``, ``pairing_codes``.
The diary's top-level tables (screens, sessions, pain_ratings, programmes, settings) get a
``user_id`` (NOT NULL, ON DELETE CASCADE); the tables below them (technique feedback, programme
sessions and check-ins) belong to a user through their parent. A settings key is now unique per
user. The read indexes of 0004 lead with the user, since every read is one user's.

The upgrade creates the owner account (name "owner", no password) and gives it every existing
row: one person's diary becomes the owner's.

The downgrade cannot tell users apart in the old schema, so it keeps the rows of the first owner
only and deletes every other user's (merging them into one diary would show one person's health
data to another). Run it only if you mean that.

On SQLite, ``store.migrate`` runs revisions with foreign keys switched off (SQLite's documented
way to rebuild a table: dropping the old "sessions" would otherwise cascade to its ratings) and
checks them all before committing. Written by hand with plain SQLAlchemy, like 0001.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIMESTAMP = sa.DateTime(timezone=True)
OWNED = ("screens", "sessions", "pain_ratings", "programmes", "settings")
# The user-leading read indexes: name -> (table, columns).
USER_INDEXES = {
    "ix_screens_user_id_taken_at": ("screens", ["user_id", "taken_at"]),
    "ix_sessions_user_id_started_at": ("sessions", ["user_id", "started_at"]),
    "ix_sessions_user_id_ended_at": ("sessions", ["user_id", "ended_at"]),
    "ix_pain_ratings_user_id_kind_rated_at": ("pain_ratings", ["user_id", "kind", "rated_at"]),
    "ix_pain_ratings_user_id_rated_at_kind_pain": ("pain_ratings",
                                                   ["user_id", "rated_at", "kind", "pain"]),
    "ix_programmes_user_id_status": ("programmes", ["user_id", "status"]),
}
# Revision 0004's, replaced by the ones above.
OLD_INDEXES = {
    "ix_pain_ratings_kind_rated_at": ("pain_ratings", ["kind", "rated_at"]),
    "ix_pain_ratings_rated_at_kind_pain": ("pain_ratings", ["rated_at", "kind", "pain"]),
}

_users = sa.table("users", sa.column("id", sa.Integer()), sa.column("name", sa.String()),
                  sa.column("name_key", sa.String()), sa.column("password_hash", sa.String()),
                  sa.column("role", sa.String()), sa.column("created_at", UTC_TIMESTAMP))


def _create_account_tables() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("name_key", sa.String(length=40), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.CheckConstraint("role IN ('owner', 'member')", name=op.f("ck_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name_key", name=op.f("uq_users_name_key")),
    )
    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=True),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("last_seen_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("expires_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("revoked_at", UTC_TIMESTAMP, nullable=True),
        sa.CheckConstraint("kind IN ('browser', 'device')", name=op.f("ck_auth_sessions_kind")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_auth_sessions_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_sessions")),
    )
    op.create_index(op.f("ix_auth_sessions_user_id"), "auth_sessions", ["user_id"])
    op.create_table(
        "login_attempts",
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("locked_until", UTC_TIMESTAMP, nullable=True),
        sa.CheckConstraint("scope IN ('account', 'address')",
                           name=op.f("ck_login_attempts_scope")),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_login_attempts")),
    )
    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("expires_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("used_at", UTC_TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invites")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invites_token_hash")),
    )
    op.create_table(
        "pairing_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("expires_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("used_at", UTC_TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_pairing_codes_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_pairing_codes")),
    )
    op.create_index(op.f("ix_pairing_codes_user_id"), "pairing_codes", ["user_id"])


def upgrade() -> None:
    _create_account_tables()
    bind = op.get_bind()
    bind.execute(_users.insert().values(
        name="owner", name_key="owner", password_hash=None, role="owner",
        created_at=datetime.now(UTC)))
    owner = bind.execute(sa.select(_users.c.id).where(_users.c.name_key == "owner")).scalar_one()
    for table in OWNED:
        # A nullable column needs no table rebuild on SQLite; fill it, then make it required.
        op.add_column(table, sa.Column("user_id", sa.Integer(), nullable=True))
        bind.execute(sa.text(f"UPDATE {table} SET user_id = :owner"), {"owner": owner})
        with op.batch_alter_table(table) as batch:
            batch.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
            batch.create_foreign_key(op.f(f"fk_{table}_user_id_users"), "users",
                                     ["user_id"], ["id"], ondelete="CASCADE")
            if table == "settings":
                batch.drop_constraint(op.f("pk_settings"), type_="primary")
                batch.create_primary_key(op.f("pk_settings"), ["user_id", "key"])
    for name, (table, _columns) in OLD_INDEXES.items():
        op.drop_index(name, table_name=table)
    for name, (table, columns) in USER_INDEXES.items():
        op.create_index(name, table, columns)


def _delete_other_users(bind: sa.Connection, keep: int) -> None:
    """Every row of every user but ``keep``, children first (cascades may be off here)."""
    params = {"keep": keep}
    theirs = "SELECT id FROM {table} WHERE user_id <> :keep"
    statements = [
        f"DELETE FROM technique_feedback WHERE session_id IN ({theirs.format(table='sessions')})",
        f"DELETE FROM programme_sessions WHERE session_id IN ({theirs.format(table='sessions')})"
        f" OR programme_id IN ({theirs.format(table='programmes')})",
        f"DELETE FROM programme_checkins WHERE programme_id IN "
        f"({theirs.format(table='programmes')})",
        f"DELETE FROM pain_ratings WHERE user_id <> :keep OR session_id IN "
        f"({theirs.format(table='sessions')})",
        f"UPDATE sessions SET screen_id = NULL WHERE screen_id IN "
        f"({theirs.format(table='screens')})",
        "DELETE FROM sessions WHERE user_id <> :keep",
        "DELETE FROM screens WHERE user_id <> :keep",
        "DELETE FROM programmes WHERE user_id <> :keep",
        "DELETE FROM settings WHERE user_id <> :keep",
    ]
    for statement in statements:
        bind.execute(sa.text(statement), params)


def downgrade() -> None:
    bind = op.get_bind()
    keep = bind.execute(sa.text(
        "SELECT id FROM users ORDER BY CASE WHEN role = 'owner' THEN 0 ELSE 1 END, id LIMIT 1"
    )).scalar()
    _delete_other_users(bind, -1 if keep is None else int(keep))
    for name, (table, _columns) in USER_INDEXES.items():
        op.drop_index(name, table_name=table)
    for name, (table, columns) in OLD_INDEXES.items():
        op.create_index(name, table, columns)
    for table in OWNED:
        with op.batch_alter_table(table) as batch:
            if table == "settings":
                batch.drop_constraint(op.f("pk_settings"), type_="primary")
                batch.create_primary_key(op.f("pk_settings"), ["key"])
            batch.drop_constraint(op.f(f"fk_{table}_user_id_users"), type_="foreignkey")
            batch.drop_column("user_id")
    op.drop_index(op.f("ix_pairing_codes_user_id"), table_name="pairing_codes")
    op.drop_table("pairing_codes")
    op.drop_table("invites")
    op.drop_table("login_attempts")
    op.drop_index(op.f("ix_auth_sessions_user_id"), table_name="auth_sessions")
    op.drop_table("auth_sessions")
    op.drop_table("users")
