"""The programme pages: start, the weeks, today's session behind the re-check, the check-in,
the pause for see-a-professional advice, and the private calendar feed."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import func, select

from backrelief.journey.programme import local_today
from backrelief.store import Database, add_rating, finish_session, get_session, start_session
from backrelief.store.models import ProgrammeCheckin, ProgrammeSession
from backrelief.store.programme import active_programme, link_session
from tests.web.conftest import CLEAR_ANSWERS, store_screen

ALL_DAYS = {"weeks": "6", "days": [str(d) for d in range(7)], "at": "07:30"}


def start(client: TestClient, **fields: object) -> None:
    data = {**ALL_DAYS, "start": local_today().isoformat(), **fields}
    response = client.post("/programme/start", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text


def test_no_programme_shows_the_start_form(client: TestClient) -> None:
    page = client.get("/programme")
    assert page.status_code == 200
    assert 'action="/programme/start"' in page.text
    assert "Silbernagel" in page.text  # the rule is cited


def test_starting_shows_six_weeks_with_the_reason_for_each_dose(client: TestClient,
                                                               database: Database) -> None:
    start(client)
    page = client.get("/programme").text
    assert "0 of 42</strong> sessions done" in page
    assert page.count('class="card week"') == 6
    assert "<strong>The first week:</strong> the routine as planned for you." in page
    assert "<strong>Not decided yet:</strong> decided after week 1" in page
    assert "Start today's session" in page
    with database.session() as s:
        record = active_programme(s)
    assert record is not None and record.plan.at.strftime("%H:%M") == "07:30"


def test_a_stepped_up_week_says_so_once(client: TestClient, database: Database) -> None:
    """The reason already starts with its verdict ("Stepped up: ..."): the page shows it once."""
    first = local_today() - timedelta(days=7)
    start(client, start=first.isoformat())
    with database.session(write=True) as s:
        record = active_programme(s)
        assert record is not None
        for offset, before in ((0, 6), (1, 3)):
            day = first + timedelta(days=offset)
            noon = datetime.combine(day, time(12)).astimezone()
            session_id = start_session(s, {"items": [{"technique": "cat-cow"}], "seconds": 60,
                                           "excluded": [], "advice": []}, started_at=noon)
            add_rating(s, before, kind="before", session_id=session_id, at=noon)
            add_rating(s, 3, kind="after", session_id=session_id, at=noon + timedelta(minutes=20))
            finish_session(s, session_id, completed=True, ended_at=noon + timedelta(minutes=20))
            link_session(s, record.id, session_id, day)
        for offset in (2, 3):
            add_rating(s, 1, kind="daily",
                       at=datetime.combine(first + timedelta(days=offset), time(12)).astimezone())
    page = client.get("/programme").text
    assert "<strong>Stepped up:</strong> pain stayed at 5/10 or less in 2 sessions" in page
    assert page.count("Stepped up") == 1, page.count("Stepped up")
    assert "<strong>Not decided yet:</strong> decided after week 2" in page
    assert "(not decided yet)" not in page


def test_routines_are_shown_only_behind_the_safety_gate(client: TestClient,
                                                       database: Database) -> None:
    start(client)
    assert 'id="routines-hidden"' in client.get("/programme").text  # no screen yet
    store_screen(database, {**CLEAR_ANSWERS, "night_pain": True})  # same day: no exercise
    page = client.get("/programme").text
    assert 'id="routines-hidden"' in page and "The routine this dose gives" not in page
    store_screen(database, CLEAR_ANSWERS)
    page = client.get("/programme").text
    assert 'id="routines-hidden"' not in page and "The routine this dose gives" in page


def test_bad_start_input_names_the_field_and_stores_nothing(client: TestClient,
                                                          database: Database) -> None:
    for fields, field in [({"weeks": "13"}, "weeks"), ({"weeks": "x"}, "weeks"),
                          ({"days": []}, "days"), ({"days": ["9"]}, "days"),
                          ({"at": "25:00"}, "at"), ({"start": "soon"}, "start")]:
        response = client.post("/programme/start", data={**ALL_DAYS, **fields})
        assert response.status_code == 422, fields
        assert f'href="#f-{field}"' in response.text, fields
    with database.session() as s:
        assert active_programme(s) is None


def test_today_needs_a_fresh_recheck_then_plays_this_weeks_dose(client: TestClient,
                                                               database: Database) -> None:
    start(client)
    first = client.get("/programme/today", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].startswith("/check")
    screen_id = store_screen(database, CLEAR_ANSWERS)
    result = client.get(f"/check/result/{screen_id}").text
    assert 'href="/programme/today"' in result  # the check's result offers the programme session
    preview = client.get("/programme/today")
    assert preview.status_code == 200 and "Safety re-check done." in preview.text
    assert 'value="4" checked' in preview.text  # the pain the re-check just recorded
    started = client.post("/programme/today", data={"pain": "4"}, follow_redirects=False)
    assert started.status_code == 303 and started.headers["location"].endswith("/play")
    session_id = int(started.headers["location"].split("/")[2])
    with database.session() as s:
        assert get_session(s, session_id).screen_id == screen_id
        assert s.scalar(select(func.count()).select_from(ProgrammeSession)) == 1
    # The same screen does not start a second session: each session has its own re-check.
    again = client.get("/programme/today", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/programme"


def test_today_refuses_a_blocking_screen(client: TestClient, database: Database) -> None:
    start(client)
    store_screen(database, {**CLEAR_ANSWERS, "night_pain": True})  # same day: no exercise
    response = client.get("/programme/today", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/check")
    posted = client.post("/programme/today", data={"pain": "3"}, follow_redirects=False)
    assert posted.status_code == 303 and "/play" not in posted.headers["location"]
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(ProgrammeSession)) == 0


def test_see_professional_advice_pauses_until_seen(client: TestClient, database: Database) -> None:
    start(client)
    now = datetime.now(UTC)
    with database.session(write=True) as s:
        for days in (3, 2, 1):  # 9/10 on the last ratings: sustained high pain
            add_rating(s, 9, kind="daily", at=now - timedelta(days=days))
    page = client.get("/programme").text
    assert 'id="paused"' in page and "Progression is paused" in page
    client.post("/programme/seen")
    assert 'id="paused"' not in client.get("/programme").text


def test_checkin_records_function_sleep_and_confidence(client: TestClient,
                                                       database: Database) -> None:
    start(client)
    response = client.post("/programme/checkin", data={
        "activity1": "putting on socks", "score1": "3", "activity2": "sitting through a meeting",
        "score2": "5", "sleep": "6", "confidence": "4"}, follow_redirects=False)
    assert response.status_code == 303
    page = client.get("/programme").text
    assert "4.0" in page and 'value="putting on socks"' in page  # same activities next week
    for data, field in [({"activity1": "socks", "score1": "11"}, "activities"),
                        ({"activity1": "", "score1": "4"}, "activity1"),
                        ({"activity1": "socks"}, "score1"),
                        ({"sleep": "x"}, "sleep"), ({}, "activity1")]:
        refused = client.post("/programme/checkin", data=data)
        assert refused.status_code == 422, data
        assert f'href="#f-{field}"' in refused.text, data
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(ProgrammeCheckin)) == 1


def test_private_calendar_feed_parses_back(client: TestClient, database: Database) -> None:
    start(client, weeks="2")
    with database.session() as s:
        record = active_programme(s)
    assert record is not None
    feed = client.get(f"/programme/calendar/{record.calendar_token}.ics")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert feed.headers["cache-control"] == "no-store"
    calendar = Calendar.from_ical(feed.content)
    events = list(calendar.walk("VEVENT"))
    assert len([e for e in events if str(e["summary"]).startswith("Back session")]) == 14
    assert all(list(e.walk("VALARM")) for e in events)
    assert client.get("/programme/calendar/" + "x" * 43 + ".ics").status_code == 404
    assert record.calendar_token in client.get("/programme").text


def test_ending_needs_the_tick(client: TestClient, database: Database) -> None:
    start(client)
    assert client.post("/programme/end", data={}).status_code == 422
    client.post("/programme/end", data={"confirm": "yes"})
    with database.session() as s:
        assert active_programme(s) is None


def test_walking_form_logs_minutes_and_bad_input_names_the_field(client: TestClient,
                                                                database: Database) -> None:
    from backrelief.store.models import ActivityLog

    start(client)
    page = client.get("/programme").text
    assert 'action="/programme/walk"' in page and "today's goal is <strong>10 minutes</strong>" in page
    done = client.post("/programme/walk", data={"minutes": "25"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/programme#walking"
    page = client.get("/programme").text
    assert "you have logged 25" in page and "25 min on 1 day" in page
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    for data, field in [({"minutes": "0"}, "minutes"), ({"minutes": "lots"}, "minutes"),
                        ({}, "minutes"), ({"minutes": "700"}, "minutes"),
                        ({"minutes": "20", "date": "someday"}, "date"),
                        ({"minutes": "20", "date": tomorrow}, "date")]:
        bad = client.post("/programme/walk", data=data)
        assert bad.status_code == 422, data
        assert f'href="#f-{field}"' in bad.text, data
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(ActivityLog)) == 1
