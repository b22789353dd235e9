"""The safety invariant (DESIGN.md): no routine is shown or played without a recent screen
that allows exercise. Enforced on the server for every route that shows or plays one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backrelief.store import Database, record_screen
from backrelief.store.models import Screen
from backrelief.store.types import utcnow
from backrelief.web.gate import SCREEN_FRESH_FOR
from tests.web.conftest import BLOCKING_ANSWERS, CLEAR_ANSWERS, build_session, counts, store_screen

ROUTINE_PAGES = ["/build", "/session/{id}", "/session/{id}/play"]


def assert_no_routine(client: TestClient, session_id: int | None) -> None:
    paths = ["/build"] + ([p.format(id=session_id) for p in ROUTINE_PAGES[1:]]
                          if session_id else [])
    for path in paths:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/check"), path
    if session_id:
        timeline = client.get(f"/api/sessions/{session_id}/timeline")
        assert timeline.status_code == 403
        assert timeline.json()["next"].startswith("/check")
        assert "cues" not in timeline.json()


def test_nothing_without_any_screen(client: TestClient) -> None:
    assert_no_routine(client, None)
    assert client.get("/start", follow_redirects=False).headers["location"] == "/check"


def test_a_fresh_clear_screen_opens_the_journey(client: TestClient, database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    assert client.get("/start", follow_redirects=False).headers["location"] == "/build"
    session_id = build_session(client)
    assert client.get(f"/session/{session_id}").status_code == 200
    assert client.get(f"/session/{session_id}/play").status_code == 200
    assert client.get(f"/api/sessions/{session_id}/timeline").json()["cues"]


@pytest.mark.parametrize("name", sorted(BLOCKING_ANSWERS))
def test_blocking_answers_never_reach_a_routine(client: TestClient, database: Database,
                                                name: str) -> None:
    store_screen(database, BLOCKING_ANSWERS[name])
    assert_no_routine(client, None)
    before = counts(database)
    response = client.post("/build", data={"minutes": "5", "pain": "3"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/check")
    assert counts(database) == before


@pytest.mark.parametrize("name", sorted(BLOCKING_ANSWERS))
def test_a_later_blocking_screen_locks_an_existing_session(client: TestClient,
                                                            database: Database,
                                                            name: str) -> None:
    store_screen(database, CLEAR_ANSWERS)
    session_id = build_session(client)
    store_screen(database, BLOCKING_ANSWERS[name])
    assert_no_routine(client, session_id)


def test_a_stale_screen_asks_again(client: TestClient, database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    session_id = build_session(client)
    assert client.get(f"/session/{session_id}/play").status_code == 200
    with database.session(write=True) as s:  # the same screen, taken too long ago
        for row in s.scalars(select(Screen)):
            row.taken_at = utcnow() - SCREEN_FRESH_FOR - timedelta(minutes=1)
    response = client.get(f"/session/{session_id}/play", follow_redirects=False)
    assert response.headers["location"] == "/check/recheck"
    assert client.get(f"/api/sessions/{session_id}/timeline").status_code == 403
    assert client.get("/start", follow_redirects=False).headers["location"] == "/check/recheck"


@pytest.mark.parametrize("answers", [BLOCKING_ANSWERS["emergency"], BLOCKING_ANSWERS["same_day"]])
def test_a_stored_row_is_never_more_permissive_than_core(client: TestClient, database: Database,
                                                         answers: dict[str, Any]) -> None:
    """A row claiming self_care for red-flag answers (a bug, an old version, a tampered
    import) is re-evaluated by core and still refused."""
    with database.session(write=True) as s:
        record_screen(s, answers=answers, tier="self_care", exercise_allowed=True)
    assert_no_routine(client, None)


def test_a_row_that_forbids_exercise_is_respected(client: TestClient, database: Database) -> None:
    with database.session(write=True) as s:
        record_screen(s, answers=CLEAR_ANSWERS, tier="see_professional", exercise_allowed=False)
    assert_no_routine(client, None)


def test_urgent_result_page_offers_no_routine(client: TestClient, database: Database) -> None:
    for name in ("emergency", "same_day"):
        screen_id = store_screen(database, BLOCKING_ANSWERS[name])
        page = client.get(f"/check/result/{screen_id}").text
        assert "/build" not in page
        assert 'href="/start"' not in page
        assert f"tier-{name}" in page
