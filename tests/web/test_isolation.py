"""Isolation, tested not assumed (issue 13): every route of the app, every method, every path
parameter filled with alice's real ids and with guessed ones, ids swapped into forms, JSON and
query strings. Bob, logged in, can neither read nor change anything of alice's; an anonymous
client gets only the login and public pages; every state-changing route refuses a cross-site
request.

The routes are read from the app itself, so a route added later is covered without touching
this file.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from fastapi import FastAPI

from backrelief.core.programme import ProgrammePlan
from backrelief.store import Database, accounts, export_diary, open_database
from backrelief.store.programme import list_checkins, list_programmes, start_programme
from backrelief.web.app import create_app
from backrelief.web.auth import is_public
from backrelief.web.config import WebConfig
from tests.web.conftest import BASE_URL, CLEAR_ANSWERS, build_session

ALICE = ("alice", "rhubarb crumble at noon")
BOB = ("bob", "seven quiet harbour lamps")
SECRET = "ALICE-SECRET-7f3a"  # where alice's pain is: must never reach bob or nobody
STATE_CHANGING = {"POST", "PUT", "DELETE", "PATCH"}
# Reached by a long random token, which is the key (the calendar app cannot log in): whoever has
# alice's token is meant to read her calendar. Checked apart below.
TOKEN_ROUTES = {"/programme/calendar/{token}.ics"}


def app_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path template) for every route of the app, static files as one GET."""
    found: list[tuple[str, str]] = []
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        members = [ctx.starlette_route or ctx.original_route for ctx in contexts()] \
            if contexts else [route]
        for member in members:
            path = getattr(member, "path", "")
            methods = getattr(member, "methods", None) or {"GET"}
            if path == "/static":
                path = "/static/css/app.css"
            found.extend((method, path) for method in sorted(methods) if method != "HEAD")
    assert len(found) > 60, found  # the enumeration found the app, not an empty shell
    return found


@pytest.fixture
def world(web_env: Path) -> Iterator[dict[str, Any]]:
    """Alice with a full diary made through the app; bob with a small one of his own."""
    db = open_database(default_user=None)
    with db.session(write=True) as s:
        alice = accounts.create_user(s, *ALICE).id
        bob = accounts.create_user(s, *BOB).id
    app = create_app(WebConfig(accounts=True), database=db)
    ids: dict[str, Any] = {"alice": alice, "bob": bob}
    with TestClient(app, base_url=BASE_URL) as a, TestClient(app, base_url=BASE_URL) as b, \
            TestClient(app, base_url=BASE_URL) as anonymous:
        for client, (name, password) in ((a, ALICE), (b, BOB)):
            response = client.post("/login", data={"name": name, "password": password},
                                   follow_redirects=False)
            assert response.status_code == 303
        ids["screen"] = a.post("/api/diary/screens", json=CLEAR_ANSWERS).json()["id"]
        ids["session"] = build_session(a)
        routine = a.get("/api/diary/sessions").json()[0]["routine"]
        ids["technique"] = routine["items"][0]["technique"]
        ids["rating"] = a.post("/api/diary/ratings",
                               json={"pain": 7, "where": SECRET}).json()["id"]
        assert a.post(f"/api/diary/sessions/{ids['session']}/feedback",
                      json={"technique": ids["technique"], "verdict": "worse"}).status_code == 201
        assert a.put("/api/settings", json={"region": "lower", "minutes": 15,
                                            "equipment": ["chair"],
                                            "conditions": ["osteoporosis"]}).status_code == 200
        with db.session(write=True, user=alice) as s:
            programme = start_programme(s, ProgrammePlan(datetime.now(UTC).date(), 4, (0, 2, 4), time(7, 30)),
                                        {"region": "lower", "minutes": 10})
        ids["programme"], ids["calendar"] = programme.id, programme.calendar_token
        # Bob has a diary too, so his own pages have something to show.
        b.post("/api/diary/screens", json=CLEAR_ANSWERS)
        ids["bob_session"] = build_session(b)
        ids["bob_rating"] = b.post("/api/diary/ratings", json={"pain": 2}).json()["id"]
        yield {"db": db, "app": app, "alice": a, "bob": b, "anonymous": anonymous, "ids": ids}
    db.close()


def snapshot(db: Database, user: int) -> str:
    """Everything of ``user``'s, as one string: any change to it shows."""
    with db.session(user=user) as s:
        document = export_diary(s)
        document.pop("exported_at")
        programmes = [(p.id, p.status, p.seen_at, p.calendar_token) for p in list_programmes(s)]
        checkins = [list_checkins(s, p[0]) for p in programmes]
        sessions = [(r.kind, r.label) for r in accounts.list_auth_sessions(s, user)]
    return json.dumps([document, programmes, checkins, sessions], default=str, sort_keys=True)


def fills(template: str, ids: dict[str, Any], *, own: bool) -> Iterator[tuple[str, bool]]:
    """``template`` with its parameters filled, and whether the path names one of alice's real
    rows: her real ids and guesses near them, or (``own``) bob's own ids, for requests that
    then carry alice's ids in their bodies."""
    names = re.findall(r"{(\w+)}", template)
    rows = {"session_id": "session", "screen_id": "screen", "rating_id": "rating"}
    choices: list[tuple[dict[str, str], bool]] = [({}, False)]
    for name in names:
        if name in rows:
            real = int(ids[("bob_" if own and name != "screen_id" else "") + rows[name]])
            values = [(str(real), not own)] if own else [
                (str(real), True), *((guess, False) for guess in
                                     (str(real + 1), "1", "2", "999999"))]
        elif name == "technique_id":
            values = [(ids["technique"], False)]
        elif name == "page_id":
            values = [("stay-active", False)]
        elif name == "step":
            values = [("1", False)]
        else:  # token, code: guesses; the real calendar token is checked apart
            values = [("A" * 43, False), ("x" * 22, False)]
        choices = [({**chosen, name: value}, real or is_real)
                   for chosen, real in choices for value, is_real in values]
    for chosen, real in choices:
        path = template
        for name, value in chosen.items():
            path = path.replace("{" + name + "}", value)
        yield path, real and not own


def bodies(ids: dict[str, Any]) -> list[dict[str, Any]]:
    """Request bodies with alice's ids in every field a route might read them from."""
    swapped = {"session": ids["session"], "session_id": ids["session"],
               "screen_id": ids["screen"], "screen": ids["screen"], "rating_id": ids["rating"],
               "programme": ids["programme"], "programme_id": ids["programme"],
               "id": ids["rating"], "technique": ids["technique"], "verdict": "better",
               "confirm": True, "pain": 5, "pain_after": 5, "answer_id": "alice-answer-01"}
    form = {key: str(value).lower() if isinstance(value, bool) else str(value)
            for key, value in swapped.items()}
    form["confirm"] = "yes"
    return [{"json": swapped}, {"data": form}, {"data": {**form, "session": str(ids["session"]),
                                                        "next": f"/session/{ids['session']}"}}]


def _request(client: TestClient, method: str, path: str, body: dict[str, Any],
             query: dict[str, str]) -> Any:
    return client.request(method, path, params=query, follow_redirects=False, **body)


def requests_for(method: str, ids: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, str]]]:
    """(body, query) pairs: alice's ids in forms and JSON, and in the ``?session=`` that the
    check pages read; plain GETs once without and once with it."""
    query = {"session": str(ids["session"])}
    if method in STATE_CHANGING:
        return [(body, query) for body in bodies(ids)] + [(bodies(ids)[1], {})]
    return [({}, {}), ({}, query)]


def test_bob_can_neither_read_nor_change_anything_of_alices(world: dict[str, Any]) -> None:
    db, bob, ids = world["db"], world["bob"], world["ids"]
    before = snapshot(db, ids["alice"])
    assert SECRET in before
    checked = 0
    for method, template in app_routes(world["app"]):
        if template in TOKEN_ROUTES or template == "/logout":
            continue
        for own in (False, True):
            for path, alices in fills(template, ids, own=own):
                for body, query in requests_for(method, ids):
                    response = _request(bob, method, path, body, query)
                    checked += 1
                    where = f"{method} {path} {list(body)} {query}"
                    assert response.status_code < 500, (where, response.text[:300])
                    assert SECRET not in response.text, where
                    assert ids["calendar"] not in response.text, where
                    if alices:  # a path naming alice's row gets nothing of it
                        assert response.status_code >= 300, (where, response.status_code)
                    if method in STATE_CHANGING:
                        assert snapshot(db, ids["alice"]) == before, where
                    if response.is_redirect:  # bob is never thrown out by any of this
                        assert not response.headers["location"].startswith("/login"), where
    assert checked > 300, checked
    assert snapshot(db, ids["alice"]) == before
    assert SECRET in world["alice"].get("/api/diary/export").text  # alice still has it all


def test_bobs_exports_hold_only_bobs_diary(world: dict[str, Any]) -> None:
    bob, ids = world["bob"], world["ids"]
    for path in ("/progress/export", "/api/diary/export"):
        for fmt in ("json", "csv", "fhir"):
            response = bob.get(path, params={"format": fmt})
            assert response.status_code == 200, (path, fmt)
            assert SECRET not in response.text
        document = bob.get(path, params={"format": "json"}).json()
        assert sorted(r["pain"] for r in document["ratings"]) == [2, 4]  # before-session, daily
        assert [s["id"] for s in document["sessions"]] == [ids["bob_session"]]
        assert "osteoporosis" not in json.dumps(document["settings"])


def test_anonymous_gets_only_login_and_public_pages(world: dict[str, Any]) -> None:
    db, anonymous, ids = world["db"], world["anonymous"], world["ids"]
    before = snapshot(db, ids["alice"])
    bob_before = snapshot(db, ids["bob"])
    for method, template in app_routes(world["app"]):
        if template in TOKEN_ROUTES:
            continue
        for path, _ in fills(template, ids, own=False):
            for body, query in requests_for(method, ids):
                response = _request(anonymous, method, path, body, query)
                where = f"{method} {path}"
                assert response.status_code < 500, (where, response.text[:300])
                assert SECRET not in response.text, where
                if is_public(path):
                    continue
                if path.startswith("/api/"):
                    assert response.status_code == 401, where
                else:
                    assert response.status_code == 303, where
                    assert response.headers["location"].startswith("/login"), where
    assert snapshot(db, ids["alice"]) == before
    assert snapshot(db, ids["bob"]) == bob_before


def test_the_public_paths_are_the_ones_we_mean(world: dict[str, Any]) -> None:
    public = sorted({template for method, template in app_routes(world["app"])
                     if any(is_public(path) for path, _ in fills(template, world["ids"], own=False))})
    assert public == sorted([
        "/api/education", "/api/education/{page_id}",
        "/api/techniques", "/api/techniques/{technique_id}", "/check/emergency-signs",
        "/figures/{technique_id}/{step}.svg", "/healthz", "/learn/{page_id}", "/library",
        "/login", "/logout", "/manifest.webmanifest", "/offline", "/pair/{code}", "/register",
        "/programme/calendar/{token}.ics", "/register/{token}", "/static/css/app.css",
        "/sw.js",
    ])


def test_the_calendar_token_is_the_key_and_nothing_else_is(world: dict[str, Any]) -> None:
    anonymous, ids = world["anonymous"], world["ids"]
    feed = anonymous.get(f"/programme/calendar/{ids['calendar']}.ics")
    assert feed.status_code == 200 and "BEGIN:VCALENDAR" in feed.text
    assert SECRET not in feed.text
    assert anonymous.get("/programme/calendar/" + "B" * 43 + ".ics").status_code == 404


def test_every_state_changing_route_refuses_a_cross_site_request(world: dict[str, Any]) -> None:
    db, bob, ids = world["db"], world["bob"], world["ids"]
    before = snapshot(db, ids["bob"]), snapshot(db, ids["alice"])
    changing = [(m, t) for m, t in app_routes(world["app"]) if m in STATE_CHANGING]
    assert len(changing) > 20
    for method, template in changing:
        for path, _ in fills(template, ids, own=True):
            for headers in ({"Sec-Fetch-Site": "cross-site"},
                            {"Origin": "https://evil.example"}):
                for body in bodies(ids):
                    response = bob.request(method, path, headers=headers,
                                           follow_redirects=False, **body)
                    assert response.status_code == 403, (method, path, headers)
    assert (snapshot(db, ids["bob"]), snapshot(db, ids["alice"])) == before
