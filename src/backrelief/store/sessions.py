"""Guided sessions: start, finish, per-technique feedback, and the techniques to avoid.

A session stores the routine exactly as planned (the planner's JSON), so the diary can later
tell which techniques were done. Pain before and after a session are ordinary ratings
(``store.diary.add_rating``) with ``kind="before"``/``"after"`` and the session's id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from backrelief.core.progress import VERDICTS, SessionOutcome, Verdict
from backrelief.core.progress import flagged_techniques as _flagged_from_outcomes
from backrelief.store.errors import StoreInputError
from backrelief.store.models import PainRating as PainRatingRow
from backrelief.store.models import PracticeSession, Screen, TechniqueFeedback
from backrelief.store.scope import own, owner_of
from backrelief.store.types import utcnow
from backrelief.store.upsert import upsert
from backrelief.store.validation import (
    aware_utc,
    json_value,
    one_of,
    past_time,
    row_id,
    short_text,
    slug,
)

STOP_REASON_MAX_LENGTH = 200


@dataclass(frozen=True)
class SessionRecord:
    """One stored session, with its feedback (technique id -> verdict)."""

    id: int
    started_at: datetime
    ended_at: datetime | None
    routine: Any
    completed: bool | None
    stop_reason: str | None
    screen_id: int | None
    feedback: dict[str, Verdict] = field(default_factory=dict)

    @property
    def techniques(self) -> tuple[str, ...]:
        """Technique ids in the routine, in order, each once."""
        return routine_techniques(self.routine)

    def as_dict(self) -> dict[str, Any]:
        """JSON form (export)."""
        return {
            "id": self.id,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "routine": self.routine,
            "completed": self.completed,
            "stop_reason": self.stop_reason,
            "screen_id": self.screen_id,
        }


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


_COLUMNS = (
    PracticeSession.id,
    PracticeSession.started_at,
    PracticeSession.ended_at,
    PracticeSession.routine,
    PracticeSession.completed,
    PracticeSession.stop_reason,
    PracticeSession.screen_id,
)


def _verdict(value: str) -> Verdict:
    for verdict in VERDICTS:
        if verdict == value:
            return verdict
    raise ValueError(f"unknown verdict {value!r}")  # pragma: no cover - CHECK constraint


def _get(db: Session, session_id: Any) -> PracticeSession:
    row_id("session_id", session_id)
    row = own(db, PracticeSession, session_id)
    if row is None:
        raise StoreInputError("session_id", f"no session with id {session_id}")
    return row


def start_session(
    db: Session,
    routine: Any,
    *,
    started_at: datetime | None = None,
    screen_id: int | None = None,
) -> int:
    """Record that a session started with ``routine`` (JSON data); returns the session id."""
    now = utcnow()
    if routine is None:
        raise StoreInputError("routine", "is required")
    if screen_id is not None and own(db, Screen, screen_id) is None:
        raise StoreInputError("screen_id", f"no screen with id {screen_id}")
    row = PracticeSession(
        user_id=owner_of(db),
        started_at=now if started_at is None else past_time("started_at", started_at, now),
        routine=json_value("routine", routine),
        screen_id=screen_id,
    )
    db.add(row)
    db.flush()
    return row.id


def finish_session(
    db: Session,
    session_id: int,
    completed: bool,
    stop_reason: str | None = None,
    *,
    ended_at: datetime | None = None,
) -> None:
    """Record how a session ended: completed, or stopped (and why)."""
    row = _get(db, session_id)
    if not isinstance(completed, bool):
        raise StoreInputError("completed", "must be true or false")
    ended = utcnow() if ended_at is None else aware_utc("ended_at", ended_at)
    if ended < row.started_at:
        raise StoreInputError("ended_at", "is before the session started")
    row.ended_at = ended
    row.completed = completed
    row.stop_reason = short_text("stop_reason", stop_reason, STOP_REASON_MAX_LENGTH)
    db.flush()


def add_feedback(
    db: Session,
    session_id: int,
    technique_id: str,
    verdict: str,
    *,
    at: datetime | None = None,
) -> None:
    """Record how one technique felt in a session; a second call for it replaces the first.

    The technique must be one of the session's (when its routine lists any). One upsert, so
    identical writes at the same moment all succeed and leave one row (``store.upsert``).
    """
    row = _get(db, session_id)
    technique = slug("technique_id", technique_id)
    listed = routine_techniques(row.routine)
    if listed and technique not in listed:
        raise StoreInputError("technique_id", f"{technique!r} is not in session {session_id}")
    chosen = one_of("verdict", verdict, VERDICTS)
    now = utcnow()
    recorded_at = now if at is None else past_time("at", at, now)
    db.flush()  # pending ORM changes first: the upsert below is a plain statement
    upsert(db, TechniqueFeedback,
           {"session_id": session_id, "technique_id": technique, "verdict": chosen,
            "recorded_at": recorded_at},
           key=("session_id", "technique_id"))
    db.expire_all()  # loaded feedback rows may be stale now


def _feedback_by_session(db: Session, ids: Sequence[int] | None = None
                         ) -> dict[int, dict[str, Verdict]]:
    feedback: dict[int, dict[str, Verdict]] = {}
    query = select(TechniqueFeedback.session_id, TechniqueFeedback.technique_id,
                   TechniqueFeedback.verdict).order_by(TechniqueFeedback.id)
    if ids is None:  # feedback has no user of its own: its session's
        query = query.join(PracticeSession, PracticeSession.id == TechniqueFeedback.session_id
                           ).where(PracticeSession.user_id == owner_of(db))
    else:  # ids of this user's sessions
        query = query.where(TechniqueFeedback.session_id.in_(ids))
    for session_id, technique_id, verdict in db.execute(query):
        feedback.setdefault(session_id, {})[technique_id] = _verdict(verdict)
    return feedback


def _record(row: Any, feedback: Mapping[str, Verdict]) -> SessionRecord:
    """A record from an ORM row or a row of :data:`_COLUMNS` (same attribute names)."""
    return SessionRecord(
        id=row.id,
        started_at=row.started_at,
        ended_at=row.ended_at,
        routine=row.routine,
        completed=row.completed,
        stop_reason=row.stop_reason,
        screen_id=row.screen_id,
        feedback=dict(feedback),
    )


def get_session(db: Session, session_id: int) -> SessionRecord:
    """One session with its feedback (StoreInputError if there is none)."""
    row = _get(db, session_id)
    rows = db.scalars(select(TechniqueFeedback).where(TechniqueFeedback.session_id == session_id))
    return _record(row, {fb.technique_id: _verdict(fb.verdict) for fb in rows})


def list_sessions(db: Session, *, limit: int | None = None, offset: int = 0) -> list[SessionRecord]:
    """Sessions with their feedback, oldest first; ``limit`` keeps the most recent ones and
    ``offset`` skips that many of the most recent first (a page of the session log)."""
    # Plain columns, not ORM entities: much faster for a long diary (see store.diary).
    if limit is None:
        feedback = _feedback_by_session(db)
        rows = db.execute(
            select(*_COLUMNS).where(PracticeSession.user_id == owner_of(db))
            .order_by(PracticeSession.started_at, PracticeSession.id)
        ).all()
    else:
        rows = list(reversed(db.execute(
            select(*_COLUMNS).where(PracticeSession.user_id == owner_of(db))
            .order_by(PracticeSession.started_at.desc(), PracticeSession.id.desc())
            .limit(limit).offset(offset)
        ).all()))
        feedback = _feedback_by_session(db, [row.id for row in rows])
    return [_record(row, feedback.get(row.id, {})) for row in rows]


def count_sessions(db: Session, *, ended: bool | None = None,
                   excluding_stop_reason: str | None = None) -> int:
    """How many sessions there are (``ended``: only those that ended, or did not), by COUNT."""
    query = select(func.count()).select_from(PracticeSession).where(
        PracticeSession.user_id == owner_of(db))
    if ended is not None:
        column = PracticeSession.ended_at
        query = query.where(column.is_not(None) if ended else column.is_(None))
    if excluding_stop_reason is not None:
        query = query.where(or_(PracticeSession.stop_reason.is_(None),
                                PracticeSession.stop_reason != excluding_stop_reason))
    return int(db.scalar(query) or 0)


def latest_unfinished_session(db: Session, *, since: datetime) -> SessionRecord | None:
    """The newest session started at ``since`` or later that has not ended, if any."""
    row = db.execute(
        select(*_COLUMNS)
        .where(PracticeSession.user_id == owner_of(db), PracticeSession.ended_at.is_(None),
               PracticeSession.started_at >= aware_utc("since", since))
        .order_by(PracticeSession.started_at.desc(), PracticeSession.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return _record(row, _feedback_by_session(db, [row.id]).get(row.id, {}))


def session_pains(db: Session, ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Pain before and after each of ``ids``: the first "before" and the last "after" rating."""
    pains: dict[int, dict[str, int]] = {}
    if not ids:
        return pains
    rows = db.execute(
        select(PainRatingRow.session_id, PainRatingRow.kind, PainRatingRow.pain)
        .where(PainRatingRow.user_id == owner_of(db), PainRatingRow.session_id.in_(ids))
        .order_by(PainRatingRow.rated_at, PainRatingRow.id)
    )
    for session_id, kind, pain in rows:
        if session_id is None:  # pragma: no cover - filtered out by the query
            continue
        slot = pains.setdefault(session_id, {})
        if kind == "before":
            slot.setdefault("before", pain)
        elif kind == "after":
            slot["after"] = pain
    return pains


def session_outcomes(db: Session) -> list[SessionOutcome]:
    """Every session as ``core.progress`` takes it: techniques, pain before/after, feedback.

    With several ratings of one kind, the first "before" and the last "after" count.
    """
    before: dict[int, int] = {}
    after: dict[int, int] = {}
    # Ordered by session first, so the session_id index serves the read (by time alone the
    # database walked every rating to find the few that belong to a session).
    ratings = db.execute(
        select(PainRatingRow.session_id, PainRatingRow.kind, PainRatingRow.pain)
        .where(PainRatingRow.user_id == owner_of(db), PainRatingRow.session_id.is_not(None))
        .order_by(PainRatingRow.session_id, PainRatingRow.rated_at, PainRatingRow.id)
    )
    for session_id, kind, pain in ratings:
        if session_id is None:  # pragma: no cover - filtered out by the query
            continue
        if kind == "before":
            before.setdefault(session_id, pain)
        elif kind == "after":
            after[session_id] = pain
    return [
        SessionOutcome(
            session_id=record.id,
            started_at=record.started_at,
            techniques=record.techniques,
            pain_before=before.get(record.id),
            pain_after=after.get(record.id),
            feedback=record.feedback,
        )
        for record in list_sessions(db)
    ]


@dataclass(frozen=True)
class FeedbackEvent:
    """One stored verdict on one technique, and when it was given (aware UTC)."""

    session_id: int
    technique: str
    verdict: Verdict
    recorded_at: datetime


def feedback_events(db: Session, since: datetime | None = None) -> list[FeedbackEvent]:
    """Every verdict on a technique (from ``since`` on, when given), oldest first."""
    query = select(TechniqueFeedback.session_id, TechniqueFeedback.technique_id,
                   TechniqueFeedback.verdict, TechniqueFeedback.recorded_at
                   ).join(PracticeSession, PracticeSession.id == TechniqueFeedback.session_id
                          ).where(PracticeSession.user_id == owner_of(db))
    if since is not None:
        query = query.where(TechniqueFeedback.recorded_at >= aware_utc("since", since))
    rows = db.execute(query.order_by(TechniqueFeedback.recorded_at, TechniqueFeedback.id))
    return [FeedbackEvent(session_id, technique, _verdict(verdict), recorded_at)
            for session_id, technique, verdict, recorded_at in rows]


def flagged_techniques(db: Session) -> set[str]:
    """Technique ids the planner should leave out next time (rule in ``core.progress``)."""
    return set(_flagged_from_outcomes(session_outcomes(db)))
