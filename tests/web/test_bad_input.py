"""Bad input of every kind is a 4xx naming the field, and nothing is written (issue 15).

Each case here answered 500, or was stored, before: ids past the database's integer range,
Unicode digits, deeply nested or duplicated JSON, unparseable bodies, an incomplete screen,
feedback for a technique the session never had, minutes=0 on the settings form, a non-boolean
``gentle_only``, settings out of range.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from backrelief.store import Database
from tests.web.conftest import CLEAR_ANSWERS, build_session, counts, store_screen

BIG = str(2**63)  # one past the largest 64-bit id
HUGE = "9" * 40


@pytest.fixture
def screened(client: TestClient, database: Database) -> TestClient:
    store_screen(database, CLEAR_ANSWERS)
    return client


def assert_names(response: Any, field: str, status: int = 422) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["field"] == field, body
    assert body["error"].startswith(f"{field}:"), body


@pytest.mark.parametrize("big", [BIG, HUGE])
@pytest.mark.parametrize(("method", "template", "field"), [
    ("DELETE", "/api/diary/ratings/{}", "rating_id"),
    ("POST", "/api/diary/sessions/{}/feedback", "session_id"),
    ("GET", "/api/sessions/{}/timeline", "session_id"),
    ("POST", "/api/sessions/{}/after", "session_id"),
    ("GET", "/session/{}", "session_id"),
    ("GET", "/session/{}/play", "session_id"),
    ("GET", "/session/{}/after", "session_id"),
    ("POST", "/session/{}/after", "session_id"),
    ("GET", "/session/{}/summary", "session_id"),
    ("POST", "/session/{}/hurt", "session_id"),
    ("GET", "/check/result/{}", "screen_id"),
])
def test_ids_beyond_int64_name_the_id(screened: TestClient, database: Database, method: str,
                                      template: str, field: str, big: str) -> None:
    before = counts(database)
    json_body = {"technique": "cat-cow", "verdict": "better"} if "feedback" in template else None
    response = screened.request(method, template.format(big), json=json_body)
    assert_names(response, field)
    assert counts(database) == before


def test_a_rating_for_a_session_id_beyond_int64(screened: TestClient, database: Database) -> None:
    before = counts(database)
    response = screened.post("/api/diary/ratings", json={"pain": 3, "session_id": 2**63})
    assert_names(response, "session_id")
    assert counts(database) == before


@pytest.mark.parametrize("digit", ["³", "٣", "５", "1²"])
def test_unicode_digits_are_not_numbers(screened: TestClient, database: Database,
                                        digit: str) -> None:
    """``str.isdigit`` takes these; ``int`` refused "³" (a 500) and read "٣" and "５" as 3, 5."""
    session_id = build_session(screened)
    before = counts(database)
    forms = [
        ("/progress/rating", {"pain": digit}),
        (f"/session/{session_id}/after", {"pain": digit}),
        ("/session/start", {"region": "whole", "minutes": "5", "pain": digit}),
        ("/session/start", {"region": "whole", "minutes": digit, "pain": "4"}),
        ("/settings", {"region": "whole", "minutes": digit}),
    ]
    for path, data in forms:
        response = screened.post(path, data=data, follow_redirects=False)
        assert response.status_code == 422, (path, data, response.status_code)
    assert counts(database) == before


@pytest.mark.parametrize("digit", ["³", "٣", "５"])
def test_unicode_digits_in_the_check_are_refused(client: TestClient, database: Database,
                                                 digit: str) -> None:
    before = counts(database)
    response = client.post("/check", data={"step": "other", "answers": "{}", "asked": "[]",
                                          "age": digit})
    assert response.status_code == 422
    assert counts(database) == before


@pytest.mark.parametrize("depth", [50, 100_000])
def test_deeply_nested_answers_in_the_check(client: TestClient, database: Database,
                                            depth: int) -> None:
    """Nesting in the check's hidden answers field was a RecursionError (500)."""
    nested = "[" * depth + "]" * depth
    before = counts(database)
    response = client.post("/check", data={"step": "emergency", "answers":
                                           '{"age": ' + nested + "}", "asked": "[]"})
    assert 400 <= response.status_code < 500
    assert "answers" in response.text
    assert counts(database) == before


@pytest.mark.parametrize("depth", [50, 100_000])
def test_deeply_nested_json_bodies(client: TestClient, database: Database, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    before = counts(database)
    for path in ("/api/screen", "/api/diary/screens", "/api/plan", "/api/diary/ratings"):
        response = client.post(path, content='{"pain": ' + nested + "}",
                               headers={"content-type": "application/json"})
        assert_names(response, "body")
    assert counts(database) == before


def test_an_empty_screen_is_refused(client: TestClient, database: Database) -> None:
    """``{}`` was stored as an incomplete screen, which then blocked the builder."""
    before = counts(database)
    response = client.post("/api/diary/screens", json={})
    assert response.status_code == 422
    assert response.json()["field"] in CLEAR_ANSWERS
    assert counts(database) == before
    partial = {key: value for key, value in CLEAR_ANSWERS.items() if key != "age"}
    assert_names(client.post("/api/diary/screens", json=partial), "age")
    assert counts(database) == before
    # A red flag already answered is an emergency however much is missing: that is kept.
    assert client.post("/api/diary/screens", json={"saddle_numbness": True}).status_code == 201


@pytest.mark.parametrize(("technique", "problem"), [
    ("no-such-technique", "no technique called"),  # not in the catalogue
    ("standing-back-extension", "not in session"),  # in the catalogue, not in this session
])
def test_feedback_for_a_technique_the_session_did_not_have(
        screened: TestClient, database: Database, technique: str, problem: str) -> None:
    session_id = build_session(screened, minutes="3", region="upper")
    with database.session() as s:
        from backrelief.store import get_session

        assert technique not in get_session(s, session_id).techniques
    before = counts(database)
    response = screened.post(f"/api/diary/sessions/{session_id}/feedback",
                             json={"technique": technique, "verdict": "worse"})
    assert_names(response, "technique")
    assert problem in response.json()["error"]
    assert counts(database) == before


def test_minutes_zero_on_the_settings_form_is_an_error(client: TestClient,
                                                       database: Database) -> None:
    """It was saved as 10: ``form_int(...) or 10`` took 0 for "not given"."""
    before = counts(database)
    response = client.post("/settings", data={"region": "whole", "minutes": "0"},
                           follow_redirects=False)
    assert response.status_code == 422
    assert 'id="f-minutes"' in response.text or "minutes" in response.text
    assert counts(database) == before
    assert client.get("/api/settings").json()["minutes"] == 10


def test_duplicate_json_keys_are_refused_naming_the_key(client: TestClient,
                                                        database: Database) -> None:
    """``{"pain": 11, "pain": 1}`` stored 1: the last key won, and the 11 was never checked."""
    before = counts(database)
    response = client.post("/api/diary/ratings", content='{"pain": 11, "pain": 1}',
                           headers={"content-type": "application/json"})
    assert_names(response, "pain")
    response = client.put("/api/settings", content='{"minutes": 5, "minutes": 5}',
                          headers={"content-type": "application/json"})
    assert_names(response, "minutes")
    assert counts(database) == before


@pytest.mark.parametrize("value", [0, 1, "true", None])
def test_gentle_only_must_be_a_boolean(client: TestClient, value: object) -> None:
    assert_names(client.post("/api/plan", json={"gentle_only": value}), "gentle_only")
    assert client.post("/api/plan", json={"gentle_only": True}).status_code == 200


@pytest.mark.parametrize("body", [b"{pain: 5", b'{"pain": 5', b"\xff\xfe", b"[1,]", b"NaN",
                                  b'{"pain": NaN}'])
@pytest.mark.parametrize("path", ["/api/diary/ratings", "/api/plan", "/api/screen"])
def test_unparseable_bodies_get_the_apps_own_error(client: TestClient, database: Database,
                                                   body: bytes, path: str) -> None:
    """Not "There was an error parsing the body" (400, no field), nor ``"field": "1"``."""
    before = counts(database)
    response = client.post(path, content=body, headers={"content-type": "application/json"})
    assert_names(response, "body")
    assert "error parsing the body" not in response.text
    assert counts(database) == before


def test_a_body_that_is_not_json_names_the_body(client: TestClient) -> None:
    response = client.post("/api/diary/ratings", content=b"pain=5",
                           headers={"content-type": "text/plain"})
    assert response.status_code == 422
    assert response.json()["field"] == "body"


@pytest.mark.parametrize(("settings", "field"), [
    ({"minutes": 9999}, "minutes"), ({"minutes": 0}, "minutes"), ({"minutes": "5"}, "minutes"),
    ({"region": "bogus"}, "region"), ({"equipment": ["anvil"]}, "equipment.0"),
    ({"conditions": ["bogus"]}, "conditions.0"), ({"colour": "red"}, "colour"),
])
def test_settings_out_of_range_are_refused(client: TestClient, database: Database,
                                           settings: dict[str, Any], field: str) -> None:
    before = counts(database)
    assert_names(client.put("/api/settings", json=settings), field)
    assert counts(database) == before
