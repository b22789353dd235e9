"""Alembic migrations on SQLite and PostgreSQL: from empty, down, and up again."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from backrelief.store import add_rating, list_ratings, open_database
from backrelief.store.db import create_database_engine
from backrelief.store.migrate import (
    MIGRATIONS_DIR,
    SCHEMA_REVISION,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
)
from backrelief.store.models import Base

TABLES = {"screens", "sessions", "pain_ratings", "technique_feedback", "settings",
          "programmes", "programme_sessions", "programme_checkins", "activity_logs",
          "users", "auth_sessions", "login_attempts", "invites", "pairing_codes"}


def _tables(url: str) -> set[str]:
    engine = create_database_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_fast_path_revision_matches_the_scripts() -> None:
    # open_database() skips Alembic when alembic_version says SCHEMA_REVISION; it must be head.
    assert head_revision() == SCHEMA_REVISION


def test_migrations_ship_inside_the_package() -> None:
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert (MIGRATIONS_DIR / "script.py.mako").is_file()
    assert any((MIGRATIONS_DIR / "versions").glob("rev_*.py"))


def test_upgrade_from_empty_then_down_then_up_again(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        assert current_revision(engine) is None
        assert _tables(database_url) == set()
        upgrade(engine)
        assert current_revision(engine) == SCHEMA_REVISION
        assert _tables(database_url) == TABLES
        downgrade(engine, "base")
        assert current_revision(engine) is None
        assert _tables(database_url) == set()
        upgrade(engine)
        assert current_revision(engine) == SCHEMA_REVISION
        assert _tables(database_url) == TABLES
    finally:
        engine.dispose()


def test_models_match_the_migrated_schema(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_open_database_migrates_automatically_and_only_once(database_url: str) -> None:
    first = open_database(database_url)
    try:
        with first.session(write=True) as session:
            add_rating(session, 5)
    finally:
        first.close()
    second = open_database(database_url)
    try:
        with second.session() as session:
            assert [r.pain for r in list_ratings(session)] == [5]
        assert current_revision(second.engine) == SCHEMA_REVISION
    finally:
        second.close()


def test_two_processes_opening_a_new_database_at_once(tmp_path: Path) -> None:
    # Threads stand in for processes: each opens its own engine on the same new file.
    url = f"sqlite:///{tmp_path}/race.db"
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def opener() -> None:
        try:
            barrier.wait()
            open_database(url).close()
        except BaseException as exc:  # collected and reported below
            errors.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _tables(url) == TABLES


def _rating_columns(url: str) -> set[str]:
    engine = create_database_engine(url)
    try:
        return {column["name"] for column in inspect(engine).get_columns("pain_ratings")}
    finally:
        engine.dispose()


def test_0002_adds_spread_keeping_old_ratings_as_not_spread(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        upgrade(engine, "0001")
        assert "spread" not in _rating_columns(database_url)
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO pain_ratings (rated_at, pain, kind) "
                    "VALUES ('2026-11-01 08:00:00+00:00', 6, 'daily')"
                )
            )
        upgrade(engine, "0002")
        assert current_revision(engine) == "0002"
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT pain, spread FROM pain_ratings")).all()
        assert [(row[0], bool(row[1])) for row in rows] == [(6, False)]
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO pain_ratings (rated_at, pain, kind, spread) "
                    "VALUES ('2026-11-02 08:00:00+00:00', 7, 'daily', :spread)"
                ),
                {"spread": True},
            )
        downgrade(engine, "0001")
        assert current_revision(engine) == "0001"
        assert "spread" not in _rating_columns(database_url)
        with engine.connect() as connection:
            pains = connection.execute(text("SELECT pain FROM pain_ratings ORDER BY pain")).all()
        assert [row[0] for row in pains] == [6, 7]
        upgrade(engine)
        assert "spread" in _rating_columns(database_url)
    finally:
        engine.dispose()
