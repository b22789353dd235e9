"""Stops inside a session ("this hurts"): stored in the session's document, on both databases."""

from __future__ import annotations

from typing import Any

import pytest

from backrelief.store import Database, StoreInputError, export_diary, get_session, start_session
from backrelief.store.stops import add_stop, session_stops

ROUTINE = {"items": [{"technique": "cat-cow", "seconds": 60},
                     {"technique": "knee-rolls", "seconds": 60}], "seconds": 120}


def _start(db: Database) -> int:
    with db.session(write=True) as s:
        return start_session(s, ROUTINE)


def test_stops_are_kept_in_order_with_technique_response_and_choice(db: Database) -> None:
    session_id = _start(db)
    with db.session(write=True) as s:
        add_stop(s, session_id, "cat-cow", "sharp_or_worse", "rest")
    with db.session(write=True) as s:
        add_stop(s, session_id, "knee-rolls", "numbness_tingling", "recheck", stop_id="x-1")
    with db.session() as s:
        record = get_session(s, session_id)
    stops = session_stops(record.routine)
    assert [(x.technique, x.response, x.choice, x.id) for x in stops] == [
        ("cat-cow", "sharp_or_worse", "rest", None),
        ("knee-rolls", "numbness_tingling", "recheck", "x-1")]
    assert all(x.at is not None for x in stops)
    assert record.feedback == {"cat-cow": "stopped", "knee-rolls": "stopped"}
    assert record.routine["items"] == ROUTINE["items"]  # the routine itself is untouched
    with db.session() as s:
        exported = export_diary(s)
    assert "stops" in str(exported)  # the stops travel with the session


def test_the_same_stop_id_is_recorded_once(db: Database) -> None:
    session_id = _start(db)
    for _ in range(3):
        with db.session(write=True) as s:
            add_stop(s, session_id, "cat-cow", "sharp_or_worse", "skip", stop_id="abc")
    with db.session() as s:
        assert len(session_stops(get_session(s, session_id).routine)) == 1


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((999, "cat-cow", "sharp_or_worse", "skip"), "session_id"),
        ((None, "Not An Id", "sharp_or_worse", "skip"), "technique"),
        ((None, "cat-cow", "crack_it", "skip"), "response"),
        ((None, "cat-cow", "sharp_or_worse", "later"), "choice"),
    ],
)
def test_bad_values_name_the_field_and_write_nothing(db: Database, args: tuple[Any, ...],
                                                     field: str) -> None:
    session_id = _start(db)
    target = session_id if args[0] is None else args[0]
    with pytest.raises(StoreInputError) as caught, db.session(write=True) as s:
        add_stop(s, target, *args[1:])
    assert caught.value.field == field
    with db.session() as s:
        record = get_session(s, session_id)
    assert record.routine == ROUTINE and record.feedback == {}


def test_odd_stored_entries_are_skipped_when_read() -> None:
    routine = {"items": [], "stops": [{"response": "sharp_or_worse", "choice": "end",
                                       "at": "not a time"}, "junk", {"choice": "end"}]}
    [stop] = session_stops(routine)
    assert stop.response == "sharp_or_worse" and stop.at is None and stop.technique is None
    assert session_stops(["cat-cow"]) == ()
