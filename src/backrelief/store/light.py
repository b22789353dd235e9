"""The diary's memory read straight from a SQLite file, without SQLAlchemy (issue 16).

`plan` and `timeline` need one thing from the diary: what the next plan leaves out
(:mod:`backrelief.journey.memory`). Importing SQLAlchemy alone cost more than the whole
`--help`, so when the diary is a SQLite file **already at the schema this code expects** these
commands read it here, with the standard library's ``sqlite3``, read-only (a ``mode=ro`` URI:
this path can never write, create or migrate anything), in one snapshot (one transaction).

The statements are the same as the store's narrow reads (``store.sessions.recent_outcomes``
and ``setting_value``) and the rules are shared (``journey.memory.memory_from``), so the
result is the same; a test compares both on random diaries. Anything else (PostgreSQL, a file
that needs a migration, a missing owner account, an unreadable file or row) answers ``None``
and the caller uses the full store, which migrates, explains errors and scopes by itself.

Timestamps are compared as SQLAlchemy stores them on SQLite: UTC wall time as fixed-width text
(``store.types.UTCDateTime``), which sorts chronologically.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backrelief.core.progress import VERDICTS, SessionOutcome, Verdict

if TYPE_CHECKING:
    from backrelief.journey.memory import LeftOut

VERSIONS_DIR = Path(__file__).with_name("migrations") / "versions"
_STAMP = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's storage format for DATETIME on SQLite
BUSY_TIMEOUT_S = 10.0  # as store.db: wait for a writer's lock instead of failing


def head_revision() -> str:
    """The newest migration shipped (``rev_NNNN_*.py``): the revision this code expects. The
    chain is linear with fixed four-digit ids; a test checks this equals
    ``store.migrate.SCHEMA_REVISION``."""
    return max(path.name[4:8] for path in VERSIONS_DIR.glob("rev_[0-9][0-9][0-9][0-9]_*.py"))


def routine_techniques(routine: Any) -> tuple[str, ...]:
    """Technique ids in a stored routine: the planner's ``{"items": [{"technique": ...}]}``.

    Also accepts a bare list of items or of ids, so a change in the planner's shape degrades
    to "no techniques known" rather than an error.
    """
    items = routine.get("items", []) if isinstance(routine, Mapping) else routine
    if not isinstance(items, Sequence) or isinstance(items, str | bytes):
        return ()
    found: list[str] = []
    for item in items:
        technique = item.get("technique") if isinstance(item, Mapping) else item
        if isinstance(technique, str) and technique not in found:
            found.append(technique)
    return tuple(found)


@dataclass(frozen=True)
class Said:
    """One verdict on a technique (``store.sessions.FeedbackEvent``'s fields)."""

    session_id: int
    technique: str
    verdict: Verdict
    recorded_at: datetime


class _Unusable(Exception):
    """This file cannot be read here: the caller falls back to the store."""


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_STAMP)


def _moment(text: object) -> datetime:
    if not isinstance(text, str):
        raise _Unusable
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _verdict(value: object) -> Verdict:
    for verdict in VERDICTS:
        if verdict == value:
            return verdict
    raise _Unusable


def _json(text: object) -> Any:
    return None if text is None else json.loads(str(text))


def read_memory(path: Path, *, now: datetime | None = None,
                zone: tzinfo | None = None) -> dict[str, LeftOut] | None:
    """``journey.memory.current_memory`` for the owner's diary in the SQLite file ``path``,
    or None when it cannot be read this way (see the module docstring)."""
    from backrelief.journey.memory import (
        BROUGHT_BACK_KEY,
        brought_back_from,
        local_zone,
        memory_from,
        utcnow,
        window_start,
    )
    from backrelief.store.validation import aware_utc

    moment = utcnow() if now is None else aware_utc("now", now)
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                     timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except (sqlite3.Error, ValueError, OSError):
        return None
    try:
        connection.execute("BEGIN")  # one snapshot for every read below
        outcomes, events, stored = _read(connection, window_start(moment), BROUGHT_BACK_KEY)
        connection.execute("COMMIT")
    except (sqlite3.Error, _Unusable, ValueError, TypeError):
        return None
    finally:
        connection.close()
    return memory_from(outcomes, events, brought_back_from(stored), moment, zone or local_zone())


def _read(connection: sqlite3.Connection, since: datetime,
          setting: str) -> tuple[list[SessionOutcome], list[Said], Any]:
    version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    if version is None or version[0] != head_revision():
        raise _Unusable  # a migration is due: only the store may run it
    tables = {row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    owner: tuple[Any, ...] = ()
    mine = session_mine = ""
    if "users" in tables:  # revision 0006: every row is a user's; the CLI acts as the owner
        found = connection.execute(
            "SELECT id FROM users WHERE role = 'owner' ORDER BY id LIMIT 1").fetchone()
        if found is None:
            raise _Unusable  # the store says what to do about it
        owner = (found[0],)
        mine, session_mine = " AND user_id = ?", " AND s.user_id = ?"
    start = _stamp(since)
    rows = connection.execute(
        "SELECT id, started_at, routine FROM sessions WHERE started_at >= ?" + mine
        + " ORDER BY started_at, id", (start, *owner)).fetchall()
    ids = [int(row[0]) for row in rows]
    marks = ", ".join("?" * len(ids))
    chosen = f" OR f.session_id IN ({marks})" if ids else ""
    feedback: dict[int, dict[str, Verdict]] = {}
    events: list[tuple[datetime, int, Said]] = []
    for key, session_id, technique, verdict, recorded_at in connection.execute(
            "SELECT f.id, f.session_id, f.technique_id, f.verdict, f.recorded_at"
            " FROM technique_feedback AS f JOIN sessions AS s ON s.id = f.session_id"
            " WHERE (f.recorded_at >= ?" + chosen + ")" + session_mine + " ORDER BY f.id",
            (start, *ids, *owner)):
        said = _verdict(verdict)
        feedback.setdefault(session_id, {})[technique] = said
        at = _moment(recorded_at)
        if at >= since:
            events.append((at, key, Said(session_id, technique, said, at)))
    events.sort(key=lambda item: (item[0], item[1]))
    before: dict[int, int] = {}
    after: dict[int, int] = {}
    if ids:
        for session_id, kind, pain in connection.execute(
                f"SELECT session_id, kind, pain FROM pain_ratings WHERE session_id IN ({marks})"
                + mine + " ORDER BY session_id, rated_at, id", (*ids, *owner)):
            if kind == "before":
                before.setdefault(session_id, pain)
            elif kind == "after":
                after[session_id] = pain
    outcomes = [
        SessionOutcome(
            session_id=int(session_id),
            started_at=_moment(started_at),
            techniques=routine_techniques(_json(routine)),
            pain_before=before.get(session_id),
            pain_after=after.get(session_id),
            feedback=feedback.get(session_id, {}),
        )
        for session_id, started_at, routine in rows
    ]
    value = connection.execute("SELECT value FROM settings WHERE key = ?" + mine,
                               (setting, *owner)).fetchone()
    return outcomes, [said for _, _, said in events], {} if value is None else _json(value[0])
