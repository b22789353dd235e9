"""Web fixtures: the app on a private SQLite diary, a test client, and answer sets.

Every test gets a fresh data directory (``BACKRELIEF_DATA_DIR``), so no test sees another's
diary or the user's real one. The client talks to the app as a browser on this computer would:
base URL ``http://localhost`` (the loopback Host check) and no Origin header (CSRF checks pass
for non-browser clients; ``test_security.py`` covers browser-like headers).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette nudges towards httpx2; httpx is what we ship
    from fastapi.testclient import TestClient

from backrelief.core.screening import evaluate
from backrelief.store import Database, open_database, record_result
from backrelief.web.app import create_app
from backrelief.web.config import WebConfig

BASE_URL = "http://localhost"

#: A full answer set with no red flag (self_care), as DESIGN.md's answers object.
CLEAR_ANSWERS: dict[str, Any] = {
    "saddle_numbness": False, "bladder_change": False, "bowel_change": False,
    "sexual_change": False, "both_legs": False, "leg_weakness": "none", "major_trauma": False,
    "chest_symptoms": False, "tearing_pain": False, "fever": False, "infection_risk": False,
    "cancer_history": False, "weight_loss": False, "night_pain": False,
    "lump_or_shape_change": False, "worse_straining": False, "nonmechanical_thoracic": False,
    "fragility_risk": False, "sudden_onset_minor_trauma": False, "age": 40,
    "first_episode": False, "duration_weeks": 1, "inflammatory_features": False,
    "severe_not_coping": False, "recent_spinal_surgery": False, "spinal_fusion": False,
    "sudden_tummy_back_pain": False, "blood_thinners": False, "pregnant": False, "pain_now": 4,
}

#: Answer sets that must never reach a routine (DESIGN.md, first quality bar), by name.
BLOCKING_ANSWERS: dict[str, dict[str, Any]] = {
    "emergency": {**CLEAR_ANSWERS, "saddle_numbness": True},
    "emergency_chest": {**CLEAR_ANSWERS, "chest_symptoms": True},
    "same_day": {**CLEAR_ANSWERS, "night_pain": True},
    "incomplete": {key: value for key, value in CLEAR_ANSWERS.items() if key != "age"},
    "under_16": {**CLEAR_ANSWERS, "age": 14},
    "recent_surgery": {**CLEAR_ANSWERS, "recent_spinal_surgery": True},
}


@pytest.fixture
def web_env(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app at a private data directory."""
    monkeypatch.setenv("BACKRELIEF_DATA_DIR", str(data_dir))
    monkeypatch.delenv("BACKRELIEF_DATABASE_URL", raising=False)
    monkeypatch.delenv("BACKRELIEF_TEST_TIME_SCALE", raising=False)
    return data_dir


@pytest.fixture
def database(web_env: Path) -> Iterator[Database]:
    """The diary the app under test uses."""
    db = open_database()
    yield db
    db.close()


@pytest.fixture
def client(database: Database) -> Iterator[TestClient]:
    """A test client for a fresh app on the private diary."""
    app = create_app(WebConfig(), database=database)
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield test_client


def store_screen(database: Database, answers: dict[str, Any],
                 taken_at: datetime | None = None) -> int:
    """Evaluate ``answers`` with core and store the result, as the check pages do."""
    result = evaluate(answers)
    with database.session(write=True) as s:
        return record_result(s, result, answers, taken_at=taken_at)


def build_session(client: TestClient, **fields: str) -> int:
    """Start a session from the builder's choices (after a clear screen is stored), as the
    preview's "Start the session" does, and return the new session's id."""
    data = {"region": "whole", "minutes": "5", "pain": "4", **fields}
    response = client.post("/session/start", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/session/") and location.endswith("/play"), location
    return int(location.split("/")[2])


def counts(database: Database) -> dict[str, int]:
    """How many rows each diary table holds (to prove a refused request stored nothing)."""
    from sqlalchemy import func, select

    from backrelief.store.models import PainRating, PracticeSession, Screen, Setting, TechniqueFeedback

    with database.session() as s:
        return {
            model.__tablename__: int(s.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Screen, PracticeSession, PainRating, TechniqueFeedback, Setting)
        }
