"""The safety check pages: group by group, early end on red flags, the re-check, results."""

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
from backrelief.store import Database, list_screens
from backrelief.store.types import utcnow
from tests.web.conftest import CLEAR_ANSWERS, counts, store_screen

OTHER_FORM = {
    "age": "40", "pregnant": "no", "first_episode": "no", "duration_weeks": "1",
    "cancer_history": "no", "infection_risk": "no", "fragility_risk": "no",
    "inflammatory_features": "no", "recent_spinal_surgery": "no", "severe_not_coping": "no",
    "pain_now": "4",
}


def hidden_answers(response: Response) -> str:
    match = re.search(r'name="answers" value="([^"]*)"', response.text)
    assert match, response.text[:500]
    return html.unescape(match.group(1))


def step(client: TestClient, previous: Response | None, name: str, mode: str = "full",
         **fields: Any) -> Response:
    answers = hidden_answers(previous) if previous is not None else "{}"
    data = {"mode": mode, "step": name, "answers": answers, **fields}
    response: Response = client.post("/check", data=data, follow_redirects=False)
    return response


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
    done = step(client, second, "other", **OTHER_FORM)
    assert done.status_code == 303
    [screen] = stored(database)
    assert screen.tier == "self_care" and screen.exercise_allowed
    assert screen.answers == CLEAR_ANSWERS
    result = client.get(done.headers["location"]).text
    assert 'href="/build"' in result


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
    form = {k: v for k, v in OTHER_FORM.items() if k not in ("age", "pregnant")}
    response = step(client, second, "other", **form)
    assert response.status_code == 422
    assert "Please answer this question." in response.text
    assert 'href="#q-age"' in response.text and 'href="#q-pregnant"' in response.text
    assert 'value="1"' in response.text  # what was typed is kept
    assert stored(database) == []


@pytest.mark.parametrize(("field", "value"), [("age", "forty"), ("age", "130"),
                                              ("pregnant", "maybe"), ("pain_now", "11")])
def test_bad_values_are_shown_again_naming_the_question(client: TestClient, database: Database,
                                                        field: str, value: str) -> None:
    first = step(client, None, "emergency", leg_weakness="none")
    second = step(client, first, "same_day")
    response = step(client, second, "other", **{**OTHER_FORM, field: value})
    assert response.status_code == 422
    assert f'href="#q-{field}"' in response.text
    assert stored(database) == []


@pytest.mark.parametrize(
    "data",
    [{"mode": "full", "step": "sideways", "answers": "{}"},
     {"mode": "full", "step": "same_day", "answers": "{not json"},
     {"mode": "full", "step": "same_day", "answers": "[]"},
     {"mode": "full", "step": "same_day", "answers": json.dumps({"age": "old"})},
     {"mode": "full", "step": "same_day", "answers": json.dumps({"flu": True})},
     {"mode": "full", "step": "other", "answers": "{}", **OTHER_FORM}],
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
    page = client.get("/check/emergency-signs").text
    assert "999" in page
    assert default_screen().in_group("emergency")[0].label[:20] in html.unescape(page)
