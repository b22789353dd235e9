"""Pain ratings: the 0-10 numeric rating before or after a session, or once a day.

Each rating has an aware UTC time, a kind (``before``, ``after`` or ``daily``), optionally where
it hurts (free text, one line), the session it belongs to, and whether the pain has spread down a
leg, or further down it, since the rating before (``spread``; DESIGN "Diary advice").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backrelief.core.progress import RATING_KINDS, PainRating, RatingKind
from backrelief.core.vocabulary import PAIN_MAX, PAIN_MIN
from backrelief.store.errors import StoreInputError
from backrelief.store.models import PainRating as PainRatingRow
from backrelief.store.models import PracticeSession
from backrelief.store.scope import own, owner_of
from backrelief.store.types import utcnow
from backrelief.store.validation import one_of, past_time, row_id, short_text, whole_number

WHERE_MAX_LENGTH = 80
SPREAD_BEFORE_PROBLEM = "is for a daily or after-session rating, not one before a session"


@dataclass(frozen=True)
class RatingRecord:
    """One stored pain rating."""

    id: int
    at: datetime
    pain: int
    kind: RatingKind
    where: str | None = None
    session_id: int | None = None
    spread: bool = False

    def as_progress(self) -> PainRating:
        """The form ``core.progress`` takes."""
        return PainRating(at=self.at, pain=self.pain, kind=self.kind, session_id=self.session_id,
                          spread=self.spread)

    def as_dict(self) -> dict[str, Any]:
        """JSON form: ``backrelief diary --json`` and the export."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "pain": self.pain,
            "kind": self.kind,
            "where": self.where,
            "session_id": self.session_id,
            "spread": self.spread,
        }


def _kind(value: str) -> RatingKind:
    for kind in RATING_KINDS:
        if kind == value:
            return kind
    raise ValueError(f"unknown rating kind {value!r}")  # pragma: no cover - CHECK constraint


def _record(row: Any) -> RatingRecord:
    """A record from an ORM row or a row of :data:`RATING_COLUMNS` (same attribute names)."""
    return RatingRecord(
        id=row.id,
        at=row.rated_at,
        pain=row.pain,
        kind=_kind(row.kind),
        where=row.location,
        session_id=row.session_id,
        spread=bool(row.spread),
    )


# Reads select plain columns, not ORM entities: building a few thousand ORM objects (identity
# map, instrumentation) took most of the time of `backrelief advice` on a two-year diary.
RATING_COLUMNS = (
    PainRatingRow.id,
    PainRatingRow.rated_at,
    PainRatingRow.pain,
    PainRatingRow.kind,
    PainRatingRow.location,
    PainRatingRow.session_id,
    PainRatingRow.spread,
)


def add_rating(
    db: Session,
    pain: int,
    *,
    kind: str = "daily",
    at: datetime | None = None,
    where: str | None = None,
    session_id: int | None = None,
    spread: bool = False,
) -> RatingRecord:
    """Record one pain rating (``at`` defaults to now; it must be aware and not in the future).

    ``spread``: the pain has spread down a leg, or further down it, since the rating before.
    """
    now = utcnow()
    if not isinstance(spread, bool):
        raise StoreInputError("spread", f"must be true or false, got {spread!r}")
    if spread and kind == "before":
        raise StoreInputError("spread", SPREAD_BEFORE_PROBLEM)
    row = PainRatingRow(
        user_id=owner_of(db),
        pain=whole_number("pain", pain, PAIN_MIN, PAIN_MAX),
        kind=one_of("kind", kind, RATING_KINDS),
        rated_at=now if at is None else past_time("at", at, now),
        location=short_text("where", where, WHERE_MAX_LENGTH),
        session_id=session_id,
        spread=spread,
    )
    if session_id is not None and own(db, PracticeSession, row_id("session_id", session_id)) is None:
        raise StoreInputError("session_id", f"no session with id {session_id}")
    db.add(row)
    db.flush()
    return _record(row)


def rating_records(db: Session, query: Any) -> list[RatingRecord]:
    """Records for a query over :data:`RATING_COLUMNS`, in the query's order."""
    return [_record(row) for row in db.execute(query)]


def list_ratings(
    db: Session,
    *,
    since: datetime | None = None,
    session_id: int | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[RatingRecord]:
    """Ratings oldest first; ``limit`` keeps the most recent ones, ``offset`` skips that many
    of the most recent first (page 2 of 50 is ``limit=50, offset=50``)."""
    query = select(*RATING_COLUMNS).where(PainRatingRow.user_id == owner_of(db))
    if since is not None:
        query = query.where(PainRatingRow.rated_at >= since)
    if session_id is not None:
        query = query.where(PainRatingRow.session_id == session_id)
    if limit is not None:
        newest = (query.order_by(PainRatingRow.rated_at.desc(), PainRatingRow.id.desc())
                  .limit(limit).offset(offset))
        return list(reversed(rating_records(db, newest)))
    ordered = query.order_by(PainRatingRow.rated_at, PainRatingRow.id)
    return rating_records(db, ordered)


@dataclass(frozen=True)
class DayMean:
    """The mean pain of one UTC day's ratings of one sort (resting, or after a session)."""

    day: date
    after: bool
    mean: float
    count: int


def daily_means(db: Session, *, since: datetime) -> list[DayMean]:
    """Per-day mean pain from ``since`` on, resting and after-session apart, oldest first.

    Computed by the database (``GROUP BY`` on the covering index of revision 0004), so a chart
    of a long diary receives a few hundred numbers, not every rating.
    """
    if db.get_bind().dialect.name == "sqlite":
        day: Any = func.date(PainRatingRow.rated_at)  # the stored text is UTC
    else:
        day = func.date(func.timezone("UTC", PainRatingRow.rated_at))
    after = PainRatingRow.kind == "after"
    rows = db.execute(
        select(day.label("day"), after.label("after"), func.avg(PainRatingRow.pain),
               func.count())
        .where(PainRatingRow.user_id == owner_of(db), PainRatingRow.rated_at >= since)
        .group_by(day, after).order_by(day, after)
    )
    return [DayMean(d if isinstance(d, date) else date.fromisoformat(str(d)), bool(a),
                    float(mean), int(n)) for d, a, mean, n in rows]


def count_ratings(db: Session) -> int:
    """How many ratings the diary holds."""
    return int(db.scalar(select(func.count()).select_from(PainRatingRow)
                         .where(PainRatingRow.user_id == owner_of(db))) or 0)


def delete_rating(db: Session, rating_id: int) -> bool:
    """Delete one rating (a mistyped entry); True if it existed."""
    row = own(db, PainRatingRow, row_id("rating_id", rating_id))
    if row is None:
        return False
    db.delete(row)
    db.flush()
    return True
