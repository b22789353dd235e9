"""Safety-screen results in the store, and how the latest one reaches the advice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from backrelief.core.screening import evaluate
from backrelief.store import (
    Database,
    StoreInputError,
    add_rating,
    diary_advice,
    get_screen,
    latest_screen,
    list_screens,
    record_result,
    record_screen,
)

EMERGENCY_REASON = {
    "rule": "cauda_equina",
    "question": ["saddle_numbness"],
    "tier": "emergency",
    "text": "Numbness between the legs can mean pressure on the nerves at the base of the spine.",
    "sources": ["nhs-back-pain", "girft-ces-2023"],
}


def test_record_and_read_back_the_latest_screen(db: Database) -> None:
    earlier = datetime.now(UTC) - timedelta(days=3)
    with db.session(write=True) as session:
        record_screen(session, answers={"age": 40}, tier="self_care", exercise_allowed=True,
                      taken_at=earlier)
        newest = record_screen(session, answers={"saddle_numbness": True}, tier="emergency",
                               exercise_allowed=False, reasons=[EMERGENCY_REASON],
                               advice="Call 999 now.\nDo not exercise.")
    with db.session() as session:
        screen = latest_screen(session)
        assert [s.tier for s in list_screens(session)] == ["self_care", "emergency"]
    assert screen is not None and screen.id == newest
    assert screen.answers == {"saddle_numbness": True}
    assert [reason.to_json() for reason in screen.reasons] == [EMERGENCY_REASON]
    assert screen.reasons[0].text == EMERGENCY_REASON["text"]  # read back typed
    snapshot = screen.snapshot()
    assert snapshot.tier == "emergency"
    assert snapshot.reasons == (EMERGENCY_REASON["text"],)
    assert snapshot.sources == ("nhs-back-pain", "girft-ces-2023")


def test_no_screen_yet(db: Database) -> None:
    with db.session() as session:
        assert latest_screen(session) is None


def test_a_red_flag_in_the_latest_screen_overrides_a_good_diary(db: Database) -> None:
    start = datetime.now(UTC) - timedelta(days=10)
    with db.session(write=True) as session:
        for day, pain in enumerate([6, 5, 4, 3, 2]):
            add_rating(session, pain, at=start + timedelta(days=2 * day))
        record_screen(session, answers={"saddle_numbness": True}, tier="emergency",
                      exercise_allowed=False, reasons=[EMERGENCY_REASON], advice="Call 999 now.")
    with db.session() as session:
        advice = diary_advice(session)
    assert advice.tier == "emergency"
    assert advice.advice == "Call 999 now."
    assert {reason.rule for reason in advice.reasons} == {"safety_screen"}


def test_a_clean_screen_after_a_red_flag_lifts_the_override(db: Database) -> None:
    with db.session(write=True) as session:
        record_screen(session, answers={}, tier="same_day", exercise_allowed=False,
                      taken_at=datetime.now(UTC) - timedelta(days=1))
        record_screen(session, answers={}, tier="self_care", exercise_allowed=True)
        add_rating(session, 3)
    with db.session() as session:
        assert diary_advice(session).tier == "self_care"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"tier": "urgent"}, "tier"),
    ({"answers": ["not", "a", "mapping"]}, "answers"),
    ({"answers": {"when": datetime(2024, 1, 1, tzinfo=UTC)}}, "answers"),
    ({"exercise_allowed": "no"}, "exercise_allowed"),
    ({"reasons": "a string"}, "reasons"),
    ({"reasons": ["cauda equina"]}, "reasons[0].reason"),
    ({"reasons": [{**EMERGENCY_REASON, "text": ""}]}, "reasons[0].text"),
    ({"reasons": [{**EMERGENCY_REASON, "tier": "urgent"}]}, "reasons[0].tier"),
    ({"reasons": [EMERGENCY_REASON, {**EMERGENCY_REASON, "sources": "nhs"}]},
     "reasons[1].sources"),
    ({"taken_at": datetime.now(UTC) + timedelta(days=2)}, "taken_at"),
    ({"advice": 42}, "advice"),
])
def test_bad_screens_are_refused(db: Database, kwargs: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {"answers": {}, "tier": "self_care", "exercise_allowed": True}
    arguments.update(kwargs)
    with pytest.raises(StoreInputError) as caught, db.session(write=True) as session:
        record_screen(session, **arguments)
    assert caught.value.field == field
    with db.session() as session:
        assert list_screens(session) == []


def test_record_result_stores_a_screen_result_and_reads_it_back_typed(db: Database) -> None:
    answers = {"saddle_numbness": True, "cancer_history": True}
    result = evaluate(answers)
    with db.session(write=True) as session:
        screen_id = record_result(session, result, answers)
    with db.session() as session:
        screen = get_screen(session, screen_id)
        assert get_screen(session, screen_id + 1) is None
    assert screen is not None
    assert screen.tier == result.tier == "emergency"
    assert screen.exercise_allowed is False
    assert list(screen.reasons) == result.reasons
    assert screen.advice == result.advice
    assert screen.answers == answers
    assert screen.snapshot().sources == tuple(
        dict.fromkeys(source for reason in result.reasons for source in reason.sources))
