"""The activity log: minutes of walking per day, for the daily goal (core.activity's rules).

Kept apart from the programme tables on purpose: walking counts whether or not a programme is
running, and a programme only reads the days that fall in its weeks. Every entry belongs to the
session's user (store.scope: explicit filters, the safety net behind them).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from backrelief.core.activity import (
    MAX_DAY_MINUTES,
    ActivityError,
    check_day,
    check_minutes,
    minutes_per_day,
)
from backrelief.store.errors import StoreInputError
from backrelief.store.models import ActivityLog
from backrelief.store.scope import owner_of
from backrelief.store.types import utcnow


def log_walk(db: Session, minutes: object, day: object, *, today: date) -> int:
    """Store a walk of ``minutes`` on ``day``; returns that day's total. Bad values raise
    :class:`StoreInputError` naming the field, and nothing is written."""
    try:
        clean_minutes = check_minutes(minutes)
        clean_day = check_day(day, today)
    except ActivityError as exc:
        raise StoreInputError(exc.field, exc.problem) from None
    total = day_minutes(db, clean_day) + clean_minutes
    if total > MAX_DAY_MINUTES:
        raise StoreInputError("minutes", f"that would make {total} minutes on "
                                         f"{clean_day.isoformat()}, more than a day holds")
    db.add(ActivityLog(user_id=owner_of(db), day=clean_day, kind="walk", minutes=clean_minutes,
                       recorded_at=utcnow()))
    db.flush()
    return total


def day_minutes(db: Session, day: date) -> int:
    """Minutes walked on ``day`` (0 when none were logged)."""
    return int(db.scalar(select(func.coalesce(func.sum(ActivityLog.minutes), 0))
                         .where(ActivityLog.user_id == owner_of(db), ActivityLog.day == day))
               or 0)


def walked_per_day(db: Session, first: date | None = None, last: date | None = None
                   ) -> dict[date, int]:
    """Minutes walked per day, optionally between ``first`` and ``last`` (inclusive)."""
    query = select(ActivityLog.day, ActivityLog.minutes).where(ActivityLog.user_id == owner_of(db))
    if first is not None:
        query = query.where(ActivityLog.day >= first)
    if last is not None:
        query = query.where(ActivityLog.day <= last)
    return minutes_per_day((day, minutes) for day, minutes in db.execute(query))


def forget_activity(db: Session) -> int:
    """Delete the session's user's whole activity log (``forget``); returns how many entries it
    held."""
    mine = ActivityLog.user_id == owner_of(db)
    count = int(db.scalar(select(func.count()).select_from(ActivityLog).where(mine)) or 0)
    db.execute(delete(ActivityLog).where(mine))
    return count
