"""Sessions, per-technique feedback and the techniques flagged for the planner to avoid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from backrelief.store import (
    Database,
    StoreInputError,
    add_feedback,
    add_rating,
    finish_session,
    flagged_techniques,
    get_session,
    list_ratings,
    list_sessions,
    record_screen,
    session_outcomes,
    start_session,
)
from backrelief.store.sessions import routine_techniques
from backrelief.store.transfer import forget_everything

ROUTINE = {
    "items": [
        {"technique": "cat-cow", "seconds": 60},
        {"technique": "knee-rolls", "seconds": 60},
        {"technique": "bridge", "seconds": 90},
    ],
    "seconds": 210,
}


def _session(db: Database, before: int, after: int, feedback: dict[str, str] | None = None,
             *, started: datetime | None = None) -> int:
    with db.session(write=True) as session:
        session_id = start_session(session, ROUTINE, started_at=started)
        add_rating(session, before, kind="before", session_id=session_id, at=started)
        for technique, verdict in (feedback or {}).items():
            add_feedback(session, session_id, technique, verdict)
        add_rating(session, after, kind="after", session_id=session_id)
        finish_session(session, session_id, completed=True)
    return session_id


def test_a_whole_session_is_recorded(db: Database) -> None:
    with db.session(write=True) as session:
        screen_id = record_screen(session, answers={"pain_now": 4}, tier="self_care",
                                  exercise_allowed=True)
        session_id = start_session(session, ROUTINE, screen_id=screen_id)
        add_rating(session, 4, kind="before", session_id=session_id)
        add_feedback(session, session_id, "cat-cow", "better")
        add_feedback(session, session_id, "knee-rolls", "same")
        add_feedback(session, session_id, "knee-rolls", "worse")  # a second answer replaces
        add_rating(session, 3, kind="after", session_id=session_id)
        finish_session(session, session_id, False, "this hurts: knee-rolls")
    with db.session() as session:
        record = get_session(session, session_id)
        (outcome,) = session_outcomes(session)
    assert record.routine == ROUTINE
    assert record.techniques == ("cat-cow", "knee-rolls", "bridge")
    assert record.completed is False and record.stop_reason == "this hurts: knee-rolls"
    assert record.screen_id == screen_id
    assert record.ended_at is not None and record.ended_at >= record.started_at
    assert record.feedback == {"cat-cow": "better", "knee-rolls": "worse"}
    assert (outcome.pain_before, outcome.pain_after, outcome.pain_change) == (4, 3, -1)


def test_pain_rise_of_two_flags_the_technique_rated_worse(db: Database) -> None:
    _session(db, 3, 5, {"cat-cow": "better", "bridge": "worse"})
    with db.session() as session:
        assert flagged_techniques(session) == {"bridge"}


def test_pain_rise_without_feedback_flags_the_whole_routine(db: Database) -> None:
    _session(db, 2, 6)
    with db.session() as session:
        assert flagged_techniques(session) == {"cat-cow", "knee-rolls", "bridge"}


def test_a_rise_of_one_flags_nothing(db: Database) -> None:
    _session(db, 3, 4, {"bridge": "worse"})
    with db.session() as session:
        assert flagged_techniques(session) == set()


def test_a_later_good_session_clears_the_flag(db: Database) -> None:
    earlier = datetime.now(UTC) - timedelta(days=2)
    _session(db, 3, 6, {"bridge": "worse"}, started=earlier)
    _session(db, 4, 3)
    with db.session() as session:
        assert flagged_techniques(session) == set()


BAD_SESSION_CALLS: list[tuple[str, dict[str, Any], str]] = [
    ("finish", {"session_id": 999, "completed": True}, "session_id"),
    ("finish", {"completed": "yes"}, "completed"),
    ("finish", {"completed": False, "stop_reason": "x" * 201}, "stop_reason"),
    ("finish", {"completed": True, "ended_at": datetime(2000, 1, 1, tzinfo=UTC)}, "ended_at"),
    ("feedback", {"technique_id": "Cat Cow", "verdict": "worse"}, "technique_id"),
    ("feedback", {"technique_id": "cat-cow", "verdict": "awful"}, "verdict"),
    ("feedback", {"session_id": 999, "technique_id": "cat-cow", "verdict": "same"}, "session_id"),
    ("start", {"routine": {"bad": float("nan")}}, "routine"),
    ("start", {"routine": ROUTINE, "screen_id": 999}, "screen_id"),
    ("start", {"routine": ROUTINE, "started_at": datetime.now(UTC) + timedelta(hours=1)},
     "started_at"),
]


@pytest.mark.parametrize(("call", "kwargs", "field"), BAD_SESSION_CALLS)
def test_bad_session_values_are_refused(db: Database, call: str, kwargs: dict[str, Any],
                                        field: str) -> None:
    with db.session(write=True) as session:
        session_id = start_session(session, ROUTINE)
    arguments = {"session_id": session_id, **kwargs}
    with pytest.raises(StoreInputError) as caught, db.session(write=True) as session:
        if call == "finish":
            finish_session(session, **arguments)
        elif call == "feedback":
            add_feedback(session, **arguments)
        else:
            arguments.pop("session_id")
            start_session(session, **arguments)
    assert caught.value.field == field
    with db.session() as session:
        (record,) = list_sessions(session)
        assert record.ended_at is None and record.feedback == {}


def test_deleting_sessions_cascades_to_their_ratings_and_feedback(db: Database) -> None:
    _session(db, 3, 6, {"bridge": "worse"})
    with db.session(write=True) as session:
        forget_everything(session)
    with db.session() as session:
        assert list_sessions(session) == [] and list_ratings(session) == []


@pytest.mark.parametrize(("routine", "expected"), [
    (ROUTINE, ("cat-cow", "knee-rolls", "bridge")),
    ([{"technique": "bridge"}, {"technique": "bridge"}], ("bridge",)),
    (["cat-cow", "bird-dog"], ("cat-cow", "bird-dog")),
    ({"something": "else"}, ()),
    ("not a routine", ()),
])
def test_routine_techniques_reads_the_planner_shape(routine: Any,
                                                    expected: tuple[str, ...]) -> None:
    assert routine_techniques(routine) == expected
