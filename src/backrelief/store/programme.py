"""Programmes in the diary: start one, link its sessions, record check-ins, gather its evidence.

One programme is active at a time (starting a new one ends the old). The rules (schedule,
progression, check-in ranges) are :mod:`backrelief.core.programme`'s; this module stores and
reads, and turns the diary's ratings and sessions into the evidence core takes.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from backrelief.core.programme import (
    Checkin,
    ProgrammeError,
    ProgrammePlan,
    SessionResponse,
    WeekEvidence,
    check_checkin,
)
from backrelief.core.progress import PainRating, summarise_trend
from backrelief.store.diary import RatingRecord, list_ratings
from backrelief.store.errors import StoreInputError
from backrelief.store.models import Programme, ProgrammeCheckin, ProgrammeSession
from backrelief.store.scope import UNSCOPED, own, owner_of
from backrelief.store.sessions import SessionRecord, get_session, list_sessions
from backrelief.store.types import utcnow
from backrelief.store.validation import json_value, past_time

HURT_VERDICTS = frozenset(("worse", "stopped"))
ABANDONED = "abandoned"  # journey.sessions.ABANDONED: not a stop for pain


@dataclass(frozen=True)
class ProgrammeRecord:
    """One stored programme."""

    id: int
    created_at: datetime
    plan: ProgrammePlan
    profile: dict[str, Any]
    status: str
    ended_at: datetime | None
    seen_at: datetime | None
    seen_rules: tuple[str, ...]
    calendar_token: str


def _record(row: Programme) -> ProgrammeRecord:
    hour, minute = (int(part) for part in row.at_time.split(":"))
    return ProgrammeRecord(
        id=row.id, created_at=row.created_at,
        plan=ProgrammePlan(row.start_date, row.weeks, tuple(row.days), time(hour, minute)),
        profile=dict(row.profile), status=row.status, ended_at=row.ended_at,
        seen_at=row.seen_at, seen_rules=tuple(row.seen_rules or ()),
        calendar_token=row.calendar_token,
    )


def _input(exc: ProgrammeError) -> StoreInputError:
    return StoreInputError(exc.field, exc.problem)


def new_calendar_token() -> str:
    """A fresh secret for a programme's calendar URL (a new programme, or one imported)."""
    return secrets.token_urlsafe(32)  # 256 bits: the URL is the only key


def check_week(field: str, week: object, weeks: int) -> int:
    """A check-in's week: a whole number within the programme's ``weeks``."""
    if isinstance(week, bool) or not isinstance(week, int) or not 1 <= week <= weeks:
        raise StoreInputError(field, f"must be 1 to {weeks}, got {week!r}")
    return week


def start_programme(db: Session, plan: ProgrammePlan, profile: Mapping[str, Any]) -> ProgrammeRecord:
    """Store a new programme (ending any active one) with a fresh calendar token."""
    stored_profile = json_value("profile", dict(profile))
    now = utcnow()
    user = owner_of(db)
    for row in db.scalars(select(Programme).where(Programme.user_id == user,
                                                  Programme.status == "active")):
        row.status, row.ended_at = "ended", now
    row = Programme(
        user_id=user, created_at=now, start_date=plan.start, weeks=plan.weeks, days=list(plan.days),
        at_time=plan.at.strftime("%H:%M"), profile=stored_profile, status="active",
        calendar_token=new_calendar_token(),
    )
    db.add(row)
    db.flush()
    return _record(row)


def active_programme(db: Session) -> ProgrammeRecord | None:
    """The programme running now, if any."""
    row = db.scalar(select(Programme).where(Programme.user_id == owner_of(db),
                                            Programme.status == "active")
                    .order_by(Programme.id.desc()).limit(1))
    return None if row is None else _record(row)


def list_programmes(db: Session) -> list[ProgrammeRecord]:
    """Every programme, oldest first (active or ended)."""
    query = select(Programme).where(Programme.user_id == owner_of(db)).order_by(Programme.id)
    return [_record(row) for row in db.scalars(query)]


def programme_by_token(db: Session, token: str) -> ProgrammeRecord | None:
    """The programme whose calendar URL carries ``token`` (active or not)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        return None
    row = db.scalar(select(Programme).where(Programme.user_id == owner_of(db),
                                            Programme.calendar_token == token))
    return None if row is None else _record(row)


def calendar_owner(db: Session, token: str) -> int | None:
    """The user whose programme's calendar URL carries ``token``: the calendar feed is read by
    a calendar app that has no login, so the token alone says whose it is (the one unscoped
    read of a diary table; store.scope)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        return None
    found = db.scalar(select(Programme.user_id).where(Programme.calendar_token == token)
                      .execution_options(**UNSCOPED))
    return None if found is None else int(found)


def end_programme(db: Session, programme_id: int) -> None:
    """Stop a programme early (its sessions and check-ins stay in the diary)."""
    row = own(db, Programme, programme_id)
    if row is None:
        raise StoreInputError("programme", f"no programme {programme_id}")
    if row.status == "active":
        row.status, row.ended_at = "ended", utcnow()
    db.flush()


def mark_seen(db: Session, programme_id: int, rules: Sequence[str]) -> None:
    """The person says they have been seen about ``rules`` (the diary's see-a-professional
    reasons now): progression may step up again until a new such reason appears."""
    row = own(db, Programme, programme_id)
    if row is None:
        raise StoreInputError("programme", f"no programme {programme_id}")
    row.seen_at = utcnow()
    row.seen_rules = sorted(set(rules) | set(row.seen_rules or ()))
    db.flush()


def link_session(db: Session, programme_id: int, session_id: int, day: date) -> None:
    """Record that ``session_id`` was the programme's session for ``day``."""
    if own(db, Programme, programme_id) is None:
        raise StoreInputError("programme", f"no programme {programme_id}")
    get_session(db, session_id)  # raises StoreInputError naming the session when unknown
    db.add(ProgrammeSession(programme_id=programme_id, session_id=session_id, day=day))
    db.flush()


def programme_session_days(db: Session, programme_id: int) -> dict[int, date]:
    """Session id -> the programme day it was done for."""
    if own(db, Programme, programme_id) is None:  # links belong to a user through these
        return {}
    rows = db.execute(select(ProgrammeSession.session_id, ProgrammeSession.day)
                      .where(ProgrammeSession.programme_id == programme_id))
    return {session_id: day for session_id, day in rows}


def add_checkin(db: Session, programme_id: int, week: int, activities: Mapping[str, object],
                sleep: object = None, confidence: object = None,
                *, at: datetime | None = None) -> Checkin:
    """Store a weekly check-in; bad values raise :class:`StoreInputError` naming the field."""
    row_programme = own(db, Programme, programme_id)
    if row_programme is None:
        raise StoreInputError("programme", f"no programme {programme_id}")
    check_week("week", week, row_programme.weeks)
    try:
        clean, sleep_score, confidence_score = check_checkin(activities, sleep, confidence)
    except ProgrammeError as exc:
        raise _input(exc) from None
    now = utcnow()
    recorded = now if at is None else past_time("at", at, now)
    db.add(ProgrammeCheckin(programme_id=programme_id, week=week, recorded_at=recorded,
                            activities=clean, sleep=sleep_score, confidence=confidence_score))
    db.flush()
    return Checkin(recorded, week, clean, sleep_score, confidence_score)


def list_checkins(db: Session, programme_id: int) -> list[Checkin]:
    """The programme's check-ins, oldest first."""
    if own(db, Programme, programme_id) is None:
        return []
    rows = db.scalars(select(ProgrammeCheckin).where(ProgrammeCheckin.programme_id == programme_id)
                      .order_by(ProgrammeCheckin.recorded_at, ProgrammeCheckin.id))
    return [Checkin(r.recorded_at, r.week, dict(r.activities), r.sleep, r.confidence) for r in rows]


def _local_day(moment: datetime) -> date:
    # Kept simple on purpose: the machine's local calendar day, as the person lives it.
    return moment.astimezone().date() if moment.tzinfo else moment.replace(tzinfo=UTC).date()


def _response(record: SessionRecord, day: date, ratings: Sequence[RatingRecord]) -> SessionResponse:
    own = [r for r in ratings if r.session_id == record.id]
    before = next((r.pain for r in own if r.kind == "before"), None)
    afters = [r.pain for r in own if r.kind == "after"]
    started = _local_day(record.started_at)
    next_day = next((r.pain for r in ratings
                     if r.kind in ("daily", "before") and _local_day(r.at).toordinal()
                     == started.toordinal() + 1), None)
    stopped = (record.completed is False and record.stop_reason not in (None, ABANDONED))
    hurt = stopped or bool(HURT_VERDICTS & set(record.feedback.values()))
    return SessionResponse(day=day, before=before, during=max(afters) if afters else None,
                           next_day=next_day, hurt=hurt)


def programme_evidence(db: Session, programme: ProgrammeRecord) -> dict[int, WeekEvidence]:
    """What the diary says about each week of ``programme``: its sessions' pain response and
    whether the pain trend showed a flare-up by the week's end (core.progress's rule)."""
    plan = programme.plan
    days = programme_session_days(db, programme.id)
    ratings = list_ratings(db)
    sessions = [s for s in list_sessions(db) if s.id in days]
    evidence: dict[int, WeekEvidence] = {}
    for week in range(1, plan.weeks + 1):
        first, last = plan.week_dates(week)
        responses = tuple(_response(s, days[s.id], ratings) for s in sessions
                          if first <= days[s.id] <= last)
        until = [PainRating(at=r.at, pain=r.pain, kind=r.kind, session_id=r.session_id,
                            spread=r.spread)
                 for r in ratings if _local_day(r.at) <= last]
        flare = bool(until) and any(first <= _local_day(r.at) for r in until) \
            and summarise_trend(until).direction == "flare_up"
        evidence[week] = WeekEvidence(responses, flare)
    return evidence


def forget_programmes(db: Session) -> dict[str, int]:
    """Delete every programme, link and check-in of the session's user, and their activity log
    (``forget``); returns the rows each table lost."""
    from backrelief.store.activity import forget_activity

    mine = select(Programme.id).where(Programme.user_id == owner_of(db)).scalar_subquery()
    deleted: dict[str, int] = {"activity_logs": forget_activity(db)}
    for name, model, where in (
        ("programme_checkins", ProgrammeCheckin, ProgrammeCheckin.programme_id.in_(mine)),
        ("programme_sessions", ProgrammeSession, ProgrammeSession.programme_id.in_(mine)),
        ("programmes", Programme, Programme.user_id == owner_of(db)),
    ):
        deleted[name] = int(db.scalar(select(func.count()).select_from(model).where(where)) or 0)
        db.execute(delete(model).where(where))
    return deleted
