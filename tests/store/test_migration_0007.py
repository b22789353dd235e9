"""Revision 0007: the per-day rating totals, filled from the ratings already in the diary, up
and down on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect, text

from backrelief.store.db import create_database_engine
from backrelief.store.migrate import downgrade, upgrade
from backrelief.store.migrations.versions import rev_0007_rating_days

BEFORE = rev_0007_rating_days.down_revision or ""


def test_0007_fills_the_day_totals_from_existing_ratings(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        upgrade(engine, BEFORE)
        late = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # one UTC day, whatever the server's
        rows = [(datetime(2026, 3, 1, 8, tzinfo=UTC), 4, "daily"), (late, 9, "daily"),
                (datetime(2026, 3, 1, 12, tzinfo=UTC), 2, "after"),
                (datetime(2026, 3, 2, 0, 30, tzinfo=UTC), 6, "daily")]
        sqlite = engine.dialect.name == "sqlite"
        with engine.begin() as connection:
            owner = connection.execute(text("SELECT id FROM users")).scalar_one()  # 0006's
            for at, pain, kind in rows:
                connection.execute(
                    text("INSERT INTO pain_ratings (user_id, rated_at, pain, kind, spread) "
                         "VALUES (:user, :at, :pain, :kind, false)"),
                    {"user": owner, "at": at.replace(tzinfo=None) if sqlite else at,
                     "pain": pain, "kind": kind})
        upgrade(engine, "0007")
        with engine.connect() as connection:
            totals = {(str(day), kind): (n, total, low, high)
                      for user, day, kind, n, total, low, high in connection.execute(text(
                          "SELECT user_id, day, kind, ratings, pain_sum, pain_min, pain_max "
                          "FROM rating_days")) if user == owner}
        assert totals == {("2026-03-01", "daily"): (2, 13, 4, 9),
                          ("2026-03-01", "after"): (1, 2, 2, 2),
                          ("2026-03-02", "daily"): (1, 6, 6, 6)}
        downgrade(engine, BEFORE)
        assert "rating_days" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
