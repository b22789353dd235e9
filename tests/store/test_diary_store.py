"""Pain ratings in the store: what is accepted, what is refused, and that refusals write nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from backrelief.store import (
    Database,
    StoreInputError,
    add_rating,
    count_ratings,
    delete_rating,
    diary_advice,
    list_ratings,
    record_screen,
    start_session,
)

NOW = datetime.now(UTC)


def test_add_and_list_a_rating(db: Database) -> None:
    with db.session(write=True) as session:
        record = add_rating(session, 6, kind="daily", where="lower back, left side")
    assert record.id >= 1 and record.pain == 6 and record.kind == "daily"
    assert record.at.tzinfo == UTC and abs(record.at - datetime.now(UTC)) < timedelta(minutes=1)
    with db.session() as session:
        assert list_ratings(session) == [record]
        assert count_ratings(session) == 1


def test_before_and_after_ratings_belong_to_a_session(db: Database) -> None:
    with db.session(write=True) as session:
        session_id = start_session(session, {"items": [{"technique": "cat-cow"}]})
        add_rating(session, 5, kind="before", session_id=session_id)
        add_rating(session, 3, kind="after", session_id=session_id)
        add_rating(session, 4)
    with db.session() as session:
        linked = list_ratings(session, session_id=session_id)
    assert [(r.kind, r.pain) for r in linked] == [("before", 5), ("after", 3)]


def test_limit_keeps_the_most_recent_oldest_first(db: Database) -> None:
    with db.session(write=True) as session:
        for day in range(5):
            add_rating(session, day, at=NOW - timedelta(days=5 - day))
    with db.session() as session:
        assert [r.pain for r in list_ratings(session, limit=2)] == [3, 4]
        assert [r.pain for r in list_ratings(session, since=NOW - timedelta(days=3))] == [2, 3, 4]


BAD_RATINGS: list[tuple[dict[str, Any], str]] = [
    ({"pain": 11}, "pain"),
    ({"pain": -1}, "pain"),
    ({"pain": True}, "pain"),
    ({"pain": 4.5}, "pain"),
    ({"pain": "4"}, "pain"),
    ({"pain": 3, "kind": "weekly"}, "kind"),
    ({"pain": 3, "at": datetime(2024, 1, 1)}, "at"),  # noqa: DTZ001 - naive on purpose
    ({"pain": 3, "at": NOW + timedelta(days=1)}, "at"),
    ({"pain": 3, "at": datetime(1960, 1, 1, tzinfo=UTC)}, "at"),
    ({"pain": 3, "at": "2024-01-01T00:00Z"}, "at"),
    ({"pain": 3, "where": "x" * 81}, "where"),
    ({"pain": 3, "where": "line one\nline two"}, "where"),
    ({"pain": 3, "session_id": 999}, "session_id"),
    ({"pain": 3, "spread": "yes"}, "spread"),
    ({"pain": 3, "spread": 1}, "spread"),
    ({"pain": 3, "spread": None}, "spread"),
]


@pytest.mark.parametrize(("kwargs", "field"), BAD_RATINGS)
def test_bad_ratings_are_refused_naming_the_field(
    db: Database, kwargs: dict[str, Any], field: str
) -> None:
    options = dict(kwargs)
    pain = options.pop("pain")
    with pytest.raises(StoreInputError) as caught, db.session(write=True) as session:
        add_rating(session, pain, **options)
    assert caught.value.field == field
    with db.session() as session:
        assert count_ratings(session) == 0


def test_a_refusal_mid_transaction_rolls_back_earlier_writes(db: Database) -> None:
    with pytest.raises(StoreInputError), db.session(write=True) as session:
        add_rating(session, 2)
        add_rating(session, 12)
    with db.session() as session:
        assert count_ratings(session) == 0


def test_blank_where_is_stored_as_nothing(db: Database) -> None:
    with db.session(write=True) as session:
        assert add_rating(session, 1, where="   ").where is None


def test_delete_a_mistyped_rating(db: Database) -> None:
    with db.session(write=True) as session:
        record = add_rating(session, 9)
    with db.session(write=True) as session:
        assert delete_rating(session, record.id) is True
        assert delete_rating(session, record.id) is False
        assert count_ratings(session) == 0


def test_a_rating_can_say_the_pain_has_spread(db: Database) -> None:
    with db.session(write=True) as session:
        spread = add_rating(session, 6, spread=True)
        plain = add_rating(session, 5)
    assert spread.spread is True and plain.spread is False
    with db.session() as session:
        stored = list_ratings(session)
    assert [(r.pain, r.spread) for r in stored] == [(6, True), (5, False)]
    assert stored[0].as_dict()["spread"] is True
    assert stored[0].as_progress().spread is True


def test_a_spread_rating_changes_the_advice(db: Database) -> None:
    with db.session(write=True) as session:
        add_rating(session, 4, at=NOW - timedelta(days=2))
        add_rating(session, 4, at=NOW - timedelta(days=1), spread=True)
    with db.session() as session:
        advice = diary_advice(session)
    assert advice.tier == "see_professional"
    assert "spreading" in {reason.rule for reason in advice.reasons}


def test_the_screens_duration_starts_the_episode_clock(db: Database) -> None:
    with db.session(write=True) as session:
        record_screen(session, answers={"duration_weeks": 3}, tier="self_care",
                      exercise_allowed=True, reasons=[], taken_at=NOW - timedelta(days=2))
        add_rating(session, 5, at=NOW - timedelta(days=2))
        add_rating(session, 5, at=NOW - timedelta(days=1))
    with db.session() as session:
        advice = diary_advice(session)
    assert "no_improvement_14_days" in {reason.rule for reason in advice.reasons}
