"""core.screening: a test per DESIGN.md rule and combination, bad answers, advice, content checks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from backrelief.core.catalog import ContentError, content_root
from backrelief.core.screening import (
    REQUIRED_QUESTION_IDS,
    TIER_ORDER,
    AnswerError,
    Reason,
    ScreenResult,
    check_answers,
    default_screen,
    evaluate,
    evaluate_recheck,
    load_screen,
)

SCREEN = default_screen()

# Alice: 35, a stiff back after a long week at the desk, no warning signs.
ALICE: dict[str, object] = {
    "chest_symptoms": False,
    "tearing_pain": False,
    "sudden_tummy_back_pain": False,
    "saddle_numbness": False,
    "bladder_change": False,
    "bowel_change": False,
    "sexual_change": False,
    "both_legs": False,
    "leg_weakness": "none",
    "major_trauma": False,
    "fever": False,
    "weight_loss": False,
    "night_pain": False,
    "lump_or_shape_change": False,
    "worse_straining": False,
    "nonmechanical_thoracic": False,
    "sudden_onset_minor_trauma": False,
    "age": 35,
    "pregnant": False,
    "first_episode": False,
    "duration_weeks": 1,
    "cancer_history": False,
    "infection_risk": False,
    "fragility_risk": False,
    "blood_thinners": False,
    "inflammatory_features": False,
    "recent_spinal_surgery": False,
    "spinal_fusion": False,
    "severe_not_coping": False,
    "pain_now": 3,
}


def alice(**changes: object) -> dict[str, object]:
    """Alice's answers with some changed."""
    return {**ALICE, **changes}


def rules_of(result: ScreenResult) -> list[str]:
    return [reason.rule for reason in result.reasons]


def test_alice_with_no_warning_signs_may_exercise_with_safety_net_advice() -> None:
    result = evaluate(ALICE)
    assert result.tier == "self_care"
    assert result.exercise_allowed is True
    assert result.reasons == []
    assert result.missing == []
    # A clean screen rules nothing out: the advice says what would change that.
    assert "doesn't rule everything out" in result.advice
    assert "emergency number" in result.advice
    assert "2 weeks" in result.advice


def test_alice_covers_every_required_question() -> None:
    assert set(ALICE) == set(REQUIRED_QUESTION_IDS) == set(SCREEN.required_ids())


# ---- one test per rule of the DESIGN.md table ----------------------------------------------------

# (changes to Alice's answers, expected tier, rule that must be reported, question ids it names)
SINGLE_RULES: list[tuple[dict[str, object], str, str, list[str]]] = [
    ({"saddle_numbness": True}, "emergency", "ces-saddle-numbness", ["saddle_numbness"]),
    ({"bladder_change": True}, "emergency", "ces-bladder-change", ["bladder_change"]),
    ({"bowel_change": True}, "emergency", "ces-bowel-change", ["bowel_change"]),
    ({"sexual_change": True}, "emergency", "ces-sexual-change", ["sexual_change"]),
    ({"both_legs": True}, "emergency", "ces-both-legs", ["both_legs"]),
    ({"leg_weakness": "worsening_or_both"}, "emergency", "worsening-leg-weakness",
     ["leg_weakness"]),
    ({"leg_weakness": "one_leg"}, "same_day", "one-leg-weakness", ["leg_weakness"]),
    ({"major_trauma": True}, "emergency", "major-trauma", ["major_trauma"]),
    ({"chest_symptoms": True}, "emergency", "cardiac-symptoms", ["chest_symptoms"]),
    ({"tearing_pain": True}, "emergency", "tearing-pain", ["tearing_pain"]),
    ({"sudden_tummy_back_pain": True}, "emergency", "possible-aortic-aneurysm",
     ["sudden_tummy_back_pain"]),
    ({"fever": True}, "same_day", "fever", ["fever"]),
    ({"infection_risk": True}, "see_professional", "infection-risk", ["infection_risk"]),
    ({"cancer_history": True}, "same_day", "cancer-history", ["cancer_history"]),
    ({"weight_loss": True}, "same_day", "unexplained-weight-loss", ["weight_loss"]),
    ({"night_pain": True}, "same_day", "constant-or-night-pain", ["night_pain"]),
    ({"lump_or_shape_change": True}, "same_day", "lump-or-shape-change",
     ["lump_or_shape_change"]),
    ({"worse_straining": True}, "same_day", "worse-on-straining", ["worse_straining"]),
    ({"nonmechanical_thoracic": True}, "same_day", "nonmechanical-thoracic-pain",
     ["nonmechanical_thoracic"]),
    ({"fragility_risk": True}, "self_care", "fragility-osteoporosis", ["fragility_risk"]),
    ({"age": 15}, "see_professional", "under-16", ["age"]),
    ({"duration_weeks": 7}, "see_professional", "persistent-over-6-weeks", ["duration_weeks"]),
    ({"duration_weeks": 13}, "see_professional", "chronic-over-12-weeks", ["duration_weeks"]),
    ({"inflammatory_features": True}, "see_professional", "inflammatory-pattern",
     ["inflammatory_features"]),
    ({"severe_not_coping": True}, "see_professional", "severe-not-coping",
     ["severe_not_coping"]),
    ({"recent_spinal_surgery": True}, "see_professional", "recent-spinal-surgery",
     ["recent_spinal_surgery"]),
    ({"spinal_fusion": True}, "see_professional", "spinal-fusion", ["spinal_fusion"]),
    ({"blood_thinners": True}, "self_care", "blood-thinners", ["blood_thinners"]),
    ({"pregnant": True}, "self_care", "pregnancy", ["pregnant"]),
    ({"pain_now": 7}, "self_care", "high-pain-gentle-only", ["pain_now"]),
]

#: The nerve symptoms that combination rules look at (besides leg weakness).
NERVE_SIGNS = ("saddle_numbness", "bladder_change", "bowel_change", "sexual_change", "both_legs")

# Combination rules of the DESIGN.md table, with the boundaries either side.
COMBINATIONS: list[tuple[dict[str, object], str, str, list[str]]] = [
    ({"fever": True, "leg_weakness": "one_leg"}, "emergency", "fever-with-nerve-symptoms",
     ["leg_weakness", "fever"]),
    ({"fever": True, "saddle_numbness": True}, "emergency", "fever-with-nerve-symptoms",
     ["saddle_numbness", "fever"]),
    ({"fever": True, "bladder_change": True}, "emergency", "fever-with-nerve-symptoms",
     ["bladder_change", "fever"]),
    ({"fever": True, "bowel_change": True}, "emergency", "fever-with-nerve-symptoms",
     ["bowel_change", "fever"]),
    ({"fever": True, "sexual_change": True}, "emergency", "fever-with-nerve-symptoms",
     ["sexual_change", "fever"]),
    ({"fever": True, "both_legs": True}, "emergency", "fever-with-nerve-symptoms",
     ["both_legs", "fever"]),
    ({"infection_risk": True, "fever": True}, "same_day",
     "infection-risk-with-fever-or-night-pain", ["fever", "infection_risk"]),
    ({"infection_risk": True, "night_pain": True}, "same_day",
     "infection-risk-with-fever-or-night-pain", ["night_pain", "infection_risk"]),
    ({"cancer_history": True, "leg_weakness": "one_leg"}, "emergency",
     "cancer-with-nerve-symptoms", ["leg_weakness", "cancer_history"]),
    ({"cancer_history": True, "leg_weakness": "worsening_or_both"}, "emergency",
     "cancer-with-nerve-symptoms", ["leg_weakness", "cancer_history"]),
    *[({"cancer_history": True, sign: True}, "emergency", "cancer-with-nerve-symptoms",
       [sign, "cancer_history"]) for sign in NERVE_SIGNS],
    *[({"infection_risk": True, sign: True}, "emergency", "infection-risk-with-nerve-symptoms",
       [sign, "infection_risk"]) for sign in NERVE_SIGNS],
    ({"infection_risk": True, "leg_weakness": "one_leg"}, "emergency",
     "infection-risk-with-nerve-symptoms", ["leg_weakness", "infection_risk"]),
    ({"infection_risk": True, "leg_weakness": "worsening_or_both"}, "emergency",
     "infection-risk-with-nerve-symptoms", ["leg_weakness", "infection_risk"]),
    *[({"blood_thinners": True, sign: True}, "emergency", "blood-thinners-with-nerve-symptoms",
       [sign, "blood_thinners"]) for sign in NERVE_SIGNS],
    ({"blood_thinners": True, "leg_weakness": "one_leg"}, "emergency",
     "blood-thinners-with-nerve-symptoms", ["leg_weakness", "blood_thinners"]),
    ({"blood_thinners": True, "leg_weakness": "worsening_or_both"}, "emergency",
     "blood-thinners-with-nerve-symptoms", ["leg_weakness", "blood_thinners"]),
    ({"blood_thinners": True, "sudden_onset_minor_trauma": True}, "same_day",
     "blood-thinners-sudden-onset", ["sudden_onset_minor_trauma", "blood_thinners"]),
    ({"first_episode": True, "age": 19}, "see_professional", "first-episode-under-20",
     ["age", "first_episode"]),
    ({"first_episode": True, "age": 16}, "see_professional", "first-episode-under-20",
     ["age", "first_episode"]),
    ({"sudden_onset_minor_trauma": True, "age": 70}, "same_day", "possible-fragility-fracture",
     ["sudden_onset_minor_trauma", "age"]),
    ({"sudden_onset_minor_trauma": True, "age": 65}, "same_day", "possible-fragility-fracture",
     ["sudden_onset_minor_trauma", "age"]),
    ({"sudden_onset_minor_trauma": True, "fragility_risk": True}, "same_day",
     "possible-fragility-fracture", ["sudden_onset_minor_trauma", "fragility_risk"]),
    ({"first_episode": True, "age": 55}, "see_professional", "first-episode-over-50",
     ["age", "first_episode"]),
    ({"first_episode": True, "age": 50}, "see_professional", "first-episode-over-50",
     ["age", "first_episode"]),
]


@pytest.mark.parametrize(("changes", "tier", "rule", "questions"), SINGLE_RULES + COMBINATIONS,
                         ids=[case[2] + ":" + ",".join(case[0]) for case in
                              SINGLE_RULES + COMBINATIONS])
def test_rule_triggers_with_its_tier_questions_and_sources(
    changes: dict[str, object], tier: str, rule: str, questions: list[str]
) -> None:
    result = evaluate(alice(**changes))
    assert result.tier == tier
    reason = next(r for r in result.reasons if r.rule == rule)
    assert reason.questions == questions
    assert reason.sources and set(reason.sources) <= set(SCREEN.sources)
    if tier in ("emergency", "same_day"):
        assert result.exercise_allowed is False


def test_every_rule_in_the_content_has_a_test() -> None:
    tested = {case[2] for case in SINGLE_RULES + COMBINATIONS}
    assert tested == {rule.id for rule in SCREEN.rules}


@pytest.mark.parametrize(
    "changes",
    [
        {"sudden_onset_minor_trauma": True},
        {"sudden_onset_minor_trauma": True, "age": 64},
        {"first_episode": True, "age": 49},
        {"first_episode": True, "age": 20},
        {"first_episode": False, "age": 17},
        {"blood_thinners": True, "age": 80},
        {"age": 50},
        {"age": 16},
        {"duration_weeks": 6},
        {"pain_now": 6},
        {"fragility_risk": True, "age": 80},
    ],
    ids=str,
)
def test_below_the_thresholds_nothing_escalates(changes: dict[str, object]) -> None:
    result = evaluate(alice(**changes))
    assert result.tier == "self_care"
    assert result.exercise_allowed is True
    assert not [r for r in result.reasons if r.tier != "self_care"]


def test_seven_weeks_is_persistent_but_not_yet_chronic() -> None:
    assert rules_of(evaluate(alice(duration_weeks=7))) == ["persistent-over-6-weeks"]
    assert rules_of(evaluate(alice(duration_weeks=12))) == ["persistent-over-6-weeks"]


def test_thirteen_weeks_is_chronic_with_one_timeframe_not_two() -> None:
    result = evaluate(alice(duration_weeks=13))
    assert rules_of(result) == ["chronic-over-12-weeks"]
    assert result.exercise_allowed is True
    assert "plan for long-term back pain" in result.advice
    assert "within the next few weeks" in result.advice
    assert "1 to 2 weeks" not in result.advice


def test_recent_spinal_surgery_means_the_last_3_months_and_a_fusion_is_its_own_question(
) -> None:
    surgery = SCREEN.question("recent_spinal_surgery")
    assert "3 months" in surgery.text and "3 months" in surgery.label
    assert "fusion" not in (surgery.text + surgery.label).lower()
    assert "fusion" in SCREEN.question("spinal_fusion").text


@pytest.mark.parametrize(("cleared", "allowed"), [(None, False), (False, False), (True, True)])
def test_spinal_fusion_allows_exercise_only_when_cleared(cleared: bool | None,
                                                         allowed: bool) -> None:
    answers = alice(spinal_fusion=True)
    if cleared is not None:
        answers["cleared_for_exercise"] = cleared
    result = evaluate(answers)
    assert result.tier == "see_professional"
    assert result.exercise_allowed is allowed
    assert result.missing == []  # the clearance is optional: missing means not cleared
    notes = SCREEN.exercise_notes
    assert (notes.allowed if allowed else notes.blocked) in result.advice


def test_a_clearance_does_not_lift_other_blocks() -> None:
    result = evaluate(alice(spinal_fusion=True, cleared_for_exercise=True,
                            recent_spinal_surgery=True))
    assert result.exercise_allowed is False
    assert evaluate(alice(cleared_for_exercise=True)).exercise_allowed is True
    assert rules_of(evaluate(alice(cleared_for_exercise=True))) == []


def test_clearance_is_asked_only_after_a_fusion() -> None:
    question = SCREEN.question("cleared_for_exercise")
    assert question.required is False
    assert not SCREEN.should_ask(question, alice())
    assert SCREEN.should_ask(question, alice(spinal_fusion=True))


def test_blood_thinners_apply_the_anticoagulants_condition() -> None:
    question = SCREEN.question("blood_thinners")
    for drug in ("warfarin", "apixaban", "rivaroxaban", "dabigatran", "edoxaban", "heparin"):
        assert drug in question.text
    result = evaluate(alice(blood_thinners=True))
    assert result.conditions == ["anticoagulants"]
    assert result.tier == "self_care" and result.exercise_allowed is True
    both = evaluate(alice(blood_thinners=True, fragility_risk=True))
    assert set(both.conditions) == {"anticoagulants", "osteoporosis"}


def test_cancer_with_a_cauda_equina_sign_names_the_cancer_team() -> None:
    for sign in NERVE_SIGNS:
        result = evaluate(alice(cancer_history=True, **{sign: True}))
        assert result.tier == "emergency"
        assert "acute oncology" in result.advice, sign
        assert "cancer team" in result.advice


def test_infection_risk_with_leg_weakness_is_an_emergency_without_a_fever() -> None:
    result = evaluate(alice(infection_risk=True, leg_weakness="one_leg"))
    assert result.tier == "emergency"
    assert "no fever" in result.advice
    assert evaluate(alice(infection_risk=True)).tier == "see_professional"


@pytest.mark.parametrize("answers", [
    {"sudden_tummy_back_pain": True},
    {"blood_thinners": True, "leg_weakness": "one_leg"},
    {"blood_thinners": True, "bladder_change": True},
    {"infection_risk": True, "both_legs": False, "leg_weakness": "worsening_or_both"},
    {"infection_risk": True, "sexual_change": True},
    {"cancer_history": True, "saddle_numbness": True},
    {"cancer_history": True, "both_legs": True},
], ids=str)
def test_a_new_emergency_wins_with_every_other_answer_missing(answers: dict[str, object]) -> None:
    for result in (evaluate(answers), evaluate_recheck(answers)):
        assert result.tier == "emergency"
        assert result.exercise_allowed is False
        assert result.missing


@pytest.mark.parametrize("answers", [
    {"blood_thinners": True, "sudden_onset_minor_trauma": True},
    {"leg_weakness": "one_leg"},
], ids=str)
def test_a_new_same_day_wins_with_every_other_answer_missing(answers: dict[str, object]) -> None:
    result = evaluate(answers)
    assert result.tier == "same_day" and result.exercise_allowed is False


def test_chest_symptoms_tie_sickness_to_the_pain_and_nausea_alone_does_not_count() -> None:
    question = SCREEN.question("chest_symptoms")
    assert "along with it" in question.text or "with the pain" in question.text
    assert "on its own" in question.help and "does not count" in question.help
    assert "came on with the pain" in question.label


def test_the_aneurysm_question_is_plain_and_says_what_counts() -> None:
    question = SCREEN.question("sudden_tummy_back_pain")
    assert question.group == "emergency"
    assert "tummy" in question.text and "aneurysm" not in question.text
    assert question.help.startswith("What counts:")


def test_bladder_change_includes_not_being_able_to_pee() -> None:
    question = SCREEN.question("bladder_change")
    assert "can't pee at all" in question.text and "can't pee at all" in question.label


def test_the_safety_net_agrees_with_the_leg_weakness_rules() -> None:
    net = SCREEN.safety_net
    emergency, same_day = net.split("Contact a doctor the same day", 1)
    assert "a weak leg that is getting worse" in emergency
    assert "weakness or numbness in both legs" in emergency
    assert "one leg becomes weak but is not getting worse" in same_day
    assert "getting weak," not in net  # the old wording sent worsening weakness to "today"


def test_warning_signs_list_each_leg_weakness_choice_under_its_own_tier() -> None:
    signs = SCREEN.warning_signs()
    leg = SCREEN.question("leg_weakness")
    one_leg, worsening = (choice.sign for choice in leg.choices[1:])
    assert worsening in signs["emergency"] and one_leg not in signs["emergency"]
    assert one_leg in signs["same_day"]
    assert SCREEN.question("sudden_tummy_back_pain").label in signs["emergency"]


def test_inflammatory_features_are_asked_in_parts_and_yes_only_when_all_are_yes() -> None:
    question = SCREEN.question("inflammatory_features")
    assert len(question.parts) == 3
    ids = [part.id for part in question.parts]
    assert question.combine(dict.fromkeys(ids, True)) is True
    for index in range(3):
        parts: dict[str, bool | None] = dict.fromkeys(ids, True)
        parts[ids[index]] = False
        assert question.combine(parts) is False
    assert question.combine({ids[0]: False}) is False  # one no is enough to answer no
    assert question.combine({ids[0]: True, ids[1]: True}) is None  # not answered yet
    texts = " ".join(part.text for part in question.parts)
    assert "3 months" in texts and "45" in texts and "second half of the night" in texts


def test_pregnancy_is_skipped_from_60() -> None:
    question = SCREEN.question("pregnant")
    assert SCREEN.should_ask(question, {"age": 59})
    assert not SCREEN.should_ask(question, {"age": 60})
    assert SCREEN.skipped(question, {"age": 75})
    without = {key: value for key, value in ALICE.items() if key != "pregnant"}
    assert evaluate({**without, "age": 70}).tier == "self_care"  # cannot apply: not missing
    assert evaluate({**without, "age": 40}).tier == "incomplete"


def test_screen_rules_cite_public_sources_not_our_internal_notes() -> None:
    for rule in SCREEN.rules:
        assert "design-judgement-brief" not in rule.sources, rule.id


def test_reasons_read_back_from_their_documents() -> None:
    result = evaluate(alice(cancer_history=True, leg_weakness="one_leg"))
    for reason in result.reasons:
        assert Reason.from_json(reason.to_json()) == reason
    document = result.reasons[0].to_json()
    for key, bad in (("rule", ""), ("tier", "urgent"), ("text", 3), ("question", "age"),
                     ("sources", [1])):
        with pytest.raises(ValueError, match=f"^{key}: "):
            Reason.from_json({**document, key: bad})


def test_under_16_sees_a_professional_and_may_not_exercise() -> None:
    result = evaluate(alice(age=15))
    assert result.tier == "see_professional"
    assert result.exercise_allowed is False
    assert "GP" in result.advice
    assert "don't start the routines" in result.advice


def test_recent_spinal_surgery_blocks_exercise_until_cleared() -> None:
    result = evaluate(alice(recent_spinal_surgery=True))
    assert result.tier == "see_professional"
    assert result.exercise_allowed is False
    assert "surgical or spinal team" in result.advice


def test_see_professional_says_who_how_soon_and_that_gentle_exercise_is_fine() -> None:
    result = evaluate(alice(first_episode=True, age=55))
    assert result.exercise_allowed is True
    assert "GP appointment within the next 1 to 2 weeks" in result.advice
    assert "gentle movement within comfort is fine" in result.advice
    assert "doesn't rule everything out" in result.advice  # safety net too


def test_severe_pain_not_coping_keeps_to_gentle_techniques() -> None:
    result = evaluate(alice(severe_not_coping=True))
    assert result.gentle_only is True
    assert "within the next few days" in result.advice


def test_pain_7_or_more_means_gentle_only() -> None:
    assert evaluate(alice(pain_now=7)).gentle_only is True
    assert evaluate(alice(pain_now=10)).gentle_only is True
    assert evaluate(alice(pain_now=6)).gentle_only is False


def test_pregnancy_adds_the_condition_its_week_and_midwife_advice() -> None:
    result = evaluate(alice(pregnant=True, pregnancy_weeks=20))
    assert result.conditions == ["pregnancy"]
    assert result.pregnancy_weeks == 20
    assert result.exercise_allowed is True
    assert "midwife or GP" in result.advice
    assert "maternity unit" in result.advice


def test_pregnancy_weeks_is_optional_and_ignored_when_not_pregnant() -> None:
    assert evaluate(alice(pregnant=True)).missing == []
    assert evaluate(alice(pregnant=True)).pregnancy_weeks is None
    assert evaluate(alice(pregnancy_weeks=12)).pregnancy_weeks is None


def test_fragility_risk_adds_osteoporosis() -> None:
    result = evaluate(alice(fragility_risk=True))
    assert result.conditions == ["osteoporosis"]
    both = evaluate(alice(fragility_risk=True, pregnant=True))
    assert both.conditions == ["osteoporosis", "pregnancy"]


# ---- tiers, reasons and advice ----------------------------------------------------------------------


def test_most_urgent_rule_wins_and_every_triggered_rule_is_reported_in_order() -> None:
    result = evaluate(alice(weight_loss=True, duration_weeks=8, saddle_numbness=True))
    assert result.tier == "emergency"
    assert rules_of(result) == [
        "ces-saddle-numbness", "unexplained-weight-loss", "persistent-over-6-weeks"
    ]
    assert [r.tier for r in result.reasons] == ["emergency", "same_day", "see_professional"]


def test_emergency_advice_names_the_numbers_the_department_and_the_reason() -> None:
    result = evaluate(alice(bladder_change=True))
    for needed in ("999", "911", "112", "emergency department", "Do not exercise",
                   "cauda equina"):
        assert needed in result.advice
    assert result.title == "Get emergency help now"


def test_emergency_advice_keeps_to_the_emergency_reasons() -> None:
    result = evaluate(alice(chest_symptoms=True, weight_loss=True))
    assert "heart attack" in result.advice
    assert "Losing weight" not in result.advice


def test_same_day_advice_says_today_and_no_routine() -> None:
    result = evaluate(alice(cancer_history=True))
    assert "Contact a doctor today" in result.advice
    assert "don't do a routine today" in result.advice
    assert "acute oncology" in result.advice
    assert result.exercise_allowed is False


def test_to_json_keeps_the_design_contract() -> None:
    document = evaluate(alice(fever=True)).to_json()
    assert {"tier", "exercise_allowed", "reasons", "advice"} <= set(document)
    assert document["tier"] == "same_day"
    assert document["exercise_allowed"] is False
    assert document["reasons"] == [
        {
            "rule": "fever",
            "question": ["fever"],
            "tier": "same_day",
            "text": SCREEN.rule("fever").text,
            "sources": ["nhs-back-pain", "yusuf-2019-infection"],
        }
    ]
    assert document["missing"] == [] and document["conditions"] == []


def test_tier_order_is_most_urgent_first() -> None:
    assert TIER_ORDER[0] == "emergency" and TIER_ORDER[-1] == "self_care"
    assert set(TIER_ORDER) == {"emergency", "same_day", "see_professional", "self_care",
                               "incomplete"}


# ---- incomplete answers -------------------------------------------------------------------------


def test_a_missing_required_answer_is_incomplete_and_never_allows_exercise() -> None:
    answers = alice()
    del answers["age"]
    result = evaluate(answers)
    assert result.tier == "incomplete"
    assert result.exercise_allowed is False
    assert result.missing == ["age"]
    assert "Your age" in result.advice


def test_an_empty_answer_set_is_incomplete_and_lists_what_is_missing() -> None:
    result = evaluate({})
    assert result.tier == "incomplete"
    assert result.exercise_allowed is False
    assert result.missing == SCREEN.required_ids()
    assert f"and {len(SCREEN.required_ids()) - 5} more" in result.advice


def test_null_counts_as_unanswered() -> None:
    result = evaluate(alice(leg_weakness=None))
    assert result.tier == "incomplete"
    assert result.missing == ["leg_weakness"]


def test_incomplete_outranks_see_professional() -> None:
    answers = alice(duration_weeks=9)
    del answers["pain_now"]
    result = evaluate(answers)
    assert result.tier == "incomplete"
    assert rules_of(result) == ["persistent-over-6-weeks"]


def test_a_red_flag_wins_even_when_other_answers_are_missing() -> None:
    result = evaluate({"saddle_numbness": True})
    assert result.tier == "emergency"
    assert result.exercise_allowed is False
    assert "age" in result.missing
    same_day = evaluate({"leg_weakness": "one_leg"})
    assert same_day.tier == "same_day" and same_day.exercise_allowed is False


# ---- the re-check ---------------------------------------------------------------------------------


def test_recheck_questions_are_the_emergency_and_same_day_groups() -> None:
    ids = [q.id for q in SCREEN.recheck_questions()]
    assert ids[:2] == ["chest_symptoms", "tearing_pain"]
    assert {"saddle_numbness", "bladder_change", "bowel_change", "sexual_change", "both_legs",
            "leg_weakness", "major_trauma", "fever", "night_pain", "weight_loss",
            "sudden_onset_minor_trauma"} <= set(ids)
    assert not {"age", "pain_now", "duration_weeks", "pregnant"} & set(ids)
    assert all(q.group in ("emergency", "same_day") for q in SCREEN.recheck_questions())


def test_recheck_needs_only_the_recheck_questions() -> None:
    recheck = {q.id: q.none_value for q in SCREEN.recheck_questions()}
    result = evaluate_recheck(recheck)
    assert result.tier == "self_care" and result.missing == []
    assert evaluate(recheck).tier == "incomplete"


def test_recheck_applies_the_same_rules_and_reports_missing_ones() -> None:
    recheck = {q.id: q.none_value for q in SCREEN.recheck_questions()}
    assert evaluate_recheck({**recheck, "both_legs": True}).tier == "emergency"
    del recheck["fever"]
    result = evaluate_recheck(recheck)
    assert result.tier == "incomplete" and result.missing == ["fever"]
    assert result.exercise_allowed is False


def test_recheck_with_earlier_answers_keeps_combination_rules() -> None:
    recheck = {q.id: q.none_value for q in SCREEN.recheck_questions()}
    merged = {**alice(age=72), **recheck, "sudden_onset_minor_trauma": True}
    assert evaluate_recheck(merged).tier == "same_day"


# ---- bad answers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"sadle_numbness": True}, "sadle_numbness", "unknown question"),
        ({"age": True}, "age", "whole number"),  # JSON true is not a number
        ({"saddle_numbness": 1}, "saddle_numbness", "true or false"),  # nor is 1 a yes
        ({"saddle_numbness": "yes"}, "saddle_numbness", "true or false"),
        ({"fever": [True]}, "fever", "true or false"),
        ({"age": 35.0}, "age", "whole number"),
        ({"age": "35"}, "age", "whole number"),
        ({"age": -1}, "age", "out of range 0-120"),
        ({"age": 121}, "age", "out of range 0-120"),
        ({"pain_now": 11}, "pain_now", "out of range 0-10"),
        ({"duration_weeks": 521}, "duration_weeks", "out of range 0-520"),
        ({"pregnancy_weeks": 46}, "pregnancy_weeks", "out of range 0-45"),
        ({"leg_weakness": "left"}, "leg_weakness", "none, one_leg, worsening_or_both"),
        ({"leg_weakness": 1}, "leg_weakness", "expected one of"),
        ({"leg_weakness": True}, "leg_weakness", "expected one of"),
    ],
    ids=str,
)
def test_bad_answers_raise_answer_error_naming_the_field(
    changes: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(AnswerError) as caught:
        evaluate(alice(**changes))
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert words in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_non_string_key_is_an_unknown_question() -> None:
    with pytest.raises(AnswerError) as caught:
        evaluate_recheck({1: True})  # type: ignore[dict-item]
    assert caught.value.field == "1"


def test_check_answers_drops_nulls_and_keeps_valid_values() -> None:
    assert check_answers({"age": 40, "fever": None}) == {"age": 40}


@pytest.mark.parametrize(
    ("question_id", "text", "expected"),
    [
        ("fever", "y", True),
        ("fever", " No ", False),
        ("fever", "", None),
        ("age", "42", 42),
        ("leg_weakness", "2", "one_leg"),
        ("leg_weakness", "worsening_or_both", "worsening_or_both"),
        ("pregnancy_weeks", "", None),
    ],
)
def test_parse_turns_typed_text_into_answers(question_id: str, text: str, expected: Any) -> None:
    assert SCREEN.question(question_id).parse(text) == expected


@pytest.mark.parametrize(
    ("question_id", "text"),
    [("fever", "maybe"), ("age", "forty"), ("age", "-3"), ("age", "200"), ("leg_weakness", "4"),
     ("leg_weakness", "left")],
)
def test_parse_rejects_bad_text_naming_the_field(question_id: str, text: str) -> None:
    with pytest.raises(AnswerError) as caught:
        SCREEN.question(question_id).parse(text)
    assert caught.value.field == question_id


# ---- wording ----------------------------------------------------------------------------------


def test_questions_use_plain_body_specific_words() -> None:
    assert "between your legs" in SCREEN.question("saddle_numbness").text
    assert "around your" in SCREEN.question("saddle_numbness").text
    assert "trouble starting to pee" in SCREEN.question("bladder_change").text
    assert "poo" in SCREEN.question("bowel_change").text
    for question in SCREEN.questions:
        assert "?" in question.text, question.id  # asked as a question, not a statement
        assert len(question.help) > 20, question.id


def test_emergency_questions_come_first() -> None:
    groups = [q.group for q in SCREEN.questions]
    assert groups == sorted(groups, key=("emergency", "same_day", "other").index)
    assert groups[0] == "emergency"


def test_the_screen_never_talks_about_popping() -> None:
    text = (content_root() / "screening.yaml").read_text(encoding="utf-8")
    assert not re.search(r"\bpop", text.split("\ngroups:", 1)[1], re.IGNORECASE)


def test_questions_for_tier_lists_what_emergency_rules_look_at() -> None:
    ids = {q.id for q in SCREEN.questions_for_tier("emergency")}
    assert {"fever", "cancer_history", "saddle_numbness", "leg_weakness"} <= ids
    assert "age" not in ids


# ---- content validation ----------------------------------------------------------------------


def _load_modified(tmp_path: Path, change: Any) -> None:
    data = yaml.safe_load((content_root() / "screening.yaml").read_text(encoding="utf-8"))
    change(data)
    (tmp_path / "screening.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (tmp_path / "sources.yaml").write_text(
        (content_root() / "sources.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    load_screen(tmp_path / "screening.yaml")


def _rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    rule: dict[str, Any] = next(r for r in data["rules"] if r["id"] == rule_id)
    return rule


def _question(data: dict[str, Any], question_id: str) -> dict[str, Any]:
    question: dict[str, Any] = next(q for q in data["questions"] if q["id"] == question_id)
    return question


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda d: _rule(d, "fever")["when"].update(question="fevr"), "rules[", "unknown"),
        (lambda d: _rule(d, "fever").update(sources=["made-up"]), ".sources[0]",
         "unknown source 'made-up'"),
        (lambda d: _rule(d, "fever").update(exercise_allowed=True), ".exercise_allowed",
         "never allow exercise"),
        (lambda d: _rule(d, "fever")["when"].update(equals=False), ".when.equals",
         "equals: true"),
        (lambda d: _rule(d, "one-leg-weakness")["when"].update(equals="left"), ".when.equals",
         "not a choice of leg_weakness"),
        (lambda d: _rule(d, "fever")["when"].update(at_least=1), "when", "exactly one of"),
        (lambda d: _rule(d, "fever").update(tier="urgent"), "tier", "Input should be"),
        (lambda d: _rule(d, "fever").update(adds_conditions=["bad_back"]), "adds_conditions",
         "Input should be"),
        (lambda d: _question(d, "fever").update(hepl="typo"), "hepl", "Extra inputs"),
        (lambda d: d["questions"].remove(_question(d, "bowel_change")), "questions",
         "missing required question 'bowel_change'"),
        (lambda d: _question(d, "age").update(required=False), "questions.age.required",
         "must be true"),
        (lambda d: d["questions"].append(dict(_question(d, "fever"))), "id",
         "duplicate question id 'fever'"),
        (lambda d: d["questions"].append({**_question(d, "fever"), "id": "late_flag"}), "group",
         "group by group"),
        (lambda d: _question(d, "age").update(minimum=None), "questions[", "minimum <= maximum"),
        (lambda d: d["tiers"].pop("incomplete"), "tiers.incomplete", "missing"),
        (lambda d: _rule(d, "fever").update(
            exercise_allowed_if={"question": "cleared_for_exercise", "equals": True}),
         ".exercise_allowed_if", "can be cleared"),
        (lambda d: _rule(d, "spinal-fusion").update(exercise_allowed=True),
         ".exercise_allowed_if", "can be cleared"),
        (lambda d: _rule(d, "spinal-fusion")["exercise_allowed_if"].update(equals=False),
         ".exercise_allowed_if.equals", "equals: true"),
        (lambda d: _question(d, "age").update(skip_if={"question": "age", "at_least": 60}),
         ".skip_if", "unknown (or later) question"),
        (lambda d: _question(d, "duration_weeks").update(
            skip_if={"question": "age", "at_least": 60}), ".skip_if", "only a yes/no"),
        (lambda d: _question(d, "age").update(parts=[{"id": "a", "text": "Part one?"},
                                                     {"id": "b", "text": "Part two?"}]),
         "questions[", "only yes/no questions take parts"),
        (lambda d: _question(d, "inflammatory_features").update(
            parts=[{"id": "only", "text": "Just one part?"}]), "questions[", "two or more"),
    ],
    ids=[
        "unknown-question", "unknown-source", "emergency-exercise", "tests-a-no",
        "bad-choice", "two-operators", "bad-tier", "bad-condition", "typo-key",
        "missing-question", "optional-required", "duplicate", "group-order", "int-range",
        "missing-tier", "clear-a-same-day", "cleared-and-allowed", "clearance-tests-a-no",
        "skip-on-itself", "skip-a-number", "parts-on-a-number", "one-part",
    ],
)
def test_broken_screen_content_fails_with_file_and_field(
    tmp_path: Path, change: Any, field: str, words: str
) -> None:
    with pytest.raises(ContentError) as caught:
        _load_modified(tmp_path, change)
    message = str(caught.value)
    assert message.startswith("screening.yaml: ")
    assert field in caught.value.field_path or field in message
    assert words in message


def test_the_shipped_screen_loads_and_cites_only_known_sources() -> None:
    screen = load_screen()
    for rule in screen.rules:
        assert rule.sources and set(rule.sources) <= set(screen.sources), rule.id
        assert screen.cite(rule.sources)


def test_safety_rules_page_lists_every_rule_with_its_sources_and_is_current() -> None:
    from backrelief.docsgen.safety_rules import render

    page = render()
    for rule in SCREEN.rules:
        section = page.split(f"#### `{rule.id}`", 1)[1].split("####", 1)[0]
        assert f"**Tier:** {rule.tier}" in section
        for citation in SCREEN.cite(rule.sources):
            assert citation in section, rule.id
    for question in SCREEN.questions:
        assert f"`{question.id}`" in page
    assert "`pop_with_pain`" in page
    checked_in = Path(__file__).parents[2] / "docs" / "safety-rules.md"
    assert checked_in.read_text(encoding="utf-8") == page, "run `make docs`"
