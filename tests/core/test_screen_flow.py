"""core.screen_flow: the check's steps, what comes next, and finishing an urgent check early.

Both shells (``backrelief check`` and the web check) call this module; these tests pin the order
and the early-end rule once, for both."""

from __future__ import annotations

from backrelief.core.screen_flow import Flow, could_match
from backrelief.core.screening import AnswerError, default_screen
from tests.core.test_screening import ALICE

SCREEN = default_screen()


def walk(flow: Flow, answers: dict[str, object]) -> list[tuple[str, list[str]]]:
    """Answer every step the flow gives; returns (step, question ids) for each page."""
    pages: list[tuple[str, list[str]]] = []
    step = flow.first()
    while step is not None:
        pages.append((step.name, [q.id for q in step.questions]))
        for question in step.questions:
            flow.answer(question, answers.get(question.id))
        step = flow.after(step.name)
    return pages


def test_a_full_check_is_the_two_lists_then_the_person_then_follow_ups() -> None:
    flow = Flow.start("full")
    pages = walk(flow, ALICE)
    assert [name for name, _ in pages] == ["emergency", "same_day", "other", "other"]
    assert pages[0][1] == [q.id for q in SCREEN.in_group("emergency")]
    assert "pregnant" not in pages[2][1] and "age" in pages[2][1]  # it waits for the age
    assert pages[3][1] == ["pregnant"]
    assert flow.answers == ALICE
    assert flow.result().tier == "self_care"


def test_follow_ups_come_only_after_a_yes() -> None:
    answers = {**ALICE, "age": 30, "pregnant": True, "pregnancy_weeks": 12,
               "spinal_fusion": True, "cleared_for_exercise": True}
    pages = walk(Flow.start("full"), answers)
    asked = [qid for _, ids in pages for qid in ids]
    assert asked.index("pregnancy_weeks") > asked.index("pregnant") > asked.index("age")
    assert asked.index("cleared_for_exercise") > asked.index("spinal_fusion")
    plain = [qid for _, ids in walk(Flow.start("full"), ALICE) for qid in ids]
    assert "pregnancy_weeks" not in plain and "cleared_for_exercise" not in plain


def test_pregnancy_is_skipped_from_60_and_recorded_as_no() -> None:
    flow = Flow.start("full")
    pages = walk(flow, {**ALICE, "age": 60})
    assert "pregnant" not in [qid for _, ids in pages for qid in ids]
    assert flow.answers["pregnant"] is False
    known = Flow.start("full", {"age": 72})  # a known age skips it from the start
    assert known.answers["pregnant"] is False


def test_the_terminal_asks_the_same_questions_one_at_a_time() -> None:
    flow = Flow.start("full")
    flow.none_apply(flow.questions("emergency"))
    flow.none_apply(flow.questions("same_day"))
    asked = []
    while (question := flow.next_question("other")) is not None:
        asked.append(question.id)
        flow.answer(question, ALICE.get(question.id))
    assert asked[:2] == ["age", "pregnant"]  # one by one, the follow-up right after the age
    assert flow.answers == ALICE


def test_an_emergency_ends_the_check_at_once() -> None:
    flow = Flow.start("full")
    flow.answer(SCREEN.question("sudden_tummy_back_pain"), True)
    assert flow.urgent()
    assert flow.after("emergency") is None
    assert flow.result().tier == "emergency"


def test_same_day_first_asks_only_what_could_still_make_it_an_emergency() -> None:
    flow = Flow.start("full")
    step = flow.first()
    assert step is not None
    for question in step.questions:
        flow.answer(question, "one_leg" if question.id == "leg_weakness" else False)
    finish = flow.after("emergency")
    assert finish is not None and finish.name == "finish"
    assert {q.id for q in finish.questions} == {"fever", "cancer_history", "infection_risk",
                                                "blood_thinners"}
    flow.answer(SCREEN.question("blood_thinners"), True)
    assert flow.urgent("emergency")
    assert flow.after("finish") is None

    calm = Flow.start("full")
    calm.none_apply(calm.questions("emergency"))
    calm.answer(SCREEN.question("night_pain"), True)
    assert calm.after("same_day") is None  # no emergency rule can still match: end now


def test_a_recheck_asks_the_lists_again_and_keeps_the_rest() -> None:
    flow = Flow.start("recheck", {**ALICE, "blood_thinners": True})
    pages = walk(flow, {**ALICE, "leg_weakness": "one_leg"})
    assert [name for name, _ in pages] == ["emergency"]  # with the carried yes: urgent at once
    assert flow.result().tier == "emergency"

    quiet = Flow.start("recheck", {**ALICE, "blood_thinners": True})
    assert [name for name, _ in walk(quiet, ALICE)] == ["emergency", "same_day"]


def test_a_flow_is_rebuilt_from_its_plain_state() -> None:
    flow = Flow.start("full")
    flow.none_apply(flow.questions("emergency"))
    again = Flow.start("full", flow.answers, sorted(flow.asked))
    assert again.questions("same_day") == flow.questions("same_day")
    assert again.questions("emergency") == []


def test_bad_known_answers_are_refused_naming_the_field() -> None:
    for known in ({"blood_thinners": "yes"}, {"cleared_for_exercise": 1}, {"fusion": True}):
        try:
            Flow.start("full", known)
        except AnswerError as exc:
            assert exc.field == next(iter(known))
        else:
            raise AssertionError(f"accepted {known}")


def test_could_match_is_false_only_when_the_answers_rule_it_out() -> None:
    rule = SCREEN.rule("blood-thinners-with-nerve-symptoms").when
    assert could_match(rule, {})
    assert could_match(rule, {"blood_thinners": True})
    assert not could_match(rule, {"blood_thinners": False})
    nerve_clear = {q.id: q.none_value for q in SCREEN.in_group("emergency")}
    assert not could_match(rule, nerve_clear)
