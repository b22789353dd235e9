"""Guided sessions: start, finish, per-technique feedback, and the techniques to avoid.

A session stores the routine exactly as planned (the planner's JSON), so the diary can later
tell which techniques were done. Pain before and after a session are ordinary ratings
(``store.diary.add_rating``) with ``kind="before"``/``"after"`` and the session's id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from backrelief.core.progress import VERDICTS, SessionOutcome, Verdict
from backrelief.core.progress import flagged_techniques as _flagged_from_outcomes
from backrelief.store.errors import StoreInputError
from backrelief.store.light import routine_techniques  # the one parser of a stored routine
from backrelief.store.models import PainRating as PainRatingRow
from backrelief.store.models import PracticeSession, Screen, Setting, TechniqueFeedback, User
from backrelief.store.scope import OWNER_DEFAULT_KEY, USER_KEY, own, owner_of, scoped_to
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
        # By session first, so the (user, session) index of revision 0007 serves it; by time
        # alone SQLite followed the time index through every rating (535 ms at 10^6).
        .order_by(PainRatingRow.session_id, PainRatingRow.rated_at, PainRatingRow.id)
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


# ---- narrow reads for the pages that show a glance (issue 16) ------------------------------------
# Each reads only the columns and rows its page needs, with statements built once (parameters
# bound at run time) and run on the session's connection, below the ORM. store.scope's safety
# net does not reach below the ORM, so every statement filters by ``user_id = :user_id``
# explicitly, and :func:`_run` binds the session's user (``owner_of``) to it.

_SINCE = bindparam("since", type_=PracticeSession.started_at.type)
_USER: Any = bindparam("user_id")


def _owned(*models: Any) -> list[Any]:
    """``model.user_id = :user_id`` for each model (tables a user owns)."""
    return [model.user_id == _USER for model in models]


# store.accounts.owner_id's statement, run as plain Core: through the ORM (and store.scope's
# hook) the owner lookup cost more than the page's own read (issue 16).
_OWNER_ID = select(User.id).where(User.role == "owner").order_by(User.id).limit(1)


def session_user(db: Session) -> int:
    """The session's user (``store.scope.owner_of``), looking the owner account up below the
    ORM when the session acts as the owner; remembered in the session like ``owner_of`` does."""
    user = scoped_to(db)
    if user is None and db.info.get(OWNER_DEFAULT_KEY):
        found = db.connection().execute(_OWNER_ID).scalar()
        if found is not None:
            db.info[USER_KEY] = user = int(found)
    return owner_of(db) if user is None else user  # owner_of raises the clear errors


def _run(db: Session, statement: Callable[[], Any], **params: Any) -> Any:
    """Run the statement ``statement()`` builds (once) on the session's connection, for the
    session's user."""
    return db.connection().execute(statement(), {**params, "user_id": session_user(db)})


@dataclass(frozen=True)
class Glance:
    """What the home page shows, read in one statement."""

    screen_id: int | None
    screen_tier: str | None
    unfinished_id: int | None
    latest_pain: int | None
    latest_rated_at: datetime | None
    finished: int


@cache
def _glance_statement() -> Any:
    screens = (select(Screen.id).where(*_owned(Screen))
               .order_by(Screen.taken_at.desc(), Screen.id.desc()).limit(1))
    ratings = (select(PainRatingRow.pain).where(*_owned(PainRatingRow))
               .order_by(PainRatingRow.rated_at.desc(), PainRatingRow.id.desc()).limit(1))
    unfinished = (select(PracticeSession.id)
                  .where(PracticeSession.ended_at.is_(None), PracticeSession.started_at >= _SINCE,
                         *_owned(PracticeSession))
                  .order_by(PracticeSession.started_at.desc(), PracticeSession.id.desc())
                  .limit(1))
    finished = (select(func.count()).select_from(PracticeSession)
                .where(PracticeSession.ended_at.is_not(None),
                       or_(PracticeSession.stop_reason.is_(None),
                           PracticeSession.stop_reason != bindparam("excluding")),
                       *_owned(PracticeSession)))
    return select(
        screens.scalar_subquery(),
        screens.with_only_columns(Screen.tier).scalar_subquery(),
        unfinished.scalar_subquery(),
        ratings.scalar_subquery(),
        ratings.with_only_columns(PainRatingRow.rated_at).scalar_subquery(),
        finished.scalar_subquery(),
    )


def glance(db: Session, *, since: datetime, excluding_stop_reason: str) -> Glance:
    """One SELECT of scalar subqueries, each served by an index: the latest screen's id and tier,
    the newest session started at ``since`` or later that has not ended, the latest rating, and
    how many sessions ended other than with ``excluding_stop_reason`` (a COUNT in SQL)."""
    row = _run(db, _glance_statement, since=aware_utc("since", since),
               excluding=excluding_stop_reason).one()
    return Glance(row[0], row[1], row[2], row[3], row[4], int(row[5] or 0))


@cache
def _recent_statements() -> tuple[Any, Any, Any]:
    sessions = (select(PracticeSession.id, PracticeSession.started_at, PracticeSession.routine)
                .where(PracticeSession.started_at >= _SINCE, *_owned(PracticeSession))
                .order_by(PracticeSession.started_at, PracticeSession.id))
    ids: Any = bindparam("ids", expanding=True)
    feedback = (select(TechniqueFeedback.id, TechniqueFeedback.session_id,
                       TechniqueFeedback.technique_id, TechniqueFeedback.verdict,
                       TechniqueFeedback.recorded_at)
                .where(or_(TechniqueFeedback.recorded_at >= _SINCE,
                           TechniqueFeedback.session_id.in_(ids)))
                .order_by(TechniqueFeedback.id))
    # Feedback has no user of its own: it is its session's.
    feedback = feedback.join(
        PracticeSession, PracticeSession.id == TechniqueFeedback.session_id
    ).where(*_owned(PracticeSession))
    pains = (select(PainRatingRow.session_id, PainRatingRow.kind, PainRatingRow.pain)
             .where(PainRatingRow.session_id.in_(ids), *_owned(PainRatingRow))
             .order_by(PainRatingRow.session_id, PainRatingRow.rated_at, PainRatingRow.id))
    return sessions, feedback, pains


def recent_outcomes(db: Session, since: datetime) -> tuple[list[SessionOutcome],
                                                             list[FeedbackEvent]]:
    """Sessions started at ``since`` or later as ``core.progress`` takes them (oldest first, as
    :func:`session_outcomes`), and every verdict recorded at ``since`` or later (oldest first,
    as :func:`feedback_events`): three narrow statements, however long the diary."""
    start = aware_utc("since", since)
    rows = _run(db, lambda: _recent_statements()[0], since=start).all()
    ids = [row.id for row in rows]
    feedback: dict[int, dict[str, Verdict]] = {}
    events: list[tuple[datetime, int, FeedbackEvent]] = []
    for key, session_id, technique, verdict, recorded_at in _run(
            db, lambda: _recent_statements()[1], since=start, ids=ids):
        said = _verdict(verdict)
        feedback.setdefault(session_id, {})[technique] = said
        if recorded_at >= start:
            events.append((recorded_at, key, FeedbackEvent(session_id, technique, said,
                                                           recorded_at)))
    events.sort(key=lambda item: (item[0], item[1]))
    before: dict[int, int] = {}
    after: dict[int, int] = {}
    if ids:
        for session_id, kind, pain in _run(db, lambda: _recent_statements()[2],
                                           ids=ids):
            if kind == "before":
                before.setdefault(session_id, pain)
            elif kind == "after":
                after[session_id] = pain
    outcomes = [
        SessionOutcome(
            session_id=row.id,
            started_at=row.started_at,
            techniques=routine_techniques(row.routine),
            pain_before=before.get(row.id),
            pain_after=after.get(row.id),
            feedback=feedback.get(row.id, {}),
        )
        for row in rows
    ]
    return outcomes, [event for _, _, event in events]


@cache
def _setting_statement() -> Any:
    return select(Setting.value).where(Setting.key == bindparam("key"), *_owned(Setting))


def setting_value(db: Session, key: str, default: Any = None) -> Any:
    """What :func:`backrelief.store.settings.get_setting` returns, by one plain statement (no
    ORM identity lookup); ``key`` is a name the caller chose, not user input."""
    row = _run(db, _setting_statement, key=key).first()
    return default if row is None else row[0]


@cache
def _all_settings_statement() -> Any:
    return select(Setting.key, Setting.value).where(*_owned(Setting)).order_by(Setting.key)


def setting_values(db: Session) -> dict[str, Any]:
    """What :func:`backrelief.store.settings.all_settings` returns, by one plain statement (the
    builder reads the remembered choices on every request)."""
    return {key: value for key, value in _run(db, _all_settings_statement)}


@cache
def _one_session_statement() -> Any:
    return select(*_COLUMNS).where(PracticeSession.id == bindparam("id"),
                                   *_owned(PracticeSession))


@cache
def _its_feedback_statement() -> Any:
    # The session itself is read for the user first (session_record); its feedback is its own.
    return (select(TechniqueFeedback.technique_id, TechniqueFeedback.verdict)
            .where(TechniqueFeedback.session_id == bindparam("id"))
            .order_by(TechniqueFeedback.id))


def session_record(db: Session, session_id: Any) -> SessionRecord:
    """What :func:`get_session` returns, read as plain columns by two statements built once
    (the player, its timeline and the summary ask on every request; issue 16)."""
    row_id("session_id", session_id)
    row = _run(db, _one_session_statement, id=session_id).first()
    if row is None:
        raise StoreInputError("session_id", f"no session with id {session_id}")
    feedback = {technique: _verdict(verdict) for technique, verdict
                in _run(db, _its_feedback_statement, id=session_id)}
    return _record(row, feedback)
