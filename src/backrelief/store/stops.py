"""Stops inside a session: "this hurts" (or a worse check-in) with the technique and the answer.

A stop lives in the session's stored document, under ``"stops"``: a list of
``{"technique", "response", "choice", "at"}`` in the order they happened, so it travels with the
session through export and import and needs no table of its own. ``response`` is a stop-rule id
(``core.stop_rules``) and ``choice`` what the person chose next (``core.stop_rules.Choice``).
The player records the stop; whether the session ends is :func:`finish_session`'s business.

The technique is also marked ``stopped`` in the per-technique feedback, which is what the
diary and the next plans read (``flagged_techniques``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from backrelief.core.stop_rules import CHOICE_LABELS, default_stop_rules
from backrelief.store.errors import StoreInputError
from backrelief.store.models import PracticeSession
from backrelief.store.scope import own
from backrelief.store.sessions import add_feedback
from backrelief.store.types import utcnow
from backrelief.store.validation import one_of, past_time, slug

STOPS_KEY = "stops"
STOP_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")


@dataclass(frozen=True)
class StopRecord:
    """One stop: which technique, what the person felt (response id), what they chose."""

    technique: str | None
    response: str
    choice: str
    at: datetime | None
    id: str | None = None  # made by the client, so a stop sent twice (offline retry) counts once

    def as_dict(self) -> dict[str, Any]:
        """The stored form."""
        return {"id": self.id, "technique": self.technique, "response": self.response,
                "choice": self.choice, "at": self.at.isoformat() if self.at else None}


def add_stop(
    db: Session,
    session_id: int,
    technique: str | None,
    response: str,
    choice: str,
    *,
    at: datetime | None = None,
    stop_id: str | None = None,
) -> StopRecord:
    """Record a stop in session ``session_id``; marks the technique ``stopped`` when given.

    ``technique`` must be one of the session's techniques (or None: before the first one);
    ``response`` a stop-rule id and ``choice`` one of the choices in ``core.stop_rules``.
    ``stop_id`` is the client's id for this stop: a second call with the same id records
    nothing more and returns the stop already stored. Bad values raise
    :class:`StoreInputError` naming the field, and nothing is written.
    """
    if isinstance(session_id, bool) or not isinstance(session_id, int):
        raise StoreInputError("session_id", f"must be a session id, got {session_id!r}")
    row = own(db, PracticeSession, session_id)
    if row is None:
        raise StoreInputError("session_id", f"no session with id {session_id}")
    chosen_response = one_of("response", response, tuple(r.id for r in default_stop_rules().responses))
    chosen = one_of("choice", choice, tuple(CHOICE_LABELS))
    if technique is not None:
        slug("technique", technique)
    if stop_id is not None and (not isinstance(stop_id, str) or not STOP_ID.match(stop_id)):
        raise StoreInputError("stop_id", f"must be 1-64 letters, digits or '-', got {stop_id!r}")
    now = utcnow()
    when = now if at is None else past_time("at", at, now)
    if stop_id is not None:
        for stored in session_stops(row.routine):
            if stored.id == stop_id:
                return stored
    record = StopRecord(technique, chosen_response, chosen, when, stop_id)
    document = row.routine if isinstance(row.routine, Mapping) else {"items": row.routine}
    stops = [*document.get(STOPS_KEY, []), record.as_dict()]
    row.routine = {**document, STOPS_KEY: stops}  # a new value, so the JSON column is written
    db.flush()
    if technique is not None:
        add_feedback(db, session_id, technique, "stopped", at=when)
    return record


def session_stops(routine: Any) -> tuple[StopRecord, ...]:
    """The stops stored in a session's document (oldest first); tolerant of odd entries."""
    raw = routine.get(STOPS_KEY, []) if isinstance(routine, Mapping) else []
    found: list[StopRecord] = []
    for entry in raw if isinstance(raw, list) else []:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("response"), str):
            continue
        technique = entry.get("technique")
        stop_id = entry.get("id")
        at = entry.get("at")
        try:
            when = datetime.fromisoformat(at) if isinstance(at, str) else None
        except ValueError:
            when = None
        found.append(StopRecord(
            technique=technique if isinstance(technique, str) else None,
            response=entry["response"],
            choice=str(entry.get("choice", "")),
            at=when,
            id=stop_id if isinstance(stop_id, str) else None,
        ))
    return tuple(found)
