"""The diary endpoints: ratings, screens, sessions and feedback, advice, export, delete-all."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backrelief.store import Database
from tests.web.conftest import CLEAR_ANSWERS, build_session, counts, store_screen


def test_ratings_round_trip(client: TestClient) -> None:
    created = client.post("/api/diary/ratings", json={"pain": 5, "where": "low back"})
    assert created.status_code == 201
    rating = created.json()
    assert rating["pain"] == 5 and rating["kind"] == "daily" and rating["where"] == "low back"
    assert client.get("/api/diary/ratings").json() == [rating]
    assert client.delete(f"/api/diary/ratings/{rating['id']}").status_code == 204
    assert client.get("/api/diary/ratings").json() == []
    assert client.delete(f"/api/diary/ratings/{rating['id']}").status_code == 404


def test_a_rating_can_say_the_pain_has_spread(client: TestClient) -> None:
    plain = client.post("/api/diary/ratings", json={"pain": 4}).json()
    spread = client.post("/api/diary/ratings", json={"pain": 4, "spread": True})
    assert spread.status_code == 201, spread.text
    assert plain["spread"] is False and spread.json()["spread"] is True
    assert [r["spread"] for r in client.get("/api/diary/ratings").json()] == [False, True]
    advice = client.get("/api/diary/advice").json()
    assert advice["tier"] == "see_professional"
    assert "spreading" in {reason["rule"] for reason in advice["reasons"]}


BAD_RATINGS: list[tuple[str, Any, str]] = [
    ("pain too high", {"pain": 11}, "pain"),
    ("pain negative", {"pain": -1}, "pain"),
    ("pain as text", {"pain": "5"}, "pain"),
    ("pain missing", {}, "pain"),
    ("unknown kind", {"pain": 3, "kind": "weekly"}, "kind"),
    ("where too long", {"pain": 3, "where": "x" * 81}, "where"),
    ("unknown key", {"pain": 3, "mood": "ok"}, "mood"),
    ("no such session", {"pain": 3, "kind": "after", "session_id": 999}, "session_id"),
    ("spread as text", {"pain": 3, "spread": "yes"}, "spread"),
    ("spread as a number", {"pain": 3, "spread": 1}, "spread"),
    ("spread as null", {"pain": 3, "spread": None}, "spread"),
    ("spread before a session", {"pain": 3, "kind": "before", "spread": True}, "spread"),
]


@pytest.mark.parametrize(("label", "body", "field"), BAD_RATINGS, ids=[b[0] for b in BAD_RATINGS])
def test_bad_ratings_are_422_and_store_nothing(client: TestClient, database: Database,
                                               label: str, body: Any, field: str) -> None:
    before = counts(database)
    response = client.post("/api/diary/ratings", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert counts(database) == before


def test_screens_are_evaluated_by_core_and_recorded(client: TestClient) -> None:
    response = client.post("/api/diary/screens", json={**CLEAR_ANSWERS, "fever": True})
    assert response.status_code == 201
    assert response.json()["tier"] == "same_day"
    stored = client.get("/api/diary/screens").json()
    assert [s["tier"] for s in stored] == ["same_day"]
    assert client.get("/api/diary/advice").json()["tier"] == "same_day"


def test_feedback_and_sessions(client: TestClient, database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    session_id = build_session(client)
    technique = client.get("/api/diary/sessions").json()[0]["routine"]["items"][0]["technique"]
    response = client.post(f"/api/diary/sessions/{session_id}/feedback",
                           json={"technique": technique, "verdict": "better"})
    assert response.status_code == 201
    assert response.json()["feedback"] == {technique: "better"}


@pytest.mark.parametrize(
    ("body", "field"),
    [({"technique": "cat-cow", "verdict": "great"}, "verdict"),
     ({"technique": "Cat Cow", "verdict": "better"}, "technique"),
     ({"verdict": "better"}, "technique")],
)
def test_bad_feedback_is_422(client: TestClient, database: Database, body: Any,
                             field: str) -> None:
    store_screen(database, CLEAR_ANSWERS)
    session_id = build_session(client)
    before = counts(database)
    response = client.post(f"/api/diary/sessions/{session_id}/feedback", json=body)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert counts(database) == before


def test_feedback_for_an_unknown_session_is_422(client: TestClient) -> None:
    response = client.post("/api/diary/sessions/42/feedback",
                           json={"technique": "cat-cow", "verdict": "better"})
    assert response.status_code == 422
    assert response.json()["field"] == "session_id"


def test_advice_without_data(client: TestClient) -> None:
    advice = client.get("/api/diary/advice").json()
    assert advice["tier"] == "self_care"
    assert advice["trend"]["direction"] == "no_data"


def test_exports(client: TestClient) -> None:
    client.post("/api/diary/ratings", json={"pain": 6})
    client.post("/api/diary/ratings", json={"pain": 4})
    everything = client.get("/api/diary/export")
    assert everything.headers["content-type"].startswith("application/json")
    assert "attachment" in everything.headers["content-disposition"]
    assert [r["pain"] for r in everything.json()["ratings"]] == [6, 4]
    rows = list(csv.DictReader(io.StringIO(client.get("/api/diary/export?format=csv").text)))
    assert [row["pain"] for row in rows] == ["6", "4"]
    fhir = client.get("/api/diary/export?format=fhir").json()
    assert fhir["resourceType"] == "Bundle"
    assert len(fhir["entry"]) == 2
    bad = client.get("/api/diary/export?format=pdf")
    assert bad.status_code == 422
    assert bad.json()["field"] == "format"


def test_the_json_export_holds_programmes_and_walks_but_no_calendar_token(
        client: TestClient, database: Database) -> None:
    from datetime import UTC, datetime, timedelta

    from backrelief.core.programme import ProgrammePlan
    from backrelief.store.activity import log_walk
    from backrelief.store.programme import add_checkin, start_programme

    today = datetime.now(UTC).date()
    with database.session(write=True) as s:
        record = start_programme(s, ProgrammePlan(today - timedelta(days=3), 4), {
            "region": "lower", "equipment": [], "minutes": 10, "conditions": [],
            "pregnancy_weeks": None, "pain": None, "gentle_only": False, "no_floor": False})
        add_checkin(s, record.id, 1, {"walking": 6}, 5, 7)
        log_walk(s, 20, today, today=today)
    response = client.get("/api/diary/export")
    document = response.json()
    assert [p["weeks"] for p in document["programmes"]] == [4]
    assert [c["activities"] for c in document["programme_checkins"]] == [{"walking": 6}]
    assert [w["minutes"] for w in document["walks"]] == [20]
    assert "calendar_token" not in response.text and record.calendar_token not in response.text


def test_delete_everything_needs_confirmation(client: TestClient, database: Database) -> None:
    client.post("/api/diary/ratings", json={"pain": 6})
    before = counts(database)
    for body in ({}, {"confirm": False}, {"confirm": "yes"}):
        response = client.request("DELETE", "/api/diary", json=body)
        assert response.status_code == 422
        assert response.json()["field"] == "confirm"
    assert counts(database) == before
    response = client.request("DELETE", "/api/diary", json={"confirm": True})
    assert response.status_code == 200
    assert response.json()["deleted"]["ratings"] == 1
    assert "storage" in response.headers["clear-site-data"]
    assert sum(counts(database).values()) == 0
