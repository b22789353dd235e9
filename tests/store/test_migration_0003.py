"""Revision 0003: every stored session becomes the one session document, and back."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from backrelief.journey.document import read_document
from backrelief.store.db import create_database_engine
from backrelief.store.migrate import current_revision, downgrade, upgrade

ITEM = {"technique": "cat-cow", "name": "Cat-cow", "position": "all_fours", "equipment": [],
        "seconds": 120, "variant": None, "rounds": 2, "role": "mobility", "intensity": "gentle",
        "why": "To move."}
BALL = {**ITEM, "technique": "ball-massage-glutes", "name": "Ball massage",
        "position": "standing", "equipment": ["tennis_ball", "wall"], "seconds": 180}
# What `backrelief session` stored before 0003: the bare routine, no profile.
TERMINAL = {"items": [ITEM, BALL], "seconds": 300, "advice": [],
            "excluded": [{"technique": "thoracic-foam-roll",
                          "reasons": ["osteoporosis: no foam rolling", "equipment: needs a foam roller"]}]}
# What the web stored: the same plus its profile.
WEB_PROFILE = {"region": "lower", "equipment": [], "minutes": 5, "conditions": ["stenosis"],
               "pregnancy_weeks": None, "pain": 3, "gentle_only": False}
WEB = {**TERMINAL, "profile": WEB_PROFILE}


def _insert(connection: Any, session_id: int, routine: Any) -> None:
    connection.execute(
        text("INSERT INTO sessions (id, started_at, routine) VALUES (:id, :at, :routine)"),
        {"id": session_id, "at": "2026-11-01 08:00:00+00:00", "routine": json.dumps(routine)},
    )


def _routines(engine: Any) -> dict[int, Any]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, routine FROM sessions ORDER BY id")).all()
    return {row[0]: row[1] if not isinstance(row[1], str) else json.loads(row[1]) for row in rows}


def test_0003_gives_terminal_sessions_a_profile_and_goes_back(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        upgrade(engine, "0002")
        with engine.begin() as connection:
            _insert(connection, 1, TERMINAL)
            _insert(connection, 2, WEB)
            _insert(connection, 3, [ITEM])  # the oldest terminal shape: a list of items
            connection.execute(text(
                "INSERT INTO pain_ratings (rated_at, pain, kind, session_id, spread) "
                "VALUES ('2026-11-01 08:00:00+00:00', 6, 'before', 1, :no)"), {"no": False})
        upgrade(engine, "0003")
        assert current_revision(engine) == "0003"
        with engine.connect() as connection:  # nothing lost on the way
            assert connection.execute(text("SELECT pain FROM pain_ratings")).all() == [(6,)]
        rows = _routines(engine)
        terminal, web, oldest = (read_document(rows[n]) for n in (1, 2, 3))
        assert terminal.profile.conditions == {"osteoporosis"}
        assert terminal.profile.equipment == {"tennis_ball", "wall"}
        assert terminal.profile.minutes == 5 and terminal.profile.pain == 6
        assert [i.technique for i in terminal.routine.items] == ["cat-cow", "ball-massage-glutes"]
        assert web.profile.region == "lower" and web.profile.conditions == {"stenosis"}
        assert rows[2]["profile"] == WEB_PROFILE  # a real profile is never rewritten
        assert [i.technique for i in oldest.routine.items] == ["cat-cow"]
        assert {rows[n]["version"] for n in rows} == {1}
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO technique_feedback (session_id, technique_id, verdict, recorded_at) "
                "VALUES (1, 'cat-cow', 'not_today', '2026-11-01 08:10:00+00:00')"))
        downgrade(engine, "0002")
        assert current_revision(engine) == "0002"
        rows = _routines(engine)
        assert rows[1] == TERMINAL and rows[2] == WEB
        with engine.connect() as connection:
            verdicts = connection.execute(text("SELECT verdict FROM technique_feedback")).all()
        assert [v[0] for v in verdicts] == ["stopped"]
        with engine.connect() as connection:  # the session's rating survives the way down too
            assert connection.execute(text("SELECT pain FROM pain_ratings")).all() == [(6,)]
        upgrade(engine)
        assert read_document(_routines(engine)[1]).profile.conditions == {"osteoporosis"}
    finally:
        engine.dispose()
