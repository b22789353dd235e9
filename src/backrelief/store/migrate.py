"""Schema migrations: Alembic, run from code so an installed wheel can migrate itself.

The revisions live in ``migrations/versions/`` inside the package. ``open_database()`` calls
:func:`ensure_schema`, which reads ``alembic_version`` with one cheap query and runs
``upgrade head`` only when the database is behind: on first open, and after an upgrade of
backrelief. The upgrade runs in one transaction, under a lock (``BEGIN IMMEDIATE`` on SQLite,
an advisory lock on PostgreSQL), so two processes opening a new database at once cannot both
migrate it, and a failed migration leaves the schema as it was.

From a checkout, ``python -m backrelief.store.migrate [upgrade|downgrade REV|current]`` runs the
same code against the configured database.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The head revision this code expects. A test checks it against the scripts, so the fast path
# below never skips a migration; update it with every new revision.
SCHEMA_REVISION = "0008"
VERSION_TABLE = "alembic_version"
# pg_advisory_xact_lock key: any constant unique to backrelief ("BKRLF" as a number).
_PG_LOCK_KEY = 0x424B524C46


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for the shipped migrations (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        revision = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
        return None if revision is None else str(revision)


def ensure_schema(engine: Engine) -> None:
    """Upgrade the database to the head revision unless it is already there."""
    if current_revision(engine) != SCHEMA_REVISION:
        upgrade(engine)


def _run_locked(engine: Engine, command_name: str, revision: str) -> None:
    from alembic import command
    from alembic.util import CommandError

    from backrelief.store.db import IMMEDIATE_OPTION
    from backrelief.store.errors import SchemaError

    with engine.connect() as connection:
        connection.execution_options(**{IMMEDIATE_OPTION: True})
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite's documented procedure for rebuilding a table (lang_altertable.html,
            # "Making Other Kinds Of Table Schema Changes"): foreign keys off, outside any
            # transaction, so dropping the old copy of a parent table cascades nowhere; every
            # key is checked before the commit instead. On the driver connection: a statement
            # through SQLAlchemy would begin a transaction first, where the pragma does nothing.
            connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                "PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                       {"key": _PG_LOCK_KEY})
                config = alembic_config(connection)
                try:
                    if command_name == "upgrade":
                        command.upgrade(config, revision)
                    else:
                        command.downgrade(config, revision)
                except CommandError as exc:
                    raise SchemaError(
                        f"cannot {command_name} the database schema to {revision}: {exc}. "
                        f"The revisions this version knows end at {SCHEMA_REVISION}; is the "
                        "database from a newer version of backrelief?"
                    ) from None
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise SchemaError(
                            f"cannot {command_name} the database schema to {revision}: a row "
                            f"of {broken[0]} refers to a missing row of {broken[2]}")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                    "PRAGMA foreign_keys = ON")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to ``revision`` (default: the newest)."""
    _run_locked(engine, "upgrade", revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database down to ``revision`` (``base`` drops every table)."""
    _run_locked(engine, "downgrade", revision)


def head_revision() -> str:
    """The newest revision among the shipped migration scripts."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise RuntimeError("no migration scripts found")
    return head


def main(argv: list[str] | None = None) -> int:
    """``python -m backrelief.store.migrate [upgrade [REV] | downgrade REV | current]``."""
    from backrelief.config import ConfigError
    from backrelief.store.db import open_database
    from backrelief.store.errors import StoreError

    args = sys.argv[1:] if argv is None else argv
    action = args[0] if args else "upgrade"
    if action not in ("upgrade", "downgrade", "current") or len(args) > 2 or (
            action == "downgrade" and len(args) != 2):
        print("usage: python -m backrelief.store.migrate [upgrade [REV]|downgrade REV|current]",
              file=sys.stderr)
        return 2
    try:
        database = open_database(migrate=False)
    except (ConfigError, StoreError) as exc:
        print(f"migrate: error: {exc}", file=sys.stderr)
        return 1
    try:
        if action == "upgrade":
            upgrade(database.engine, args[1] if len(args) > 1 else "head")
        elif action == "downgrade":
            downgrade(database.engine, args[1])
        print(current_revision(database.engine) or "(empty)")
        return 0
    except StoreError as exc:  # an unknown revision, a database that fails: one line
        print(f"migrate: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    finally:
        database.close()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
