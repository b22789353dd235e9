"""`POST /api/screen` and `GET /api/screen/questions`: the safety screen as JSON.

``POST /api/screen`` is pure (it evaluates and stores nothing), like ``backrelief screen``;
``POST /api/diary/screens`` (in :mod:`backrelief.web.api.diary`) evaluates and records.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body

from backrelief.core.content import plain
from backrelief.core.screening import (
    AnswerError,
    ScreenResult,
    default_screen,
    evaluate,
    evaluate_recheck,
)
from backrelief.web.errors import FieldError

router = APIRouter(prefix="/api", tags=["screen"])

ANSWERS_EXAMPLE: dict[str, Any] = {
    "saddle_numbness": False, "bladder_change": False, "bowel_change": False,
    "sexual_change": False, "both_legs": False, "leg_weakness": "none", "major_trauma": False,
    "chest_symptoms": False, "tearing_pain": False, "fever": False, "infection_risk": False,
    "cancer_history": False, "weight_loss": False, "night_pain": False,
    "lump_or_shape_change": False, "worse_straining": False, "nonmechanical_thoracic": False,
    "fragility_risk": False, "sudden_onset_minor_trauma": False, "age": 40,
    "first_episode": False, "duration_weeks": 1, "inflammatory_features": False,
    "severe_not_coping": False, "recent_spinal_surgery": False, "spinal_fusion": False,
    "sudden_tummy_back_pain": False, "blood_thinners": False, "pregnant": False, "pain_now": 4,
}

Answers = Body(
    ...,
    description="The answers object of DESIGN.md: question id -> answer (booleans, integers, "
    "or one of an enum's choices). Unknown ids, wrong types and out-of-range values are 422.",
    examples=[ANSWERS_EXAMPLE],
)


def evaluate_answers(answers: dict[str, Any], recheck: bool) -> ScreenResult:
    """Core's evaluation, with its AnswerError turned into a 422 naming the question."""
    try:
        return evaluate_recheck(answers) if recheck else evaluate(answers)
    except AnswerError as exc:
        raise FieldError(exc.field, exc.problem) from None


@router.post("/screen")
def screen(answers: dict[str, Any] = Answers, recheck: bool = False) -> dict[str, Any]:
    """Evaluate answers: `{"tier", "exercise_allowed", "reasons", "advice", ...}`.
    With `?recheck=true` only the re-check questions are required."""
    return evaluate_answers(answers, recheck).to_json()


@router.get("/screen/questions")
def questions(recheck: bool = False) -> list[dict[str, Any]]:
    """The questions in asking order, with their group, type, wording, help and valid values."""
    definition = default_screen()
    chosen = definition.recheck_questions() if recheck else list(definition.questions)
    return [plain(question, exclude=("ask_if",)) for question in chosen]
