"""The safety check pages: group by group, early end on red flags, follow-ups, the re-check,
results. Every test drives the real pages: it reads each page's form and answers what it asks."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from backrelief.core.screening import default_screen
from backrelief.store import Database, list_screens, list_sessions
from backrelief.store.types import utcnow
from tests.web.conftest import CLEAR_ANSWERS, counts, store_screen

SCREEN = default_screen()
OTHER_IDS = {question.id for question in SCREEN.in_group("other")}
OTHER_FORM = {
    "age": "40", "first_episode": "no", "duration_weeks": "1",
    "cancer_history": "no", "infection_risk": "no", "fragility_risk": "no",
    "blood_thinners": "no", "inflammatory_features__over_3_months": "no",
    "recent_spinal_surgery": "no", "spinal_fusion": "no", "severe_not_coping": "no",
    "pain_now": "4",
}


def hidden(response: Response, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', response.text)
    assert match, response.text[:500]
    return html.unescape(match.group(1))


def hidden_answers(response: Response) -> str:
    return hidden(response, "answers")


def fields_on(response: Response) -> set[str]:
    """The names of the visible inputs of a check page."""
    names = set(re.findall(r'<input type="(?:radio|checkbox|number)" name="([^"]+)"',
                           response.text))
    return names


def step(client: TestClient, previous: Response | None, name: str, mode: str = "full",
         **fields: Any) -> Response:
    """Post one step as the page's form would (its hidden state, plus ``fields``)."""
    state = ({"answers": hidden(previous, "answers"), "asked": hidden(previous, "asked")}
             if previous is not None else {"answers": "{}", "asked": "[]"})
    data = {"mode": mode, "step": name, **state, **fields}
    response: Response = client.post("/check", data=data, follow_redirects=False)
    return response


def form_value(question_id: str, value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def walk(client: TestClient, answers: dict[str, Any], start: str = "/check",
         mode: str = "full") -> tuple[Response, list[set[str]]]:
    """Answer every page the check shows from ``answers``; returns the last response (the
    redirect to the result, or a page with errors) and the fields each page asked."""
    page = client.get(start)
    seen: list[set[str]] = []
    while page.status_code == 200:
        names = fields_on(page)
        seen.append(names)
        current = hidden(page, "step")
        data: dict[str, str] = {}
        for name in names:
            question_id, _, part = name.partition("__")
            if question_id not in answers:
                continue
            value = answers[question_id]
            if part:  # a question asked in parts: all yes for yes, the first part no for no
                if value is True or name.endswith("over_3_months"):
                    data[name] = form_value(question_id, value)
            elif current in ("emergency", "same_day") and isinstance(value, bool):
                if value:
                    data[name] = "yes"
            else:
                data[name] = form_value(question_id, value)
        page = step(client, page, current, mode=mode, **data)
    return page, seen


def stored(database: Database) -> list[Any]:
    with database.session() as s:
        return list_screens(s)


def test_first_step_lists_the_emergency_group(client: TestClient) -> None:
    page = html.unescape(client.get("/check").text)
    for question in default_screen().in_group("emergency"):
        assert question.label in page or question.text in page
    assert "Step 1 of 3" in page


def test_full_check_without_red_flags(client: TestClient, database: Database) -> None:
    first = step(client, None, "emergency", leg_weakness="none")
    assert first.status_code == 200 and "Step 2 of 3" in first.text
    second = step(client, first, "same_day")
    assert "Step 3 of 3" in second.text
    assert stored(database) == []  # nothing is stored until the result is final
    third = step(client, second, "other", **OTHER_FORM)
    assert third.status_code == 200 and fields_on(third) == {"pregnant"}  # after the age
    done = step(client, third, "other", pregnant="no")
    assert done.status_code == 303
    [screen] = stored(database)
    assert screen.tier == "self_care" and screen.exercise_allowed
    assert screen.answers == CLEAR_ANSWERS
    result = client.get(done.headers["location"]).text
    assert 'href="/build"' in result


def test_walking_the_pages_stores_what_was_answered(client: TestClient,
                                                    database: Database) -> None:
    done, _ = walk(client, CLEAR_ANSWERS)
    assert done.status_code == 303
    assert stored(database)[0].answers == CLEAR_ANSWERS


def test_the_leg_weakness_question_has_no_answer_chosen_for_you(client: TestClient,
                                                                database: Database) -> None:
    page = client.get("/check").text
    radios = re.findall(r'<input type="radio" name="leg_weakness"[^>]*>', page)
    assert len(radios) == 3 and not [radio for radio in radios if "checked" in radio]
    response = step(client, None, "emergency")  # nothing ticked, leg question unanswered
    assert response.status_code == 422
    assert 'href="#q-leg_weakness"' in response.text
    assert stored(database) == []


def test_a_red_flag_with_the_leg_question_unanswered_is_still_an_emergency(
    client: TestClient, database: Database
) -> None:
    response = step(client, None, "emergency", sudden_tummy_back_pain="yes")
    assert response.status_code == 303
    [screen] = stored(database)
    assert screen.tier == "emergency"
    assert [reason.rule for reason in screen.reasons] == ["possible-aortic-aneurysm"]


def test_pregnancy_is_skipped_from_60_and_recorded_as_no(client: TestClient,
                                                         database: Database) -> None:
    answers = {**CLEAR_ANSWERS, "age": 60}
    done, seen = walk(client, answers)
    assert done.status_code == 303
    assert not any("pregnant" in names for names in seen)
    assert stored(database)[0].answers["pregnant"] is False
    assert stored(database)[0].tier == "self_care"


def test_pregnancy_weeks_follow_a_yes(client: TestClient, database: Database) -> None:
    done, seen = walk(client, {**CLEAR_ANSWERS, "age": 30, "pregnant": True,
                               "pregnancy_weeks": 20})
    assert done.status_code == 303
    assert seen[-1] == {"pregnancy_weeks"}
    screen = stored(database)[0]
    assert screen.answers["pregnancy_weeks"] == 20


@pytest.mark.parametrize(("cleared", "allowed"), [(True, True), (False, False)])
def test_spinal_fusion_asks_about_clearance_and_only_then_allows_exercise(
    client: TestClient, database: Database, cleared: bool, allowed: bool
) -> None:
    done, seen = walk(client, {**CLEAR_ANSWERS, "spinal_fusion": True,
                               "cleared_for_exercise": cleared})
    assert done.status_code == 303
    assert any("cleared_for_exercise" in names for names in seen)
    screen = stored(database)[0]
    assert screen.tier == "see_professional" and screen.exercise_allowed is allowed


def test_without_a_fusion_clearance_is_never_asked(client: TestClient) -> None:
    _, seen = walk(client, CLEAR_ANSWERS)
    assert not any("cleared_for_exercise" in names for names in seen)


def test_inflammatory_features_are_asked_in_parts(client: TestClient,
                                                  database: Database) -> None:
    question = SCREEN.question("inflammatory_features")
    done, seen = walk(client, {**CLEAR_ANSWERS, "inflammatory_features": True})
    assert done.status_code == 303
    assert {question.part_field(part) for part in question.parts} <= set().union(*seen)
    assert "inflammatory_features" not in set().union(*seen)
    screen = stored(database)[0]
    assert screen.answers["inflammatory_features"] is True
    assert screen.tier == "see_professional"


def test_one_part_no_makes_inflammatory_features_no(client: TestClient,
                                                    database: Database) -> None:
    first = step(client, None, "emergency", leg_weakness="none")
    second = step(client, first, "same_day")
    form = {**OTHER_FORM, "inflammatory_features__over_3_months": "yes",
            "inflammatory_features__began_before_45": "yes",
            "inflammatory_features__eases_with_movement": "no"}
    third = step(client, second, "other", **form)
    done = step(client, third, "other", pregnant="no")
    assert done.status_code == 303
    assert stored(database)[0].answers["inflammatory_features"] is False


def test_blood_thinners_with_a_nerve_symptom_is_an_emergency(client: TestClient,
                                                             database: Database) -> None:
    first = step(client, None, "emergency", leg_weakness="one_leg")
    assert 'name="blood_thinners"' in first.text  # finishing a same-day check asks it
    done = step(client, first, "finish", blood_thinners="yes")
    assert done.status_code == 303
    screen = stored(database)[0]
    assert screen.tier == "emergency"
    assert "blood-thinners-with-nerve-symptoms" in [reason.rule for reason in screen.reasons]


def test_an_emergency_answer_ends_the_check_at_once(client: TestClient,
                                                    database: Database) -> None:
    response = step(client, None, "emergency", saddle_numbness="yes", leg_weakness="none")
    assert response.status_code == 303
    [screen] = stored(database)
    assert screen.tier == "emergency" and not screen.exercise_allowed
    page = client.get(response.headers["location"]).text
    assert "tier-emergency" in page
    assert 'href="tel:999"' in page
    assert "/build" not in page


def test_same_day_asks_what_the_emergency_rules_still_need(client: TestClient,
                                                          database: Database) -> None:
    first = step(client, None, "emergency", leg_weakness="one_leg")
    finish = first if first.status_code == 200 and 'value="finish"' in first.text else None
    assert finish is not None, "one-leg weakness with an unknown cancer history must ask it"
    assert 'name="cancer_history"' in finish.text
    assert stored(database) == []
    done = step(client, finish, "finish", cancer_history="yes")
    assert done.status_code == 303
    assert stored(database)[0].tier == "emergency"


def test_same_day_without_pending_questions_stores_at_once(client: TestClient,
                                                           database: Database) -> None:
    first = step(client, None, "emergency", leg_weakness="none")
    finish = step(client, first, "same_day", night_pain="yes")
    if finish.status_code == 200:  # the engine may still need an emergency question
        finish = step(client, finish, "finish", cancer_history="no")
    assert finish.status_code == 303
    assert stored(database)[0].tier == "same_day"


def test_unanswered_questions_are_shown_again_with_errors(client: TestClient,
                                                          database: Database) -> None:
    first = step(client, None, "emergency", leg_weakness="none")
    second = step(client, first, "same_day")
    form = {k: v for k, v in OTHER_FORM.items() if k not in ("age", "blood_thinners")}
    response = step(client, second, "other", **form)
    assert response.status_code == 422
    assert "Please answer this question." in response.text
    assert 'href="#q-age"' in response.text and 'href="#q-blood_thinners"' in response.text
    assert 'value="1"' in response.text  # what was typed is kept
    assert stored(database) == []


@pytest.mark.parametrize(("field", "value", "named"), [
    ("age", "forty", "age"), ("age", "130", "age"), ("pain_now", "11", "pain_now"),
    ("blood_thinners", "maybe", "blood_thinners"), ("spinal_fusion", "2", "spinal_fusion"),
    ("inflammatory_features__over_3_months", "perhaps", "inflammatory_features"),
])
def test_bad_values_are_shown_again_naming_the_question(client: TestClient, database: Database,
                                                        field: str, value: str,
                                                        named: str) -> None:
    first = step(client, None, "emergency", leg_weakness="none")
    second = step(client, first, "same_day")
    response = step(client, second, "other", **{**OTHER_FORM, field: value})
    assert response.status_code == 422
    assert f'href="#q-{named}"' in response.text
    assert stored(database) == []


@pytest.mark.parametrize(("fields", "named"), [
    ({"pregnant": "maybe"}, "pregnant"),
    ({"pregnant": "yes", "cleared_for_exercise": "perhaps"}, "cleared_for_exercise"),
])
def test_bad_follow_up_answers_are_shown_again(client: TestClient, database: Database,
                                               fields: dict[str, str], named: str) -> None:
    first = step(client, None, "emergency", leg_weakness="none")
    second = step(client, first, "same_day")
    third = step(client, second, "other", **{**OTHER_FORM, "spinal_fusion": "yes"})
    assert {"pregnant", "cleared_for_exercise"} <= fields_on(third)
    response = step(client, third, "other", **fields)
    assert response.status_code == 422
    assert f'href="#q-{named}"' in response.text
    assert stored(database) == []


@pytest.mark.parametrize(
    "data",
    [{"mode": "full", "step": "sideways", "answers": "{}"},
     {"mode": "full", "step": "same_day", "answers": "{not json"},
     {"mode": "full", "step": "same_day", "answers": "[]"},
     {"mode": "full", "step": "same_day", "answers": json.dumps({"age": "old"})},
     {"mode": "full", "step": "same_day", "answers": json.dumps({"flu": True})},
     {"mode": "full", "step": "same_day", "answers": json.dumps({"blood_thinners": "yes"})},
     {"mode": "full", "step": "same_day", "answers": json.dumps({"spinal_fusion": 1})},
     {"mode": "full", "step": "same_day", "answers": "{}", "asked": "{not json"},
     {"mode": "full", "step": "same_day", "answers": "{}", "asked": "{}"},
     # the last page, with the two lists never answered: start again
     {"mode": "full", "step": "other", "pregnant": "no",
      "answers": json.dumps({k: v for k, v in CLEAR_ANSWERS.items() if k in OTHER_IDS}),
      "asked": json.dumps(sorted(OTHER_IDS - {"pregnant"}))}],
)
def test_damaged_forms_are_refused_and_store_nothing(client: TestClient, database: Database,
                                                     data: dict[str, str]) -> None:
    before = counts(database)
    response = client.post("/check", data=data, follow_redirects=False)
    assert response.status_code == 400
    assert counts(database) == before


def test_recheck_asks_only_the_two_lists(client: TestClient, database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS, taken_at=utcnow() - timedelta(days=2))
    first = client.get("/check/recheck")
    assert first.status_code == 200
    assert "Anything new since last time?" in first.text or "recheck" in first.text
    carried = json.loads(hidden_answers(first))
    assert carried["age"] == 40 and "pain_now" not in carried
    second = step(client, first, "emergency", mode="recheck", leg_weakness="none")
    assert "Step 2 of 2" in second.text
    done = step(client, second, "same_day", mode="recheck")
    assert done.status_code == 303
    latest = stored(database)[-1]
    assert latest.tier == "self_care"
    assert client.get("/start", follow_redirects=False).headers["location"] == "/build"


def test_recheck_red_flag_blocks(client: TestClient, database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS, taken_at=utcnow() - timedelta(days=2))
    first = client.get("/check/recheck")
    done = step(client, first, "emergency", mode="recheck", both_legs="yes", leg_weakness="none")
    assert done.status_code == 303
    assert stored(database)[-1].tier == "emergency"
    assert client.get("/build", follow_redirects=False).headers["location"].startswith(
        "/check/result/")


def test_recheck_without_a_recent_full_screen_is_the_full_check(client: TestClient,
                                                               database: Database) -> None:
    assert client.get("/check/recheck", follow_redirects=False).headers["location"] == "/check"
    store_screen(database, CLEAR_ANSWERS, taken_at=utcnow() - timedelta(days=60))
    assert client.get("/check/recheck", follow_redirects=False).headers["location"] == "/check"


@pytest.mark.parametrize(("answers", "days"), [
    (CLEAR_ANSWERS, 8),  # a week on: every question again, as `backrelief session` does
    ({**CLEAR_ANSWERS, "recent_spinal_surgery": True}, 1),  # it did not allow exercise
])
def test_when_the_recheck_is_not_enough(client: TestClient, database: Database,
                                        answers: dict[str, Any], days: int) -> None:
    store_screen(database, answers, taken_at=utcnow() - timedelta(days=days))
    assert client.get("/start", follow_redirects=False).headers["location"] == "/check"
    assert client.get("/check/recheck", follow_redirects=False).headers["location"] == "/check"


def test_after_an_urgent_result_start_asks_everything_again(client: TestClient,
                                                           database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS, taken_at=utcnow() - timedelta(days=1))
    store_screen(database, {**CLEAR_ANSWERS, "fever": True})
    assert client.get("/start", follow_redirects=False).headers["location"] == "/check"


def test_result_pages(client: TestClient, database: Database) -> None:
    assert client.get("/check/result/99").status_code == 404
    professional = store_screen(database, {**CLEAR_ANSWERS, "duration_weeks": 8})
    page = client.get(f"/check/result/{professional}").text
    assert "See a GP or physiotherapist" in page
    assert 'href="/build"' in page  # see_professional still allows gentle exercise
    old = professional
    store_screen(database, CLEAR_ANSWERS)
    assert 'href="/build"' not in client.get(f"/check/result/{old}").text


def test_emergency_signs_page(client: TestClient) -> None:
    page = html.unescape(client.get("/check/emergency-signs").text)
    assert "999" in page
    emergency, same_day = page.split(SCREEN.groups["same_day"].title)
    for question_id in ("saddle_numbness", "sudden_tummy_back_pain", "chest_symptoms"):
        assert SCREEN.question(question_id).label in emergency
    # Weakness in one leg that is not getting worse is same day; worsening or both is 999.
    assert "getting worse, or weakness in both legs" in emergency
    assert "not getting worse" not in emergency
    assert "One weak leg" in same_day and "not getting worse" in same_day
    assert SCREEN.question("leg_weakness").label not in page


def test_blood_thinners_from_the_check_are_applied_to_the_plan(client: TestClient,
                                                               database: Database) -> None:
    done, _ = walk(client, {**CLEAR_ANSWERS, "blood_thinners": True})
    assert done.status_code == 303
    assert stored(database)[0].tier == "self_care"
    page = html.unescape(client.get("/build").text)
    always = page.split("From your safety check, always applied", 1)[1]
    assert "blood thinners (anticoagulants)" in always[:400]
    # The preview stores nothing; "Start the session" (POST /session/start) stores it.
    response = client.post("/session/start", data={"region": "upper", "minutes": "20",
                                                   "pain": "3", "equipment": "foam_roller"},
                           follow_redirects=False)
    assert response.status_code == 303
    with database.session() as s:
        [session] = list_sessions(s)
    assert "anticoagulants" in session.routine["profile"]["conditions"]
    techniques = {item["technique"] for item in session.routine["items"]}
    assert "thoracic-foam-roll" not in techniques
