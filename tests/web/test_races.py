"""Identical writes at the same moment: only 2xx answers and one row (issue 15).

On PostgreSQL, feedback and ``PUT /api/settings`` selected then inserted, and simultaneous
copies hit the unique key (500). Both are upserts now (``store.upsert``). Run on SQLite and
PostgreSQL through the real app, eight requests released together by a barrier.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from backrelief.store import Database, open_database
from backrelief.store.models import Setting, TechniqueFeedback
from backrelief.web.app import create_app
from backrelief.web.config import WebConfig
from tests.store.conftest import database_url, fresh_pg_schema, postgres_server_url  # noqa: F401
from tests.web.conftest import BASE_URL, CLEAR_ANSWERS, build_session, store_screen

WRITERS = 8


@pytest.fixture
def race_db(database_url: str) -> Iterator[Database]:  # noqa: F811
    database = open_database(database_url)
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def race_client(race_db: Database, web_env: Any) -> Iterator[TestClient]:
    store_screen(race_db, CLEAR_ANSWERS)
    with TestClient(create_app(WebConfig(), database=race_db), base_url=BASE_URL) as client:
        yield client


def all_at_once(request: Callable[[], Any]) -> list[int]:
    """Run ``request`` in :data:`WRITERS` threads released together; their status codes."""
    barrier = threading.Barrier(WRITERS)
    statuses: list[int] = []

    def run() -> None:
        barrier.wait()
        statuses.append(request().status_code)

    threads = [threading.Thread(target=run) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def rows(database: Database, model: Any) -> int:
    with database.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_identical_feedback_at_once(race_client: TestClient, race_db: Database) -> None:
    session_id = build_session(race_client)
    with race_db.session() as s:
        from backrelief.store import get_session

        technique = get_session(s, session_id).techniques[0]
    for attempt in range(3):  # a race shows only sometimes: give it a few chances
        verdict = ("better", "worse", "same")[attempt]
        statuses = all_at_once(lambda v=verdict: race_client.post(
            f"/api/diary/sessions/{session_id}/feedback",
            json={"technique": technique, "verdict": v}))
        assert sorted(statuses) == [201] * WRITERS, statuses
        assert rows(race_db, TechniqueFeedback) == 1
    assert race_client.get("/api/diary/sessions").json()[0]["feedback"] == {technique: "same"}


def test_identical_settings_at_once(race_client: TestClient, race_db: Database) -> None:
    for minutes in (5, 15, 20):
        body = {"region": "lower", "minutes": minutes, "equipment": ["chair"], "conditions": []}
        statuses = all_at_once(lambda b=body: race_client.put("/api/settings", json=b))
        assert sorted(statuses) == [200] * WRITERS, statuses
        assert rows(race_db, Setting) == 4  # one row per setting
    assert race_client.get("/api/settings").json()["minutes"] == 20
