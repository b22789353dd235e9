"""The diary's advice: reads the window of ratings the rules need, the sessions and the latest
screen, and hands them to ``core.progress``.

Issue 15/16: advice read every rating (17 s at 400,000). The rules only look at the first
rating, how many there are and a recent stretch (``core.progress.CourseWindow``), so this reads
the first rating, a count and that stretch, each with an index, and the result is the same as
from the whole diary (``tests/store/test_windowed_advice.py`` compares the two on random
diaries). The fitted slope is the one figure that needs every rating; it is computed in SQL,
and only when asked (``backrelief history`` prints it).
"""

from __future__ import annotations

import heapq
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, and_, cast, func, select
from sqlalchemy.orm import Session

from backrelief.core.progress import (
    RECENT_ALARM_WINDOW,
    Advice,
    CourseWindow,
    assess_window,
    slope_from_sums,
    tail_is_enough,
    tail_start,
    utc_midnight,
)
from backrelief.store.diary import RATING_COLUMNS, RatingRecord, rating_records
from backrelief.store.models import PainRating as PainRatingRow
from backrelief.store.scope import owner_of
from backrelief.store.screens import latest_screen
from backrelief.store.sessions import session_outcomes
from backrelief.store.types import utcnow

_ORDER = (PainRatingRow.rated_at, PainRatingRow.id)
_NEWEST = (PainRatingRow.rated_at.desc(), PainRatingRow.id.desc())


COURSE_KINDS = ("before", "daily")
ALL_KINDS = ("before", "daily", "after")


def course_kinds(db: Session) -> tuple[str, ...]:
    """The kinds that make ``core.progress.course_ratings``: daily and before-session
    ratings, or every kind when there are only after-session ones."""
    resting = PainRatingRow.kind.in_(COURSE_KINDS)
    mine = PainRatingRow.user_id == owner_of(db)
    if db.scalar(select(PainRatingRow.id).where(mine, resting).limit(1)) is not None:
        return COURSE_KINDS
    return ALL_KINDS


def _course(db: Session, kinds: tuple[str, ...], *, newest: int | None = None,
            oldest: int | None = None, since: datetime | None = None) -> list[RatingRecord]:
    """Course ratings oldest first, read kind by kind and merged: each read then follows the
    (kind, rated_at) index in order (SQLite appends the id to it), where one read over several
    kinds sorted them all first."""
    parts = []
    for kind in kinds:
        query = select(*RATING_COLUMNS).where(PainRatingRow.user_id == owner_of(db),
                                              PainRatingRow.kind == kind)
        if since is not None:
            query = query.where(PainRatingRow.rated_at >= since)
        if newest is not None:
            rows = rating_records(db, query.order_by(*_NEWEST).limit(newest))[::-1]
        else:
            rows = rating_records(db, query.order_by(*_ORDER).limit(oldest))
        parts.append(rows)
    merged = list(heapq.merge(*parts, key=lambda record: (record.at, record.id)))
    if newest is not None:
        return merged[-newest:]
    return merged[:oldest] if oldest is not None else merged


def read_course_window(db: Session, *, now: datetime, slope: bool = False) -> CourseWindow | None:
    """The ``CourseWindow`` of the diary at ``now`` (None without ratings)."""
    kinds = course_kinds(db)
    newest = _course(db, kinds, newest=3)
    if not newest:
        return None
    first = _course(db, kinds, oldest=1)[0]
    course = and_(PainRatingRow.user_id == owner_of(db), PainRatingRow.kind.in_(kinds))
    count = int(db.scalar(select(func.count()).select_from(PainRatingRow).where(course)) or 0)
    start = tail_start(newest[-1].at, newest[0].at, now)
    while True:
        tail = [record.as_progress() for record in _course(db, kinds, since=start)]
        if tail_is_enough(tail, start, count):
            break
        # A run of high-pain days reaches back past the start: read further back.
        # Whole UTC days again, or the day the read starts in would be cut short.
        start = utc_midnight(start - max(RECENT_ALARM_WINDOW, newest[-1].at - start))
    spread = db.scalar(select(func.count()).select_from(PainRatingRow).where(
        PainRatingRow.user_id == owner_of(db),
        PainRatingRow.spread.is_(True),
        PainRatingRow.rated_at >= now - RECENT_ALARM_WINDOW,
        PainRatingRow.rated_at <= now,
    ))
    return CourseWindow(
        first=first.as_progress(),
        count=count,
        tail=tuple(tail),
        spread_recent=int(spread or 0),
        slope_per_week=_slope(db, course, first.at) if slope else None,
    )


def _slope(db: Session, course: ColumnElement[bool], first_at: datetime) -> float | None:
    """The fitted slope over the whole course, from sums the database computes."""
    if db.get_bind().dialect.name == "sqlite":
        # julianday() reads the stored UTC text; the first rating's Julian day is exact here.
        origin = first_at.timestamp() / 86400 + 2440587.5
        days: ColumnElement[Any] = func.julianday(PainRatingRow.rated_at) - origin
    else:
        epoch = func.extract("epoch", PainRatingRow.rated_at)
        days = cast(epoch, Float) / 86400.0 - first_at.timestamp() / 86400
    pain = cast(PainRatingRow.pain, Float)
    x = select(days.label("x"), pain.label("y")).where(course).subquery()
    row = db.execute(select(
        func.count(), func.sum(x.c.x), func.sum(x.c.x * x.c.x), func.sum(x.c.y),
        func.sum(x.c.x * x.c.y),
    )).one()
    n, sx, sxx, sy, sxy = row
    if not n:
        return None
    return slope_from_sums(int(n), float(sx), float(sxx), float(sy), float(sxy))


def diary_advice(db: Session, *, now: datetime | None = None, slope: bool = False) -> Advice:
    """Trend, flagged techniques and advice, from the stretch of the diary the rules read.

    ``slope``: also fit the slope over the whole course (``Advice.trend.slope_per_week``);
    it reads every rating, so only ``backrelief history`` asks for it.
    """
    when = now or utcnow()
    screen = latest_screen(db)
    return assess_window(
        read_course_window(db, now=when, slope=slope),
        session_outcomes(db),
        screen.snapshot() if screen is not None else None,
        now=when,
    )

