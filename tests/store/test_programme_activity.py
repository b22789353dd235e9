"""store.activity on SQLite and PostgreSQL: the walking log, its limits, and forgetting it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from backrelief.store import Database, StoreInputError, forget_everything
from backrelief.store.activity import day_minutes, log_walk, walked_per_day
from backrelief.store.models import ActivityLog
from backrelief.store.scope import UNSCOPED

TODAY = date(2026, 12, 4)


def count(db: Database) -> int:
    """Every user's walks: the scope's safety net would count the owner's only."""
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(ActivityLog)
                            .execution_options(**UNSCOPED)) or 0)


def test_walks_add_up_per_day_and_read_back_in_a_window(db: Database) -> None:
    with db.session(write=True) as s:
        assert log_walk(s, 12, TODAY, today=TODAY) == 12
        assert log_walk(s, 15, TODAY, today=TODAY) == 27
        log_walk(s, 30, date(2026, 12, 1), today=TODAY)
        log_walk(s, 5, date(2026, 11, 20), today=TODAY)
    with db.session() as s:
        assert day_minutes(s, TODAY) == 27 and day_minutes(s, date(2026, 12, 2)) == 0
        assert walked_per_day(s, date(2026, 11, 30), TODAY) == {
            TODAY: 27, date(2026, 12, 1): 30}
        assert len(walked_per_day(s)) == 3


@pytest.mark.parametrize(("minutes", "day", "field"), [
    (0, TODAY, "minutes"), (601, TODAY, "minutes"), (True, TODAY, "minutes"),
    ("20", TODAY, "minutes"), (20, date(2026, 12, 5), "date"), (20, "2026-12-01", "date"),
])
def test_bad_walks_name_the_field_and_store_nothing(db: Database, minutes: object, day: object,
                                                    field: str) -> None:
    with pytest.raises(StoreInputError) as caught, db.session(write=True) as s:
        log_walk(s, minutes, day, today=TODAY)
    assert caught.value.field == field
    assert count(db) == 0


def test_a_day_cannot_hold_more_minutes_than_it_has(db: Database) -> None:
    with db.session(write=True) as s:
        for _ in range(2):
            log_walk(s, 600, TODAY, today=TODAY)
    with pytest.raises(StoreInputError, match="more than a day holds"), \
            db.session(write=True) as s:
        log_walk(s, 300, TODAY, today=TODAY)
    assert count(db) == 2


def test_forget_everything_deletes_the_walking_log(db: Database) -> None:
    with db.session(write=True) as s:
        log_walk(s, 20, TODAY, today=TODAY)
    with db.session(write=True) as s:
        forget_everything(s)
    assert count(db) == 0


def test_each_person_sees_and_forgets_only_their_own_walks(db: Database) -> None:
    from backrelief.store import accounts

    good = "correct horse battery staple"
    with db.session(write=True) as s:
        alice = accounts.create_user(s, "alice", good + " a").id
        bob = accounts.create_user(s, "bob", good + " b").id
    with db.session(write=True, user=alice) as s:
        log_walk(s, 20, TODAY, today=TODAY)
    with db.session(write=True, user=bob) as s:
        assert log_walk(s, 5, TODAY, today=TODAY) == 5  # alice's 20 minutes are not bob's
        assert walked_per_day(s) == {TODAY: 5}
    with db.session(write=True, user=bob) as s:
        forget_everything(s)
    with db.session(user=alice) as s:
        assert walked_per_day(s) == {TODAY: 20}
    assert count(db) == 1
