"""Properties of the safety screen over random answer sets (hypothesis; no deadline, since CI
machines are shared and a slow example is not a wrong one).

* answering "yes" (or a worse choice) to any question never makes the result less urgent, and
  never turns "no exercise" into "exercise" -- except a clearance (``cleared_for_exercise``),
  whose yes is what allows exercise after a spinal fusion: it never changes the tier;
* emergency, same-day and incomplete results never allow exercise;
* every reason cites at least one known source and names answered questions;
* the tier is the most urgent reason's tier (or incomplete when answers are missing).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from backrelief.core.screening import (
    NO_EXERCISE_TIERS,
    Question,
    ScreenResult,
    Tier,
    default_screen,
    evaluate,
    evaluate_recheck,
    questions_in,
    tier_rank,
)

SCREEN = default_screen()
#: Questions whose yes lets exercise go ahead after all (a rule's ``exercise_allowed_if``).
CLEARANCES = set().union(*(questions_in(rule.exercise_allowed_if) for rule in SCREEN.rules))
# Questions with a "more serious" answer: yes/no, and choices listed from least to most serious.
ESCALATABLE = [q for q in SCREEN.questions if q.type in ("bool", "enum") and q.id not in CLEARANCES]


def _values(question: Question) -> st.SearchStrategy[object]:
    if question.type == "bool":
        return st.booleans()
    if question.type == "enum":
        return st.sampled_from(question.values)
    assert question.minimum is not None and question.maximum is not None
    # Weight the edges where rules switch (16, 50, 65, 6 and 12 weeks, pain 7).
    edges = [v for v in (15, 16, 49, 50, 64, 65, 6, 7, 12, 13) if
             question.minimum <= v <= question.maximum]
    return st.one_of(st.integers(question.minimum, question.maximum), st.sampled_from(edges))


def answer_sets(complete: bool) -> st.SearchStrategy[dict[str, object]]:
    """Valid answer sets: every question answered, or any subset of them."""
    required = {q.id: _values(q) for q in SCREEN.questions if q.required}
    optional = {q.id: _values(q) for q in SCREEN.questions if not q.required}
    if complete:
        return st.fixed_dictionaries(required, optional=optional)
    return st.fixed_dictionaries({}, optional={**required, **optional})


def _more_serious(question: Question, value: object) -> Sequence[object]:
    if question.type == "bool":
        return [True] if value is False else []
    values = question.values
    return values[values.index(str(value)) + 1:]


def _assert_not_less_urgent(before: ScreenResult, after: ScreenResult) -> None:
    assert tier_rank(after.tier) <= tier_rank(before.tier), (before.tier, after.tier)
    if not before.exercise_allowed:
        assert not after.exercise_allowed


@settings(max_examples=300, deadline=None)
@given(answers=answer_sets(complete=True), data=st.data())
def test_answering_yes_never_makes_a_full_screen_less_urgent(
    answers: dict[str, object], data: st.DataObject
) -> None:
    question = data.draw(st.sampled_from([q for q in ESCALATABLE if q.id in answers]))
    current = answers[question.id]
    worse = _more_serious(question, current)
    before = evaluate(answers)
    for value in worse:
        _assert_not_less_urgent(before, evaluate({**answers, question.id: value}))


@settings(max_examples=300, deadline=None)
@given(answers=answer_sets(complete=False), data=st.data())
def test_answering_yes_never_makes_a_partial_screen_less_urgent(
    answers: dict[str, object], data: st.DataObject
) -> None:
    answered = [q for q in ESCALATABLE if q.id in answers]
    if not answered:
        return
    question = data.draw(st.sampled_from(answered))
    before = evaluate(answers)
    for value in _more_serious(question, answers[question.id]):
        _assert_not_less_urgent(before, evaluate({**answers, question.id: value}))
        _assert_not_less_urgent(
            evaluate_recheck(answers), evaluate_recheck({**answers, question.id: value})
        )


@settings(max_examples=300, deadline=None)
@given(answers=answer_sets(complete=False))
def test_urgent_and_incomplete_results_never_allow_exercise(answers: dict[str, object]) -> None:
    for result in (evaluate(answers), evaluate_recheck(answers)):
        if result.tier in ("emergency", "same_day", "incomplete"):
            assert result.exercise_allowed is False
        assert set(NO_EXERCISE_TIERS) == {"emergency", "same_day", "incomplete"}


@settings(max_examples=300, deadline=None)
@given(answers=answer_sets(complete=True))
def test_urgent_full_screens_never_allow_exercise(answers: dict[str, object]) -> None:
    result = evaluate(answers)
    assert result.tier != "incomplete"
    if result.tier in ("emergency", "same_day"):
        assert result.exercise_allowed is False


@settings(max_examples=300, deadline=None)
@given(answers=answer_sets(complete=False))
def test_every_reason_cites_a_known_source_and_names_answered_questions(
    answers: dict[str, object],
) -> None:
    result = evaluate(answers)
    for reason in result.reasons:
        assert reason.sources, reason.rule
        assert set(reason.sources) <= set(SCREEN.sources), reason.rule
        assert reason.questions and set(reason.questions) <= set(answers), reason.rule
        assert reason.text
    for document in result.to_json()["reasons"]:
        assert document["sources"]
    json.dumps(result.to_json())  # always one serialisable JSON document


@settings(max_examples=300, deadline=None)
@given(answers=answer_sets(complete=False))
def test_tier_is_the_most_urgent_reason_or_incomplete(answers: dict[str, object]) -> None:
    result = evaluate(answers)
    candidates: list[Tier] = [reason.tier for reason in result.reasons]
    if result.missing:
        candidates.append("incomplete")
    expected = min(candidates, key=tier_rank) if candidates else "self_care"
    assert result.tier == expected
    assert [tier_rank(r.tier) for r in result.reasons] == sorted(
        tier_rank(r.tier) for r in result.reasons
    )
    assert result.advice.strip()


def test_the_clearance_question_is_known() -> None:
    assert {"cleared_for_exercise"} == CLEARANCES


@settings(max_examples=300, deadline=None)
@given(answers=answer_sets(complete=False))
def test_a_clearance_never_changes_the_tier_and_only_ever_allows_more(
    answers: dict[str, object],
) -> None:
    for question_id in CLEARANCES:
        cleared = evaluate({**answers, question_id: True})
        not_cleared = evaluate({**answers, question_id: False})
        assert cleared.tier == not_cleared.tier
        assert cleared.exercise_allowed or not not_cleared.exercise_allowed
        if cleared.tier in NO_EXERCISE_TIERS:
            assert cleared.exercise_allowed is False
