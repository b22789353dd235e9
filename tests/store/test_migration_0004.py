"""Revision 0004: the indexes the windowed diary reads use, up and down on both databases."""

from __future__ import annotations

from sqlalchemy import inspect

from backrelief.store.db import create_database_engine
from backrelief.store.migrate import current_revision, downgrade, upgrade

NEW = {
    "pain_ratings": {"ix_pain_ratings_kind_rated_at", "ix_pain_ratings_rated_at_kind_pain"},
    "sessions": {"ix_sessions_ended_at"},
}


def _indexes(engine: object) -> dict[str, set[str]]:
    inspector = inspect(engine)
    return {table: {ix["name"] for ix in inspector.get_indexes(table) if ix["name"]}
            for table in NEW}


def test_0004_adds_the_read_indexes_and_removes_them_again(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        upgrade(engine, "0003")
        before = _indexes(engine)
        assert all(not (before[table] & names) for table, names in NEW.items())
        upgrade(engine, "0004")
        assert current_revision(engine) == "0004"
        after = _indexes(engine)
        assert all(names <= after[table] for table, names in NEW.items())
        downgrade(engine, "0003")
        assert _indexes(engine) == before
    finally:
        engine.dispose()
