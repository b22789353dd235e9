"""Builder, preview, player page, "this hurts", rating after the session and the summary."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backrelief.core.stop_rules import default_stop_rules
from backrelief.store import Database, get_session, list_ratings, set_setting
from backrelief.web.app import create_app
from backrelief.web.config import WebConfig
from tests.web.conftest import BASE_URL, CLEAR_ANSWERS, build_session, counts, store_screen


@pytest.fixture
def screened(client: TestClient, database: Database) -> TestClient:
    store_screen(database, CLEAR_ANSWERS)
    return client


def techniques_of(database: Database, session_id: int) -> tuple[str, ...]:
    with database.session() as s:
        return get_session(s, session_id).techniques


def test_builder_starts_from_settings_and_the_screen(screened: TestClient,
                                                     database: Database) -> None:
    with database.session(write=True) as s:
        set_setting(s, "equipment", ["chair"])
        set_setting(s, "minutes", 15)
    page = screened.get("/build").text
    assert re.search(r'value="chair" checked', page)
    assert re.search(r'name="minutes" value="15" checked', page)
    assert re.search(r'name="pain" value="4" checked', page)  # pain_now from the screen


def test_screen_conditions_are_always_applied(client: TestClient, database: Database) -> None:
    store_screen(database, {**CLEAR_ANSWERS, "fragility_risk": True})
    page = html.unescape(client.get("/build").text)
    assert "From your safety check, always applied" in page
    session_id = build_session(client, equipment="foam_roller", minutes="20")
    with database.session() as s:
        routine = get_session(s, session_id).routine
    assert "osteoporosis" in routine["profile"]["conditions"]
    assert "thoracic-foam-roll" not in {item["technique"] for item in routine["items"]}


def test_build_stores_the_session_and_pain_before(screened: TestClient,
                                                  database: Database) -> None:
    session_id = build_session(screened, region="lower", minutes="5", pain="6")
    with database.session() as s:
        record = get_session(s, session_id)
        ratings = list_ratings(s, session_id=session_id)
    assert record.screen_id is not None and record.ended_at is None
    assert record.routine["profile"]["region"] == "lower"
    assert [(r.kind, r.pain) for r in ratings] == [("before", 6)]


BAD_BUILDS: list[tuple[dict[str, str], str]] = [
    ({"minutes": "5"}, "pain"),
    ({"minutes": "5", "pain": "11"}, "pain"),
    ({"minutes": "two", "pain": "3"}, "minutes"),
    ({"minutes": "90", "pain": "3"}, "minutes"),
    ({"minutes": "5", "pain": "3", "region": "neck"}, "region"),
    ({"minutes": "5", "pain": "3", "equipment": "kettlebell"}, "equipment"),
    ({"minutes": "5", "pain": "3", "conditions": "flu"}, "conditions"),
    ({"minutes": "5", "pain": "3", "pregnancy_weeks": "50"}, "pregnancy_weeks"),
]


@pytest.mark.parametrize(("data", "field"), BAD_BUILDS, ids=[f for _, f in BAD_BUILDS])
def test_bad_builder_input_is_shown_again_and_stores_nothing(
        screened: TestClient, database: Database, data: dict[str, str], field: str) -> None:
    before = counts(database)
    response = screened.post("/build", data=data, follow_redirects=False)
    assert response.status_code == 422
    assert f'href="#f-{field}"' in response.text
    assert counts(database) == before


def test_preview_shows_each_technique_with_figure_time_and_why(screened: TestClient,
                                                               database: Database) -> None:
    session_id = build_session(screened, minutes="10")
    page = html.unescape(screened.get(f"/session/{session_id}").text)
    with database.session() as s:
        items = get_session(s, session_id).routine["items"]
    for item in items:
        assert item["name"] in page
        assert item["why"][:40] in page
        assert f'data-technique="{item["technique"]}"' in page
    assert f'href="/session/{session_id}/play"' in page


def test_player_page_carries_what_the_player_needs(screened: TestClient) -> None:
    session_id = build_session(screened)
    page = screened.get(f"/session/{session_id}/play").text
    assert f'data-timeline-url="/api/sessions/{session_id}/timeline"' in page
    assert 'data-time-scale="1.0"' in page
    assert 'type="module"' in page and "/static/js/player.js" in page
    for response in default_stop_rules().responses:
        assert f'value="{response.id}" data-action="{response.action}"' in page


def test_time_scale_comes_only_from_the_server_config(database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    app = create_app(WebConfig(time_scale=25), database=database)
    with TestClient(app, base_url=BASE_URL) as fast:
        session_id = build_session(fast)
        assert 'data-time-scale="25' in fast.get(f"/session/{session_id}/play").text
        page = fast.get(f"/session/{session_id}/play?time_scale=1&scale=1").text
        assert 'data-time-scale="25' in page


def test_timeline_of_a_session(screened: TestClient) -> None:
    session_id = build_session(screened)
    body = screened.get(f"/api/sessions/{session_id}/timeline").json()
    assert body["session"] == session_id
    assert body["cues"][-1]["kind"] == "end"
    assert body["cues"][-1]["at"] == body["plan"]["seconds"]
    assert screened.get("/api/sessions/999/timeline").status_code == 404


def test_the_timeline_is_served_as_bytes_with_an_etag(screened: TestClient) -> None:
    session_id = build_session(screened)
    url = f"/api/sessions/{session_id}/timeline"
    first = screened.get(url)
    etag = first.headers["etag"]
    assert first.status_code == 200 and etag.startswith('"') and len(etag) == 34
    again = screened.get(url)
    assert again.content == first.content and again.headers["etag"] == etag
    unchanged = screened.get(url, headers={"If-None-Match": f'"other", W/{etag}'})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["etag"] == etag
    assert screened.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    other = build_session(screened, pain="2")  # another session: its own body and tag
    assert screened.get(f"/api/sessions/{other}/timeline").headers["etag"] != etag


def test_after_and_summary(screened: TestClient, database: Database) -> None:
    session_id = build_session(screened, pain="6")
    first = techniques_of(database, session_id)[0]
    page = screened.get(f"/session/{session_id}/after?stopped={first}").text
    assert re.search(rf'name="verdict-{first}" value="stopped" checked', page)
    data = {"pain": "3", f"verdict-{first}": "better"}
    response = screened.post(f"/session/{session_id}/after", data=data, follow_redirects=False)
    assert response.headers["location"] == f"/session/{session_id}/summary"
    with database.session() as s:
        record = get_session(s, session_id)
        ratings = list_ratings(s, session_id=session_id)
    assert record.completed is True and record.feedback == {first: "better"}
    assert [(r.kind, r.pain) for r in ratings] == [("before", 6), ("after", 3)]
    summary = html.unescape(screened.get(f"/session/{session_id}/summary").text)
    assert "3 points lower" in summary
    assert "What the diary says" in summary


@pytest.mark.parametrize(("data", "field"), [({}, "pain"), ({"pain": "12"}, "pain"),
                                             ({"pain": "x"}, "pain")])
def test_after_bad_input_stores_nothing(screened: TestClient, database: Database,
                                        data: dict[str, str], field: str) -> None:
    session_id = build_session(screened)
    before = counts(database)
    response = screened.post(f"/session/{session_id}/after", data=data)
    assert response.status_code == 422
    assert f'href="#f-{field}"' in response.text
    assert counts(database) == before


def test_after_bad_verdict(screened: TestClient, database: Database) -> None:
    session_id = build_session(screened)
    first = techniques_of(database, session_id)[0]
    before = counts(database)
    response = screened.post(f"/session/{session_id}/after",
                             data={"pain": "2", f"verdict-{first}": "amazing"})
    assert response.status_code == 422
    assert counts(database) == before


def test_unknown_sessions_are_404(screened: TestClient) -> None:
    for path in ["/session/7", "/session/7/play", "/session/7/after", "/session/7/summary"]:
        response = screened.get(path, headers={"accept": "text/html"})
        assert response.status_code == 404, path
        assert "Page not found" in response.text


def test_builder_offers_no_floor_and_plans_seated_or_standing(screened: TestClient,
                                                              database: Database) -> None:
    page = screened.get("/build").text
    assert "I can't easily get down to or up from the floor" in html.unescape(page)
    assert page.index('id="f-region"') < page.index('id="f-no_floor"')  # not offered first at 35
    session_id = build_session(screened, equipment="chair", minutes="10", no_floor="yes")
    with database.session() as s:
        routine = get_session(s, session_id).routine
    assert routine["profile"]["no_floor"] is True
    assert {item["position"] for item in routine["items"]} <= {"seated", "standing"}


@pytest.mark.parametrize("answers", [{"age": 70}, {"fragility_risk": True}])
def test_no_floor_is_offered_first_from_65_or_with_osteoporosis(
        client: TestClient, database: Database, answers: dict[str, Any]) -> None:
    store_screen(database, {**CLEAR_ANSWERS, **answers})
    page = client.get("/build").text
    assert page.index('id="f-no_floor"') < page.index('id="f-region"')


def test_builder_refuses_a_bad_no_floor_value(screened: TestClient, database: Database) -> None:
    before = counts(database)
    response = screened.post("/build", data={"region": "whole", "minutes": "5", "pain": "4",
                                             "no_floor": "maybe"}, follow_redirects=False)
    assert response.status_code == 422
    assert 'href="#f-no_floor"' in response.text
    assert counts(database) == before


def test_preview_names_what_was_left_out_in_words(screened: TestClient) -> None:
    session_id = build_session(screened, region="upper", minutes="10")
    page = html.unescape(screened.get(f"/session/{session_id}").text)
    left_out = page[page.index("Left out, and why"):]
    assert "Ball massage for the buttock muscles</strong>: Works the lower back, not the upper" \
        in left_out
    assert "ball massage glutes" not in left_out and "region:" not in left_out
    assert "about 10 minutes" in page
