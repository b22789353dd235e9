"""core.stop_rules: each check-in response maps to continue / skip / stop, advice and re-screening."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from backrelief.core.catalog import ContentError, content_root
from backrelief.core.screening import AnswerError, default_screen
from backrelief.core.stop_rules import (
    CHOICE_LABELS,
    STOP_RESPONSES,
    decide,
    default_stop_rules,
    ends_session,
    load_stop_rules,
)


@pytest.mark.parametrize(
    ("response", "action", "rescreen", "words"),
    [
        ("feels_fine", "continue", False, "Keep moving"),
        ("mild_discomfort", "continue", False, "Ease off"),
        ("sharp_or_worse", "skip", False, "Stop this technique"),
        ("spreading_leg", "stop", True, "Stop the session"),
        ("numbness_tingling", "stop", True, "call your emergency number"),
        ("dizzy_faint", "stop", True, "lie on your left side"),
        ("pop_with_pain", "stop", True, "don't try to make it happen again"),
    ],
)
def test_each_response_maps_to_its_action_advice_and_rescreen(
    response: str, action: str, rescreen: bool, words: str
) -> None:
    decision = decide(response)
    assert decision.response == response
    assert decision.action == action
    assert decision.rescreen is rescreen
    assert words in decision.advice
    assert decision.sources and set(decision.sources) <= set(default_screen().sources)


def test_every_required_response_is_offered_in_order() -> None:
    ids = [response.id for response in default_stop_rules().responses]
    assert ids == list(STOP_RESPONSES)


def test_red_flag_responses_all_ask_for_a_rescreen_and_stop() -> None:
    for response in ("spreading_leg", "numbness_tingling", "dizzy_faint", "pop_with_pain"):
        decision = decide(response)
        assert decision.action == "stop" and decision.rescreen, response


def test_continue_never_rescreens_and_skip_says_when_to_end_the_session() -> None:
    for response in default_stop_rules().responses:
        if response.action == "continue":
            assert not response.rescreen
    assert "end the session" in decide("sharp_or_worse").advice


def test_pregnancy_adds_maternity_advice_to_dizziness() -> None:
    plain = decide("dizzy_faint")
    pregnant = decide("dizzy_faint", conditions={"pregnancy"})
    assert "maternity unit" not in plain.advice
    assert "maternity unit" in pregnant.advice
    assert pregnant.advice.startswith(plain.advice)


def test_thin_bones_make_a_pop_with_pain_a_same_day_matter() -> None:
    assert "contact a doctor today" in decide("pop_with_pain", conditions=["osteoporosis"]).advice
    assert "small break" not in decide("pop_with_pain").advice


def test_unknown_response_is_an_answer_error_naming_the_field() -> None:
    with pytest.raises(AnswerError) as caught:
        decide("crack_it")
    assert caught.value.field == "response"
    assert "crack_it" in str(caught.value) and "feels_fine" in str(caught.value)


def test_to_json_has_the_decision() -> None:
    document = decide("spreading_leg").to_json()
    assert document["action"] == "stop" and document["rescreen"] is True
    assert set(document) == {"response", "label", "action", "advice", "rescreen", "sources",
                             "choices"}
    assert document["choices"] == [{"id": "recheck", "label": "Answer the safety questions again"}]


@pytest.mark.parametrize(
    ("response", "choices"),
    [
        ("feels_fine", ()),
        ("mild_discomfort", ()),
        ("sharp_or_worse", ("rest", "skip", "end")),
        ("spreading_leg", ("recheck",)),
        ("numbness_tingling", ("recheck",)),
        ("dizzy_faint", ("recheck",)),
        ("pop_with_pain", ("recheck",)),
    ],
)
def test_each_response_offers_its_choices(response: str, choices: tuple[str, ...]) -> None:
    decision = decide(response)
    assert decision.choices == choices
    assert decision.is_stop is bool(choices)
    for choice in choices:
        assert decision.choose(choice) == choice
        assert CHOICE_LABELS[decision.choose(choice)]


def test_only_end_and_recheck_end_the_session() -> None:
    assert [c for c in CHOICE_LABELS if ends_session(c)] == ["end", "recheck"]


def test_a_choice_the_response_does_not_offer_is_an_answer_error() -> None:
    with pytest.raises(AnswerError) as caught:
        decide("numbness_tingling").choose("rest")  # a red flag cannot be rested away
    assert caught.value.field == "choice" and "recheck" in str(caught.value)
    with pytest.raises(AnswerError):
        decide("feels_fine").choose("skip")
    with pytest.raises(AnswerError):
        decide("sharp_or_worse").choose("")  # three to choose from: no default
    assert decide("dizzy_faint").choose("") == "recheck"


def test_pop_is_only_named_as_the_response_a_pop_followed_by_pain() -> None:
    for response in default_stop_rules().responses:
        mentions = re.search(r"\bpop", response.advice + " ".join(
            response.condition_advice.values()), re.IGNORECASE)
        assert mentions is None, response.id
        if response.id != "pop_with_pain":
            assert "pop" not in response.label.lower()
    assert decide("pop_with_pain").label == "A pop followed by pain"


def _copy_with(tmp_path: Path, change: object) -> Path:
    data = yaml.safe_load((content_root() / "stop_rules.yaml").read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    (tmp_path / "stop_rules.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (tmp_path / "sources.yaml").write_text(
        (content_root() / "sources.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return tmp_path / "stop_rules.yaml"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d["responses"].pop(3), "missing required response 'spreading_leg'"),
        (lambda d: d["responses"][0].update(action="pause"), "responses[0].action"),
        (lambda d: d["responses"][0].update(sources=["made-up"]), "unknown source 'made-up'"),
        (lambda d: d["responses"].append(dict(d["responses"][0])), "duplicate id 'feels_fine'"),
        (lambda d: d["responses"][1].update(condition_advice={"flu": "rest"}),
         "condition_advice"),
    ],
    ids=["missing", "bad-action", "bad-source", "duplicate", "bad-condition"],
)
def test_broken_stop_rules_fail_with_file_and_field(
    tmp_path: Path, change: object, words: str
) -> None:
    with pytest.raises(ContentError) as caught:
        load_stop_rules(_copy_with(tmp_path, change))
    assert str(caught.value).startswith("stop_rules.yaml: ")
    assert words in str(caught.value)
