"""Desk breaks: the page, and starting a break behind the safety gate."""

from __future__ import annotations

from fastapi.testclient import TestClient

from backrelief.store import Database, all_settings, get_session, set_setting
from tests.web.conftest import BLOCKING_ANSWERS, CLEAR_ANSWERS, counts, store_screen


def test_the_page_shows_a_seated_or_standing_routine_and_the_reminder_settings(
        client: TestClient) -> None:
    page = client.get("/breaks")
    assert page.status_code == 200
    assert "seated or standing" in page.text and 'id="breaks-settings"' in page.text
    assert "js/breaks.js" in page.text  # the reminder script runs on every page


def test_a_break_needs_a_screen_that_allows_exercise(client: TestClient,
                                                     database: Database) -> None:
    before = counts(database)
    response = client.post("/breaks/start", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/check")
    store_screen(database, BLOCKING_ANSWERS["same_day"])
    blocked = client.post("/breaks/start", follow_redirects=False)
    assert "/play" not in blocked.headers["location"]
    assert counts(database)["sessions"] == before["sessions"]


def test_a_break_plays_off_the_floor_and_leaves_the_usual_choices_alone(
        client: TestClient, database: Database) -> None:
    with database.session(write=True) as s:
        set_setting(s, "minutes", 20)
        set_setting(s, "region", "lower")
        set_setting(s, "conditions", ["knee_problem"])
    store_screen(database, CLEAR_ANSWERS)
    response = client.post("/breaks/start", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("/play")
    session_id = int(response.headers["location"].split("/")[2])
    with database.session() as s:
        routine = get_session(s, session_id).routine
        settings = all_settings(s)
    assert routine["items"]
    assert all(item["position"] in ("seated", "standing") for item in routine["items"])
    assert routine["profile"]["conditions"] == ["knee_problem"]
    assert routine["profile"]["no_floor"] is True and routine["profile"]["minutes"] == 3
    assert (settings["minutes"], settings["region"]) == (20, "lower")
