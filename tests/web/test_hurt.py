"""POST /session/{id}/hurt: the stop rule's outcome, the person's choice, and the stop recorded."""

from __future__ import annotations

import html
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backrelief.core.stop_rules import decide, default_stop_rules
from backrelief.store import Database, get_session
from backrelief.store.stops import session_stops
from tests.web.conftest import CLEAR_ANSWERS, build_session, counts, store_screen


@pytest.fixture
def screened(client: TestClient, database: Database) -> TestClient:
    store_screen(database, CLEAR_ANSWERS)
    return client


def techniques_of(database: Database, session_id: int) -> tuple[str, ...]:
    with database.session() as s:
        return get_session(s, session_id).techniques


def hurt(client: TestClient, session_id: int, response_id: str, technique: str,
         choice: str = "", json_reply: bool = True, **extra: str) -> Any:
    headers = {"accept": "application/json"} if json_reply else {}
    data = {"response": response_id, "technique": technique, "choice": choice, **extra}
    return client.post(f"/session/{session_id}/hurt", headers=headers, follow_redirects=False,
                       data=data)


def stored(database: Database, session_id: int) -> Any:
    with database.session() as s:
        return get_session(s, session_id)


def test_continue_records_nothing(screened: TestClient, database: Database) -> None:
    session_id = build_session(screened)
    technique = techniques_of(database, session_id)[0]
    before = counts(database), stored(database, session_id).routine
    body = hurt(screened, session_id, "mild_discomfort", technique).json()
    assert body["action"] == "continue" and body["choices"] == []
    assert body["next"].endswith("/play")
    assert (counts(database), stored(database, session_id).routine) == before


@pytest.mark.parametrize("choice", ["rest", "skip"])
def test_sharp_pain_then_rest_or_skip_records_the_stop_and_the_session_goes_on(
        screened: TestClient, database: Database, choice: str) -> None:
    session_id = build_session(screened)
    technique = techniques_of(database, session_id)[0]
    body = hurt(screened, session_id, "sharp_or_worse", technique, choice).json()
    assert [c["id"] for c in body["choices"]] == ["rest", "skip", "end"]
    assert body["choice"] == choice and body["next"] == f"/session/{session_id}/play"
    record = stored(database, session_id)
    assert record.ended_at is None
    assert record.feedback == {technique: "stopped"}
    [stop] = session_stops(record.routine)
    assert (stop.technique, stop.response, stop.choice) == (technique, "sharp_or_worse", choice)
    assert stop.at is not None


def test_sharp_pain_then_end_ends_the_session_and_goes_to_the_rating(
        screened: TestClient, database: Database) -> None:
    session_id = build_session(screened)
    technique = techniques_of(database, session_id)[0]
    body = hurt(screened, session_id, "sharp_or_worse", technique, "end").json()
    assert body["next"] == f"/session/{session_id}/after"
    record = stored(database, session_id)
    assert record.completed is False and record.ended_at is not None
    assert record.stop_reason == decide("sharp_or_worse").label
    assert [(s.technique, s.choice) for s in session_stops(record.routine)] == [(technique, "end")]
    # The summary and the diary say where it stopped and why.
    summary = html.unescape(screened.get(f"/session/{session_id}/summary").text)
    assert "Stops" in summary
    assert decide("sharp_or_worse").label in summary and "End the session" in summary
    progress = html.unescape(screened.get("/progress").text)
    assert decide("sharp_or_worse").label in progress


@pytest.mark.parametrize("response_id", [r.id for r in default_stop_rules().responses
                                         if r.rescreen])
def test_red_flags_end_the_session_and_lead_to_the_recheck(
        screened: TestClient, database: Database, response_id: str) -> None:
    session_id = build_session(screened)
    technique = techniques_of(database, session_id)[1]
    body = hurt(screened, session_id, response_id, technique).json()  # one choice: implied
    assert body["action"] == "stop" and body["choice"] == "recheck"
    assert body["next"] == f"/check/recheck?session={session_id}"
    record = stored(database, session_id)
    assert record.completed is False and record.stop_reason == decide(response_id).label
    assert record.feedback == {technique: "stopped"}
    assert [(s.technique, s.response) for s in session_stops(record.routine)] == [
        (technique, response_id)]
    assert screened.get(f"/session/{session_id}/play", follow_redirects=False).headers[
        "location"] == f"/session/{session_id}/summary"
    plain = hurt(screened, session_id, response_id, technique, json_reply=False)
    assert plain.status_code == 303 and plain.headers["location"].startswith("/check/recheck")


def test_a_stop_sent_twice_with_its_id_counts_once(screened: TestClient,
                                                   database: Database) -> None:
    session_id = build_session(screened)
    technique = techniques_of(database, session_id)[0]
    for _ in range(2):  # the offline queue re-sends when it is not sure the first arrived
        assert hurt(screened, session_id, "sharp_or_worse", technique, "skip",
                    stop_id="a1b2-c3").status_code == 200
    assert len(session_stops(stored(database, session_id).routine)) == 1
    hurt(screened, session_id, "sharp_or_worse", technique, "rest", stop_id="other-1")
    assert len(session_stops(stored(database, session_id).routine)) == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"response": "itchy"}, "response"),
        ({"response": "sharp_or_worse"}, "choice"),  # three choices: one must be named
        ({"response": "sharp_or_worse", "choice": "later"}, "choice"),
        ({"response": "numbness_tingling", "choice": "rest"}, "choice"),
        ({"response": "sharp_or_worse", "choice": "skip", "technique": "not-in-routine"},
         "technique"),
        ({"response": "sharp_or_worse", "choice": "skip", "stop_id": "no spaces!"}, "stop_id"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
        screened: TestClient, database: Database, data: dict[str, str], field: str) -> None:
    session_id = build_session(screened)
    data = {"technique": techniques_of(database, session_id)[0], **data}
    before = counts(database), stored(database, session_id).routine
    response = screened.post(f"/session/{session_id}/hurt", data=data,
                             headers={"accept": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"].startswith(f"{field}:")
    assert (counts(database), stored(database, session_id).routine) == before


def test_the_fields_may_come_as_json(screened: TestClient, database: Database) -> None:
    session_id = build_session(screened)
    technique = techniques_of(database, session_id)[0]
    body = screened.post(f"/session/{session_id}/hurt", json={
        "response": "sharp_or_worse", "choice": "skip", "technique": technique,
        "stop_id": "j-1"}, headers={"accept": "application/json"}).json()
    assert body["choice"] == "skip"
    assert [s.id for s in session_stops(stored(database, session_id).routine)] == ["j-1"]
    for bad in ("[1, 2]", "{not json"):
        refused = screened.post(f"/session/{session_id}/hurt", content=bad,
                                headers={"content-type": "application/json"})
        assert refused.status_code == 422 and refused.json()["error"].startswith("body:")


def test_unknown_session_is_404(screened: TestClient) -> None:
    assert hurt(screened, 999, "feels_fine", "cat-cow").status_code == 404


def test_a_stopped_session_stays_stopped(screened: TestClient, database: Database) -> None:
    session_id = build_session(screened)
    first = techniques_of(database, session_id)[0]
    hurt(screened, session_id, "dizzy_faint", first)
    screened.post(f"/session/{session_id}/after", data={"pain": "3"})
    record = stored(database, session_id)
    assert record.completed is False and record.feedback[first] == "stopped"


def test_the_player_page_carries_each_decision_and_its_choices(screened: TestClient) -> None:
    session_id = build_session(screened)
    page = screened.get(f"/session/{session_id}/play").text
    for response in default_stop_rules().responses:
        decision = decide(response.id)
        assert (f'value="{response.id}" data-action="{response.action}" '
                f'data-choices="{" ".join(decision.choices)}"') in page
    for choice in ("rest", "skip", "end", "recheck"):
        assert f'data-choice="{choice}"' in page
