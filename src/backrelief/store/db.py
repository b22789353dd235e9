"""Opening the diary database: engine, SQLite pragmas, sessions, automatic migration.

``open_database()`` reads the configuration (``backrelief.config``), creates the engine, brings
the schema to the current Alembic revision and returns a :class:`Database`. Use
``with db.session() as s:`` for reads and ``with db.session(write=True) as s:`` for writes; the
block is one transaction, committed when it ends without an exception.

SQLite settings, chosen so that an acknowledged write survives the process being killed:

* ``journal_mode=WAL``: readers do not block the writer, and a commit is one append to the
  write-ahead log;
* ``synchronous=FULL``: the log is fsynced at every commit, so a commit that returned is on
  disk even if the machine loses power, not only when the process is killed (``NORMAL`` would
  survive SIGKILL but not a power cut; a diary writes a few rows a day, so the fsync is cheap);
* ``foreign_keys=ON``: SQLite leaves it off by default, and the diary relies on cascades;
* ``busy_timeout``: a second process (the web app beside the CLI) waits for the lock instead of
  failing at once.

Python's ``sqlite3`` module (before 3.12) does not emit ``BEGIN`` for SELECT or DDL, so
transactions and migrations would not be atomic. We take over as the SQLAlchemy documentation
recommends: the driver's own transaction handling is switched off and we emit ``BEGIN``
ourselves. Write sessions emit ``BEGIN IMMEDIATE`` to take the write lock up front: a deferred
transaction that reads and then writes can fail with "database is locked" at once, without
waiting, when another process committed in between.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session

from backrelief.config import Config, load_config, normalise_database_url
from backrelief.store.errors import DatabaseUnavailable

IMMEDIATE_OPTION = "backrelief_begin_immediate"
BUSY_TIMEOUT_MS = 10_000
# PostgreSQL defaults, unless the URL sets its own: a server that accepts the connection and
# never answers hung the CLI for ever (issue 15). Seconds to connect; a statement may take a
# minute (the diary's statements take milliseconds; an import of years is many small ones).
PG_CONNECT_TIMEOUT_S = 10
PG_STATEMENT_TIMEOUT_MS = 60_000
# Database(default_user=OWNER): a session that names no user acts as the owner account (the
# CLI, and the web app on loopback without accounts). None: it acts as nobody, and any diary
# read or write in it raises store.scope.NoUserScope (the web app with accounts on).
OWNER: Final = "owner"
DefaultUser = int | Literal["owner"] | None


@dataclass
class Database:
    """An engine plus the transaction helpers every caller uses."""

    engine: Engine
    default_user: DefaultUser = OWNER
    _writer: Engine = field(init=False, repr=False)
    # One writer at a time by design (issue 16): SQLite has a single write lock, and threads
    # that race for it queue in its busy handler, which sleeps with back-off (a write's p99 was
    # 2.2 s at 32 clients). Writers of this process wait on this lock instead, which wakes the
    # next one as soon as the last commits; the busy timeout remains for other processes.
    _write_lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        # Same pool and events; only the option that makes the SQLite BEGIN immediate differs.
        self._writer = self.engine.execution_options(**{IMMEDIATE_OPTION: True})

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def session(self, write: bool = False, *, user: int | None = None) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on an exception.

        Every repository function in it reads and writes only ``user``'s rows (``store.scope``);
        without ``user``, the database's ``default_user``. A session that names nobody can
        still use ``store.accounts`` (logging in happens before anyone is known).

        A fault of the database itself (read-only file, disk full, server gone, a statement
        timeout) is a :class:`DatabaseUnavailable` with a one-line message; nothing was written.
        """
        from backrelief.store.scope import OWNER_DEFAULT_KEY, USER_KEY, ScopedSession

        bind = self._writer if write else self.engine
        serial = self._write_lock if write and self.dialect == "sqlite" else nullcontext()
        scope = user if user is not None else self.default_user
        if isinstance(scope, bool) or not (scope is None or scope == OWNER
                                           or isinstance(scope, int)):
            raise TypeError(f"user must be a user id, got {scope!r}")
        try:
            with serial, ScopedSession(bind, expire_on_commit=False) as session:
                if scope == OWNER:
                    session.info[OWNER_DEFAULT_KEY] = True
                elif scope is not None:
                    session.info[USER_KEY] = scope
                with session.begin():
                    yield session
        except OperationalError as exc:
            raise DatabaseUnavailable(
                f"{describe_url(self.engine.url)}: {_one_line(exc)}") from None

    def compact(self) -> None:
        """Rewrite a SQLite file so deleted rows leave no trace in it or its log.

        Called after ``forget``: without it, deleted health data can linger in free pages and in
        the write-ahead log. PostgreSQL reclaims space itself; nothing to do there.
        """
        if self.dialect != "sqlite":
            return
        # VACUUM cannot run in a transaction, and SQLAlchemy always begins one: use the driver
        # connection directly (its own transaction handling is off, see _on_sqlite_connect).
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.close()
        finally:
            raw.close()

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see module docstring)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Any) -> None:
    immediate = connection.get_execution_options().get(IMMEDIATE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _pg_timeouts(url: URL) -> dict[str, Any]:
    """libpq's ``connect_timeout`` and a ``statement_timeout``, where ``url`` sets neither.

    ``connect_args`` replace the URL's own parameters of the same name, so a URL's
    ``options`` (the tests' ``search_path``) are kept and the timeout is added to them.
    """
    args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    options = url.query.get("options", "")
    options = " ".join(options) if isinstance(options, tuple) else options
    if "statement_timeout" not in options:
        args["options"] = f"{options} -c statement_timeout={PG_STATEMENT_TIMEOUT_MS}".strip()
    return args


def create_database_engine(url: str | URL) -> Engine:
    """An engine for ``url`` with backrelief's settings (SQLite pragmas and BEGIN handling)."""
    try:
        parsed = make_url(normalise_database_url(str(url)) if isinstance(url, str) else url)
        connect_args = _pg_timeouts(parsed) if parsed.get_backend_name() == "postgresql" else {}
        engine = create_engine(parsed, pool_pre_ping=parsed.get_backend_name() != "sqlite",
                               connect_args=connect_args)
    except (ArgumentError, ImportError, ValueError) as exc:
        raise DatabaseUnavailable(f"unusable database URL: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _prepare_sqlite_file(path: Path) -> None:
    """Create the data directory and an empty database file readable by the owner only."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        # SQLite creates its -wal and -shm files with the database file's permissions.
        descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(descriptor)


def _one_line(exc: DBAPIError) -> str:
    """The driver's message on one line (no SQL, no parameters: they may hold health data)."""
    return " ".join(str(exc.orig).split()) if exc.orig is not None else type(exc).__name__


def describe_url(url: str | URL) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(str(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def open_database(
    url: str | None = None, *, config: Config | None = None, migrate: bool = True,
    default_user: DefaultUser = OWNER,
) -> Database:
    """Open the configured diary database and migrate it to the current schema.

    ``url`` overrides the configuration. ``default_user``: whom a session that names no user
    acts as (:data:`OWNER` for the CLI; None for the web app with accounts on). The default
    SQLite file and its directory are created on first use, readable by the owner only: the
    diary is health data.
    """
    if url is None:
        config = config or load_config()
        url = config.database_url
        if config.sqlite_path is not None:
            try:
                _prepare_sqlite_file(config.sqlite_path)
            except OSError as exc:
                raise DatabaseUnavailable(
                    f"cannot create {config.sqlite_path}: {exc.strerror or exc}"
                ) from None
    database = Database(create_database_engine(url), default_user=default_user)
    if migrate:
        from backrelief.store.migrate import ensure_schema

        try:
            ensure_schema(database.engine)
        except DBAPIError as exc:
            database.close()
            raise DatabaseUnavailable(f"cannot open {describe_url(url)}: {_one_line(exc)}") from None
        except BaseException:
            database.close()
            raise
    return database
