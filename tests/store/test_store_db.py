"""Opening the database: SQLite pragmas, UTC timestamps, file permissions, bad URLs."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import event, select, text

from backrelief.config import load_config
from backrelief.store import Database, DatabaseUnavailable, add_rating, list_ratings, open_database
from backrelief.store.accounts import owner_id
from backrelief.store.models import PainRating


def test_sqlite_pragmas_make_commits_durable(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path}/d.db")
    try:
        with database.engine.connect() as connection:
            def pragma(name: str) -> object:
                return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

            assert pragma("journal_mode") == "wal"
            assert pragma("synchronous") == 2  # FULL
            assert pragma("foreign_keys") == 1
            assert int(str(pragma("busy_timeout"))) >= 1000
    finally:
        database.close()


def test_sqlite_write_sessions_take_the_write_lock_up_front(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path}/lock.db")
    statements: list[str] = []
    event.listen(database.engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_rest: statements.append(statement))
    try:
        with database.session(write=True) as session:
            add_rating(session, 1)
        with database.session() as session:
            list_ratings(session)
    finally:
        database.close()
    begins = [s for s in statements if s.startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN"]


def test_default_database_is_an_owner_only_file_in_the_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "new" / "data"
    config = load_config({"BACKRELIEF_DATA_DIR": str(data_dir)})
    database = open_database(config=config)
    database.close()
    assert config.sqlite_path == data_dir / "backrelief.db"
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(config.sqlite_path.stat().st_mode) == 0o600


def test_timestamps_come_back_aware_utc_and_equal(db: Database) -> None:
    plus_five = timezone(timedelta(hours=5, minutes=30))
    written = datetime(2024, 3, 31, 1, 30, 15, 123456, tzinfo=plus_five)
    with db.session(write=True) as session:
        add_rating(session, 3, at=written)
    with db.session() as session:
        (rating,) = list_ratings(session)
        raw = session.scalars(select(PainRating.rated_at)).one()
    assert rating.at == written
    assert rating.at.tzinfo == UTC
    assert raw.utcoffset() == timedelta(0)
    assert rating.at.isoformat() == "2024-03-30T20:00:15.123456+00:00"


def test_naive_timestamps_are_refused_by_the_column_type(db: Database) -> None:
    with pytest.raises(Exception, match="timezone-aware"), db.session(write=True) as session:
        session.add(PainRating(rated_at=datetime(2024, 1, 1), pain=1, kind="daily"))  # noqa: DTZ001
        session.flush()


def test_ordering_by_time_is_chronological_across_offsets(db: Database) -> None:
    base = datetime(2024, 6, 1, 12, tzinfo=UTC)
    times = [
        base.astimezone(timezone(timedelta(hours=-8))),
        (base + timedelta(minutes=1)).astimezone(timezone(timedelta(hours=9))),
        base - timedelta(seconds=1),
    ]
    with db.session(write=True) as session:
        for pain, when in enumerate(times):
            add_rating(session, pain, at=when)
    with db.session() as session:
        assert [r.pain for r in list_ratings(session)] == [2, 0, 1]


def test_a_failed_transaction_writes_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session(write=True) as session:
        add_rating(session, 4)
        raise RuntimeError("crash before commit")
    with db.session() as session:
        assert list_ratings(session) == []


def test_sqlite_foreign_keys_are_enforced(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path}/fk.db")
    try:
        with pytest.raises(Exception, match="FOREIGN KEY"), database.session(write=True) as s:
            s.execute(text(
                "INSERT INTO pain_ratings (user_id, rated_at, pain, kind, session_id) "
                "VALUES ((SELECT id FROM users), '2024-01-01 00:00:00.000000', 1, 'daily', 42)"
            ))
    finally:
        database.close()


def test_check_constraints_guard_the_data_even_without_the_api(db: Database) -> None:
    with pytest.raises(Exception, match=r"(?i)check"), db.session(write=True) as session:
        session.add(PainRating(user_id=owner_id(session), rated_at=datetime.now(UTC), pain=11,
                               kind="daily"))
        session.flush()


def test_unusable_url_is_reported_in_one_line() -> None:
    with pytest.raises(DatabaseUnavailable, match="unusable database URL"):
        open_database("nosuchdialect://x/y")


def test_unreachable_postgres_is_reported_without_the_password() -> None:
    with pytest.raises(DatabaseUnavailable) as caught:
        open_database("postgresql+psycopg://alice:s3cret@127.0.0.1:1/nothing?connect_timeout=2")
    message = str(caught.value)
    assert "s3cret" not in message
    assert "\n" not in message
    assert message.startswith("cannot open postgresql+psycopg://alice:***@127.0.0.1:1/nothing")
