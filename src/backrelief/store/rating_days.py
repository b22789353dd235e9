"""Per-day rating totals (table ``rating_days``, revision 0007), kept with every rating write.

Issue 15: at 10^6 ratings, "N ratings" and the course count scanned a whole index, and a run of
high-pain days reaching far back made the advice read every rating. Each UTC day and kind now
has one row (how many ratings, their sum, lowest and highest), so those reads take one row a
day, whatever the diary's length.

A new rating is counted in with one upsert (``add_to_day``). A delete, an import and a merge
recompute the days they touched from ``pain_ratings`` (``refresh_days``) instead of
subtracting, so a delete keeps the lowest and highest right; a day's recompute reads only that
day through the covering index ``ix_pain_ratings_user_id_rated_at_kind_pain``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, select, text
from sqlalchemy.orm import Session

from backrelief.store.models import PainRating, RatingDay
from backrelief.store.scope import owner_of


def utc_day(at: datetime) -> date:
    """The UTC day of an aware time."""
    return at.astimezone(UTC).date()


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def rating_day_expression(db: Session) -> ColumnElement[Any]:
    """The UTC day of ``pain_ratings.rated_at``, computed by the database."""
    if db.get_bind().dialect.name == "sqlite":
        return func.date(PainRating.rated_at)  # the stored text is the UTC wall time
    return func.date(func.timezone("UTC", PainRating.rated_at))


def refresh_days(db: Session, first: date, last: date) -> None:
    """Recompute the totals of every UTC day from ``first`` to ``last`` (inclusive) from the
    ratings themselves; call it in the transaction that changed those days' ratings."""
    db.flush()
    user = owner_of(db)
    db.execute(delete(RatingDay).where(RatingDay.user_id == user, RatingDay.day >= first,
                                       RatingDay.day <= last))
    day = rating_day_expression(db)
    totals = (
        select(PainRating.user_id, day, PainRating.kind, func.count(),
               func.sum(PainRating.pain), func.min(PainRating.pain), func.max(PainRating.pain))
        .where(PainRating.user_id == user, PainRating.rated_at >= _midnight(first),
               PainRating.rated_at < _midnight(last + timedelta(days=1)))
        .group_by(PainRating.user_id, day, PainRating.kind)
    )
    db.execute(insert(RatingDay).from_select(
        ["user_id", "day", "kind", "ratings", "pain_sum", "pain_min", "pain_max"], totals))


_ADD_TO_DAY = (
    "INSERT INTO rating_days (user_id, day, kind, ratings, pain_sum, pain_min, pain_max) "
    "VALUES (:user, :day, :kind, 1, :pain, :pain, :pain) "
    "ON CONFLICT (user_id, day, kind) DO UPDATE SET "
    "ratings = rating_days.ratings + 1, pain_sum = rating_days.pain_sum + excluded.pain_sum, "
    "pain_min = {low}(rating_days.pain_min, excluded.pain_min), "
    "pain_max = {high}(rating_days.pain_max, excluded.pain_max)"
)
# One statement text per dialect, made once: building the upsert with SQLAlchemy's constructs
# cost more than the write itself (1.5 ms of CPU a rating, held under the write lock).
_ADD_TO_DAY_SQL = {
    "sqlite": text(_ADD_TO_DAY.format(low="min", high="max")),  # SQLite's scalar min/max
    "postgresql": text(_ADD_TO_DAY.format(low="LEAST", high="GREATEST")),
}


def add_to_day(db: Session, at: datetime, kind: str, pain: int) -> None:
    """Count one new rating into its day's totals: one upsert, no aggregate read.

    What every new rating does (``add_rating``), so it is the cheap path: writers queue on
    the write lock behind each other's transactions, and a recompute (``refresh_days``) there
    tripled the web write's p99 at 32 clients.
    """
    day = utc_day(at)
    sqlite = db.get_bind().dialect.name == "sqlite"
    db.execute(_ADD_TO_DAY_SQL["sqlite" if sqlite else "postgresql"], {
        "user": owner_of(db), "day": day.isoformat() if sqlite else day, "kind": kind,
        "pain": pain})


def refresh_day_of(db: Session, at: datetime) -> None:
    """Recompute the totals of the UTC day holding ``at``."""
    day = utc_day(at)
    refresh_days(db, day, day)


def forget_days(db: Session) -> None:
    """Delete every day's totals of the session's user (``forget``)."""
    db.execute(delete(RatingDay).where(RatingDay.user_id == owner_of(db)))


def count_of(db: Session, kinds: Sequence[str] | None = None) -> int:
    """How many ratings of ``kinds`` (every kind when None) the diary holds."""
    query = select(func.coalesce(func.sum(RatingDay.ratings), 0)).where(
        RatingDay.user_id == owner_of(db))
    if kinds is not None:
        query = query.where(RatingDay.kind.in_(kinds))
    return int(db.scalar(query) or 0)


def has_kind(db: Session, kinds: Sequence[str]) -> bool:
    """True when some rating is of one of ``kinds``."""
    return db.scalar(select(RatingDay.day).where(
        RatingDay.user_id == owner_of(db), RatingDay.kind.in_(kinds)).limit(1)) is not None


@dataclass(frozen=True)
class DayTotal:
    """One UTC day's ratings of one sort (resting, or after a session), summed."""

    day: date
    after: bool
    ratings: int
    pain_sum: int

    @property
    def mean(self) -> float:
        """The day's mean pain."""
        return self.pain_sum / self.ratings


def day_totals(db: Session, *, since: date) -> list[DayTotal]:
    """Per-day totals from ``since`` on, resting and after-session apart, oldest first."""
    after = RatingDay.kind == "after"
    rows = db.execute(
        select(RatingDay.day, after, func.sum(RatingDay.ratings), func.sum(RatingDay.pain_sum))
        .where(RatingDay.user_id == owner_of(db), RatingDay.day >= since)
        .group_by(RatingDay.day, after).order_by(RatingDay.day, after)
    )
    return [DayTotal(_as_date(d), bool(a), int(n), int(total)) for d, a, n, total in rows]


def day_highs(db: Session, kinds: Sequence[str], first: date, last: date,
              ) -> list[tuple[date, int]]:
    """Each day from ``first`` to ``last`` that has ratings of ``kinds``, with its highest,
    oldest first."""
    rows = db.execute(
        select(RatingDay.day, func.max(RatingDay.pain_max))
        .where(RatingDay.user_id == owner_of(db), RatingDay.kind.in_(kinds),
               RatingDay.day >= first, RatingDay.day <= last)
        .group_by(RatingDay.day).order_by(RatingDay.day)
    )
    return [(_as_date(day), int(highest)) for day, highest in rows]


def high_days_before(db: Session, day: date, kinds: Sequence[str], high: int,
                     page: int = 64) -> list[tuple[date, int]]:
    """The unbroken run of days just before ``day`` whose highest rating of ``kinds`` is at
    least ``high``, newest first, each with that highest rating. Reads pages of days, each
    four times the last, so a short run is one small read and a run of years a handful."""
    run: list[tuple[date, int]] = []
    expected = day - timedelta(days=1)
    user = owner_of(db)
    while True:
        rows = db.execute(
            select(RatingDay.day, func.max(RatingDay.pain_max))
            .where(RatingDay.user_id == user, RatingDay.kind.in_(kinds),
                   RatingDay.day <= expected)
            .group_by(RatingDay.day).order_by(RatingDay.day.desc()).limit(page)
        ).all()
        for found, highest in rows:
            if highest < high or _as_date(found) != expected:
                return run
            run.append((expected, highest))
            expected -= timedelta(days=1)
        if len(rows) < page:
            return run
        page *= 4


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def days_of(times: Iterable[datetime]) -> tuple[date, date] | None:
    """The first and last UTC day of ``times`` (None when there are none)."""
    days = [utc_day(at) for at in times]
    return (min(days), max(days)) if days else None
