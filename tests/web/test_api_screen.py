"""`POST /api/screen`: the answers object of DESIGN.md -> the screen result; every bad input."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from backrelief.store import Database
from tests.web.conftest import BLOCKING_ANSWERS, CLEAR_ANSWERS, counts


def test_clear_answers_allow_exercise(client: TestClient) -> None:
    body = client.post("/api/screen", json=CLEAR_ANSWERS).json()
    assert body["tier"] == "self_care"
    assert body["exercise_allowed"] is True
    assert body["reasons"] == []
    assert body["advice"]


@pytest.mark.parametrize(("name", "tier"), [("emergency", "emergency"), ("same_day", "same_day"),
                                            ("incomplete", "incomplete")])
def test_blocking_answers(client: TestClient, name: str, tier: str) -> None:
    body = client.post("/api/screen", json=BLOCKING_ANSWERS[name]).json()
    assert body["tier"] == tier
    assert body["exercise_allowed"] is False


def test_reasons_name_their_questions(client: TestClient) -> None:
    body = client.post("/api/screen", json={**CLEAR_ANSWERS, "leg_weakness": "one_leg"}).json()
    assert body["tier"] == "same_day"
    assert any("leg_weakness" in reason["question"] for reason in body["reasons"])


def test_recheck_needs_only_the_recheck_questions(client: TestClient) -> None:
    from backrelief.core.screening import default_screen

    recheck = {q.id: q.none_value for q in default_screen().recheck_questions()}
    assert client.post("/api/screen", json=recheck).json()["tier"] == "incomplete"
    body = client.post("/api/screen?recheck=true", json=recheck).json()
    assert body["tier"] == "self_care"


BAD: list[tuple[str, Any, str]] = [
    ("unknown question", {**CLEAR_ANSWERS, "back_cracked": True}, "back_cracked"),
    ("bool as number", {**CLEAR_ANSWERS, "fever": 1}, "fever"),
    ("bool as text", {**CLEAR_ANSWERS, "fever": "yes"}, "fever"),
    ("age as bool", {**CLEAR_ANSWERS, "age": True}, "age"),
    ("age as text", {**CLEAR_ANSWERS, "age": "40"}, "age"),
    ("age as float", {**CLEAR_ANSWERS, "age": 40.5}, "age"),
    ("age too high", {**CLEAR_ANSWERS, "age": 121}, "age"),
    ("age negative", {**CLEAR_ANSWERS, "age": -1}, "age"),
    ("pain too high", {**CLEAR_ANSWERS, "pain_now": 11}, "pain_now"),
    ("duration too long", {**CLEAR_ANSWERS, "duration_weeks": 521}, "duration_weeks"),
    ("enum not a choice", {**CLEAR_ANSWERS, "leg_weakness": "some"}, "leg_weakness"),
    ("enum as bool", {**CLEAR_ANSWERS, "leg_weakness": False}, "leg_weakness"),
    ("weeks out of range", {**CLEAR_ANSWERS, "pregnant": True, "pregnancy_weeks": 46},
     "pregnancy_weeks"),
    ("blood thinners as text", {**CLEAR_ANSWERS, "blood_thinners": "warfarin"},
     "blood_thinners"),
    ("tummy pain as number", {**CLEAR_ANSWERS, "sudden_tummy_back_pain": 0},
     "sudden_tummy_back_pain"),
    ("fusion as list", {**CLEAR_ANSWERS, "spinal_fusion": [True]}, "spinal_fusion"),
    ("clearance as text", {**CLEAR_ANSWERS, "spinal_fusion": True,
                           "cleared_for_exercise": "yes"}, "cleared_for_exercise"),
    ("a part is not an answer", {**CLEAR_ANSWERS, "inflammatory_features__over_3_months": True},
     "inflammatory_features__over_3_months"),
]


@pytest.mark.parametrize(("label", "answers", "field"), BAD, ids=[b[0] for b in BAD])
def test_bad_answers_are_422_naming_the_field(client: TestClient, database: Database,
                                              label: str, answers: Any, field: str) -> None:
    before = counts(database)
    for path in ("/api/screen", "/api/diary/screens"):
        response = client.post(path, json=answers)
        assert response.status_code == 422, (label, response.text)
        body = response.json()
        assert body["field"] == field
        assert body["error"].startswith(f"{field}: ")
    assert counts(database) == before


@pytest.mark.parametrize("payload", ["[1, 2]", '"answers"', "null", "{not json", ""])
def test_a_body_that_is_not_an_answers_object_is_422(client: TestClient, payload: str) -> None:
    response = client.post("/api/screen", content=payload,
                           headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["field"]


def test_questions_endpoint_lists_every_question_in_order(client: TestClient) -> None:
    questions = client.get("/api/screen/questions").json()
    ids = [q["id"] for q in questions]
    assert ids[0] in {"chest_symptoms", "saddle_numbness"}
    assert "pain_now" in ids
    recheck = client.get("/api/screen/questions?recheck=true").json()
    assert {q["group"] for q in recheck} == {"emergency", "same_day"}
