"""Revision 0006 (accounts): today's rows go to an owner account, up and down, with data."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, text

from backrelief.store.db import Database, create_database_engine
from backrelief.store.migrate import current_revision, downgrade, upgrade

ROWS = {
    "screens": "INSERT INTO screens (taken_at, tier, exercise_allowed, answers, reasons) "
               "VALUES ('2026-11-01 08:00:00+00:00', 'self_care', :yes, '{}', '[]')",
    "sessions": "INSERT INTO sessions (started_at, routine, screen_id) "
                "VALUES ('2026-11-01 08:05:00+00:00', '{\"items\": []}', 1)",
    "pain_ratings": "INSERT INTO pain_ratings (rated_at, pain, kind, session_id, spread) "
                    "VALUES ('2026-11-01 08:06:00+00:00', 6, 'before', 1, :no)",
    "technique_feedback": "INSERT INTO technique_feedback (session_id, technique_id, verdict, "
                          "recorded_at) VALUES (1, 'cat-cow', 'better', "
                          "'2026-11-01 08:20:00+00:00')",
    "settings": "INSERT INTO settings (key, value, updated_at) "
                "VALUES ('region', '\"lower\"', '2026-11-01 08:00:00+00:00')",
    "programmes": "INSERT INTO programmes (created_at, start_date, weeks, days, at_time, "
                  "profile, status, calendar_token) VALUES ('2026-11-01 08:00:00+00:00', "
                  "'2026-11-02', 4, '[1, 3]', '07:30', '{}', 'active', "
                  "'tok-0123456789abcdefghij')",
    "programme_sessions": "INSERT INTO programme_sessions (programme_id, session_id, day) "
                          "VALUES (1, 1, '2026-11-02')",
}


def _count(engine: Engine, table: str, where: str = "") -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(f"SELECT COUNT(*) FROM {table} {where}")).scalar_one())


@pytest.fixture
def engine_at_0005(database_url: str) -> Engine:
    engine = create_database_engine(database_url)
    upgrade(engine, "0005")
    with engine.begin() as connection:
        for statement in ROWS.values():
            connection.execute(text(statement), {"yes": True, "no": False})
    return engine


def test_upgrade_gives_every_row_to_a_new_owner_account(engine_at_0005: Engine) -> None:
    engine = engine_at_0005
    try:
        upgrade(engine, "0006")
        assert current_revision(engine) == "0006"
        with engine.connect() as connection:
            users = connection.execute(text("SELECT id, name, role, password_hash FROM users")).all()
        assert [(name, role, hashed) for _, name, role, hashed in users] == [
            ("owner", "owner", None)]
        owner = users[0][0]
        for table in ("screens", "sessions", "pain_ratings", "settings", "programmes"):
            assert _count(engine, table) == 1
            assert _count(engine, table, f"WHERE user_id = {owner}") == 1
        # Nothing below them was lost to a cascade while the tables were rebuilt.
        assert _count(engine, "technique_feedback") == 1
        assert _count(engine, "programme_sessions") == 1
        columns = {c["name"]: c for c in inspect(engine).get_columns("pain_ratings")}
        assert columns["user_id"]["nullable"] is False
        assert inspect(engine).get_pk_constraint("settings")["constrained_columns"] == [
            "user_id", "key"]
        # The owner reads its diary through the store as before.
        database = Database(engine)
        from backrelief.store import all_settings, list_ratings

        with database.session() as s:
            assert [r.pain for r in list_ratings(s)] == [6]
            assert all_settings(s) == {"region": "lower"}
    finally:
        engine.dispose()


def test_downgrade_keeps_the_owner_rows_and_drops_the_other_users(engine_at_0005: Engine) -> None:
    engine = engine_at_0005
    try:
        upgrade(engine, "0006")
        database = Database(engine)
        from backrelief.store import add_rating, set_setting, start_session
        from backrelief.store.accounts import create_user

        with database.session(write=True) as s:
            bob = create_user(s, "bob", None)
        with database.session(write=True, user=bob.id) as s:
            session_id = start_session(s, {"items": []})
            add_rating(s, 2, kind="before", session_id=session_id)
            set_setting(s, "region", "upper")  # the same key as the owner's: one per user now
        assert _count(engine, "pain_ratings") == 2
        downgrade(engine, "0005")
        assert current_revision(engine) == "0005"
        assert "users" not in inspect(engine).get_table_names()
        assert "user_id" not in {c["name"] for c in inspect(engine).get_columns("sessions")}
        with engine.connect() as connection:
            assert connection.execute(text("SELECT pain FROM pain_ratings")).scalars().all() == [6]
            assert connection.execute(text("SELECT key FROM settings")).scalars().all() == [
                "region"]
        assert _count(engine, "technique_feedback") == 1
        assert _count(engine, "programme_sessions") == 1
        upgrade(engine)
        assert _count(engine, "pain_ratings", "WHERE user_id = (SELECT id FROM users)") == 1
    finally:
        engine.dispose()
