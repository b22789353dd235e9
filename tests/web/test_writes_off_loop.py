"""Form routes that write run their commit off the event loop (issue 15).

A test holds the diary's write lock; a form that writes then waits for it. If that wait were
on the event loop, the loop would stall and no other request could be answered; the test
fetches a static file meanwhile and expects it back while the write is still waiting, then
releases the lock and expects the write to land.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backrelief.store import Database
from backrelief.store.models import PracticeSession
from tests.web.conftest import CLEAR_ANSWERS, build_session, counts, store_screen

WAIT = 20.0  # seconds; only a stalled event loop comes near it


def snapshot(database: Database) -> tuple[object, ...]:
    """Row counts, and each session's document and end (a stop is kept in the document)."""
    with database.session() as s:
        sessions = s.execute(select(PracticeSession.id, PracticeSession.ended_at,
                                    PracticeSession.routine)).all()
    return counts(database), [tuple(row) for row in sessions]


def _rating(client: TestClient) -> Callable[[], Any]:
    return lambda: client.post("/progress/rating", data={"pain": "3"}, follow_redirects=False)


def _settings(client: TestClient) -> Callable[[], Any]:
    return lambda: client.post("/settings", data={"region": "upper", "minutes": "15"},
                               follow_redirects=False)


def _start(client: TestClient) -> Callable[[], Any]:
    return lambda: client.post("/session/start", data={"region": "whole", "minutes": "5",
                                                       "pain": "4"}, follow_redirects=False)


def _after(client: TestClient) -> Callable[[], Any]:
    session_id = build_session(client)
    return lambda: client.post(f"/session/{session_id}/after", data={"pain": "2"},
                               follow_redirects=False)


def _hurt(client: TestClient) -> Callable[[], Any]:
    session_id = build_session(client)
    return lambda: client.post(f"/session/{session_id}/hurt",
                               data={"response": "sharp_or_worse", "choice": "end"},
                               follow_redirects=False)


@pytest.mark.parametrize("make_request", [_rating, _settings, _start, _after, _hurt])
def test_a_waiting_write_leaves_the_event_loop_free(
        client: TestClient, database: Database,
        make_request: Callable[[TestClient], Callable[[], Any]]) -> None:
    store_screen(database, CLEAR_ANSWERS)
    send = make_request(client)
    before = snapshot(database)
    answers: dict[str, int] = {}
    writing = threading.Thread(target=lambda: answers.setdefault("write", send().status_code))
    fetching = threading.Thread(
        target=lambda: answers.setdefault("static", client.get("/static/css/app.css").status_code))
    with database.session(write=True):  # holds the write lock: the form's commit must wait
        writing.start()
        writing.join(0.5)
        assert writing.is_alive(), f"the write did not wait for the lock: {answers}"
        fetching.start()
        fetching.join(WAIT)
        assert answers.get("static") == 200, "the event loop stalled behind a waiting write"
        assert writing.is_alive()
    writing.join(WAIT)
    assert answers["write"] == 303
    assert snapshot(database) != before


def test_no_route_that_writes_runs_on_the_event_loop(client: TestClient) -> None:
    """Every state-changing route is a plain ``def`` (its form read by ``PostedForm``), so
    FastAPI runs it, and its commit, in the threadpool: an ``async`` one would commit on the
    loop. The account routes were ``async`` and one of them committed there."""
    import inspect

    from tests.web.test_isolation import STATE_CHANGING

    found = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        contexts = getattr(route, "effective_route_contexts", None)
        for member in ([c.starlette_route or c.original_route for c in contexts()] if contexts
                       else [route]):
            if (getattr(member, "methods", None) or set()) & STATE_CHANGING:
                found.append((member.path, inspect.iscoroutinefunction(member.endpoint)))
    assert len(found) > 30, found  # the whole app, not an empty shell
    assert [path for path, on_loop in found if on_loop] == []
