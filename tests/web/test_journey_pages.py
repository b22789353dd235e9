"""The web shell of the journey: previews store nothing, the session is stored when the player
starts, the diary's memory leaves techniques out (and "use it again" brings them back), and a
session started in the terminal reads the same here."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from fastapi.testclient import TestClient

from backrelief.core.catalog import default_catalog
from backrelief.core.planner import Profile, plan_routine
from backrelief.journey import sessions as journey_sessions
from backrelief.store import Database, add_feedback, get_session, list_ratings, list_sessions
from backrelief.store.types import utcnow
from tests.web.conftest import CLEAR_ANSWERS, build_session, counts, store_screen

CHOICES = {"region": "whole", "minutes": "10", "pain": "4"}


def _preview_url(client: TestClient, **fields: str) -> str:
    response = client.post("/build", data={**CHOICES, **fields}, follow_redirects=False)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/preview?"), location
    return str(location)


def _left_out(page: str) -> str:
    """The preview's "left out, and why", as plain lower-case text."""
    text = html.unescape(page)
    start = text.index("Left out, and why")
    return re.sub(r"<[^>]+>|\s+", " ", text[start:]).lower()


def _planned(page: str) -> list[str]:
    """Technique ids in the planned routine (the numbered list, not what was left out)."""
    routine = page[page.index('<ol class="routine">'):]
    return re.findall(r'href="/library/([a-z-]+)"', routine[:routine.index("</ol>")])


def test_preview_and_changing_choices_store_nothing(client: TestClient,
                                                    database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    before = counts(database)
    for minutes in ("5", "10", "15", "10"):
        url = _preview_url(client, minutes=minutes)
        page = client.get(url)
        assert page.status_code == 200
        assert 'action="/session/start"' in page.text
        change = re.search(r'href="(/build\?[^"]+)"', page.text)
        assert change is not None
        builder = client.get(html.unescape(change.group(1))).text
        assert f'name="minutes" value="{minutes}" checked' in builder  # the choices come back
    assert counts(database) == before


def test_start_stores_one_session_with_pain_before_and_opens_the_player(
        client: TestClient, database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    url = _preview_url(client, pain="6")
    hidden = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">',
                             client.get(url).text))
    assert hidden["pain"] == "6" and hidden["minutes"] == "10"
    response = client.post("/session/start", data=hidden, follow_redirects=False)
    assert re.fullmatch(r"/session/\d+/play", response.headers["location"])
    with database.session() as s:
        (record,) = list_sessions(s)
        assert [(r.kind, r.pain) for r in list_ratings(s)] == [("before", 6)]
    assert record.routine["version"] == 1
    assert record.routine["profile"]["minutes"] == 10


def test_start_with_bad_choices_stores_nothing(client: TestClient, database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    before = counts(database)
    for bad in ({"minutes": "99"}, {"pain": "11"}, {"region": "sideways"}, {"pain": ""}):
        response = client.post("/session/start", data={**CHOICES, **bad})
        assert response.status_code == 422, bad
        field = next(iter(bad))
        assert f'id="f-{field}"' in response.text or field in response.text
    assert counts(database) == before


def test_an_abandoned_session_is_recorded_once(client: TestClient, database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    first = build_session(client)
    second = build_session(client)
    with database.session() as s:
        abandoned = get_session(s, first)
        assert abandoned.ended_at is not None and abandoned.completed is False
        assert abandoned.stop_reason == journey_sessions.ABANDONED
        ended_at = abandoned.ended_at
    build_session(client)
    with database.session() as s:
        assert get_session(s, first).ended_at == ended_at  # not recorded a second time
        assert get_session(s, second).stop_reason == journey_sessions.ABANDONED
    client.post(f"/session/{second}/after", data={"pain": "3"})
    assert "0 sessions so far" in client.get("/").text


def test_home_counts_finished_sessions_only(client: TestClient, database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    session_id = build_session(client)
    assert "0 sessions so far" in client.get("/").text
    client.post(f"/session/{session_id}/after", data={"pain": "3"})
    assert "1 session so far" in client.get("/").text


def _first_technique(database: Database, session_id: int) -> tuple[str, str]:
    with database.session() as s:
        item = get_session(s, session_id).routine["items"][0]
    return str(item["technique"]), str(item["name"])


def test_felt_worse_leaves_a_technique_out_for_seven_days_and_use_it_again(
        client: TestClient, database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    session_id = build_session(client, minutes="10")
    technique, _ = _first_technique(database, session_id)
    client.post(f"/session/{session_id}/after",
                data={"pain": "4", f"verdict-{technique}": "worse"})
    page = client.get(_preview_url(client)).text
    assert technique not in _planned(page)
    until = (utcnow().astimezone() + timedelta(days=7)).date()
    assert f"felt worse today: left out until {until:%A} {until.day} {until:%B}".lower() in (
        _left_out(page))
    library = html.unescape(client.get(f"/library/{technique}").text)
    assert "felt worse today" in library and "Use it again" in library
    response = client.post(f"/library/{technique}/use-again", follow_redirects=False)
    assert response.status_code == 303
    assert "Use it again" not in client.get(f"/library/{technique}").text
    assert technique in _planned(client.get(_preview_url(client)).text)


def test_felt_worse_eight_days_ago_no_longer_counts(client: TestClient,
                                                    database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    session_id = build_session(client, minutes="10")
    technique, _ = _first_technique(database, session_id)
    with database.session(write=True) as s:
        add_feedback(s, session_id, technique, "worse", at=utcnow() - timedelta(days=8))
    assert "felt worse" not in _left_out(client.get(_preview_url(client)).text)
    with database.session(write=True) as s:
        add_feedback(s, session_id, technique, "worse", at=utcnow() - timedelta(days=6))
    assert technique not in _planned(client.get(_preview_url(client)).text)


def test_not_again_today_leaves_it_out_until_tomorrow(client: TestClient,
                                                      database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    session_id = build_session(client, minutes="10")
    technique, _ = _first_technique(database, session_id)
    assert "Not again today" in client.get(f"/session/{session_id}/after").text
    client.post(f"/session/{session_id}/after",
                data={"pain": "4", f"verdict-{technique}": "not_today"})
    page = client.get(_preview_url(client)).text
    assert technique not in _planned(page)
    assert "you asked not to repeat it today: left out until tomorrow" in _left_out(page)


def test_a_sharp_pain_stop_leaves_the_technique_out(client: TestClient,
                                                    database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    session_id = build_session(client, minutes="10")
    technique, _ = _first_technique(database, session_id)
    reply = client.post(f"/session/{session_id}/hurt",
                        data={"response": "sharp_or_worse", "technique": technique,
                              "choice": "skip"})
    assert reply.status_code < 400, reply.text
    page = client.get(_preview_url(client)).text
    assert technique not in _planned(page)
    assert "stopped for pain today: left out until" in _left_out(page)


def test_a_terminal_session_shows_its_conditions_in_the_web(client: TestClient,
                                                            database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    profile = Profile(minutes=5, conditions=frozenset({"pregnancy"}), pregnancy_weeks=20, pain=3)
    routine = plan_routine(profile, default_catalog())
    with database.session(write=True) as s:
        session_id = journey_sessions.start(s, routine, profile, pain_before=3)
    page = client.get(f"/session/{session_id}/play").text
    # The player carries each stop response's decision for the session's conditions: the
    # pregnancy advice for dizziness is there only if the conditions were read back.
    assert "maternity unit" in html.unescape(page)


def test_after_answers_as_json_are_stored_once_per_answer_id(client: TestClient,
                                                             database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    session_id = build_session(client)
    technique, _ = _first_technique(database, session_id)
    body = {"answer_id": "a1b2c3d4-outbox", "pain": 2, "verdicts": {technique: "better"},
            "spread": True}
    first = client.post(f"/api/sessions/{session_id}/after", json=body)
    again = client.post(f"/api/sessions/{session_id}/after", json=body)
    assert first.json()["stored"] is True and again.json()["stored"] is False
    with database.session() as s:
        after = [r for r in list_ratings(s) if r.kind == "after"]
        assert [(r.pain, r.spread) for r in after] == [(2, True)]
        assert get_session(s, session_id).feedback == {technique: "better"}


def test_bad_after_answers_name_the_field_and_store_nothing(client: TestClient,
                                                            database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    session_id = build_session(client)
    before = counts(database)
    good = {"answer_id": "a1b2c3d4-outbox", "pain": 2, "verdicts": {}}
    for bad, field in (({"pain": 11}, "pain"), ({"answer_id": "x"}, "answer_id"),
                       ({"verdicts": {"cat-cow": "awful"}}, "verdicts"),
                       ({"verdicts": {"not-in-this-session": "worse"}}, "verdicts"),
                       ({"extra": 1}, "extra")):
        response = client.post(f"/api/sessions/{session_id}/after", json={**good, **bad})
        assert 400 <= response.status_code < 500, bad
        assert field in response.text, (bad, response.text)
    assert client.post("/api/sessions/999/after", json=good).status_code == 404
    assert counts(database) == before
