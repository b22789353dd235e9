"""The advice read from a window of the diary equals the advice from the whole diary.

``store.advice.diary_advice`` reads the first rating, a count and the recent stretch the rules
look at (``core.progress.CourseWindow``); ``core.progress.assess_progress`` reads everything.
On random diaries (runs of high-pain days, after-only diaries, spread ratings, long gaps, a
screen with the bout's duration) the two must agree on every reason, word and figure.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from backrelief.core.progress import Advice, ScreenSnapshot, assess_progress, assess_window
from backrelief.store import Database, add_rating, diary_advice, list_ratings
from backrelief.store.advice import read_course_window
from backrelief.store.models import PainRating
from backrelief.store.rating_days import forget_days

NOW = datetime.now(UTC).replace(microsecond=0)

rating = st.tuples(
    st.one_of(st.integers(0, 45), st.integers(0, 400)),  # days before now
    st.integers(0, 24 * 60 - 1),    # minute of that day
    st.one_of(st.integers(0, 10), st.integers(7, 10)),  # high pain often, to make runs
    st.sampled_from(["daily", "daily", "before", "after"]),
    st.booleans(),                  # spread (ignored for "before")
)
diaries = st.lists(rating, max_size=40)
later = st.integers(0, 40 * 24 * 60)  # how long after the clock's now the advice is asked for


def _fill(db: Database, entries: list[tuple[int, int, int, str, bool]]) -> None:
    with db.session(write=True) as session:
        session.execute(delete(PainRating))
        forget_days(session)  # the per-day totals go with the ratings (store.rating_days)
        for days, minute, pain, kind, spread in entries:
            at = NOW - timedelta(days=days) + timedelta(minutes=minute) - timedelta(days=1)
            add_rating(session, pain, kind=kind, at=at, spread=spread and kind != "before")


def _same(windowed: Advice, whole: Advice) -> None:
    assert windowed.as_dict() == whole.as_dict()
    assert windowed.flagged_techniques == whole.flagged_techniques
    # The slope comes from SQL sums in one and Python sums in the other: equal to rounding.
    a, b = windowed.trend.slope_per_week, whole.trend.slope_per_week
    assert (a is None) == (b is None)
    if a is not None and b is not None:
        assert abs(a - b) <= 0.011
    assert dataclasses.replace(windowed.trend, slope_per_week=None) == dataclasses.replace(
        whole.trend, slope_per_week=None)


@pytest.mark.parametrize("weeks", [None, 0.5, 9.0])
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(entries=diaries, minutes_later=later)
def test_windowed_advice_equals_whole_diary_advice(
    db: Database, weeks: float | None, entries: list[tuple[int, int, int, str, bool]],
    minutes_later: int,
) -> None:
    _fill(db, entries)
    now = NOW + timedelta(minutes=minutes_later)
    screen = None if weeks is None else ScreenSnapshot(
        tier="self_care", taken_at=NOW - timedelta(days=30), duration_weeks=weeks)
    with db.session() as session:
        window = read_course_window(session, now=now, slope=True)
        every = [record.as_progress() for record in list_ratings(session)]
    _same(assess_window(window, (), screen, now=now), assess_progress(every, (), screen, now=now))


def test_a_long_run_of_high_pain_days_is_read_back_to_its_start(db: Database) -> None:
    # 60 days in a row at 8/10 up to today: the window must reach back to the run's first day,
    # or the reason would say fewer days in a row than the diary holds.
    entries = [(day, 600, 8, "daily", False) for day in range(60)]
    _fill(db, entries)
    with db.session() as session:
        windowed = diary_advice(session, now=NOW, slope=True)
        whole = assess_progress([r.as_progress() for r in list_ratings(session)], now=NOW)
        window = read_course_window(session, now=NOW)
    _same(windowed, whole)
    assert window is not None
    # One entry a day reaching back to the run's first day (a day's stand-in, or its rating),
    # plus the best rating of the last 4 weeks.
    days = {rating.at.date() for rating in window.tail}
    assert len(days) == 60 and len(window.tail) <= 61
    assert any("on 60 days in a row" in r.text for r in windowed.reasons)


def test_a_run_of_high_pain_years_long_reads_one_row_a_day(db: Database) -> None:
    # Issue 15: a diary of years of 7/10 days made the advice read every rating. Four ratings
    # a day for 400 days: the window holds one entry a day before the last 3 ratings' day.
    entries = [(day, minute, 7, "daily", False) for day in range(400)
               for minute in (300, 600, 900, 1200)]
    _fill(db, entries)
    with db.session() as session:
        windowed = diary_advice(session, now=NOW, slope=True)
        whole = assess_progress([r.as_progress() for r in list_ratings(session)], now=NOW)
        window = read_course_window(session, now=NOW)
    _same(windowed, whole)
    assert window is not None and window.count == 1600
    days = {rating.at.date() for rating in window.tail}
    assert len(window.tail) <= len(days) + 4 + 1  # a day's stand-in, the last day, the best
    runs = [int(m.group(1)) for r in windowed.reasons
            if (m := re.search(r"on (\d+) days in a row", r.text))]
    assert runs and runs[0] >= 400


def test_the_window_reads_a_stretch_not_the_whole_diary(db: Database) -> None:
    entries = [(day, 600, 3 + day % 4, "daily", False) for day in range(300)]
    _fill(db, entries)
    with db.session() as session:
        window = read_course_window(session, now=NOW)
        whole = assess_progress([r.as_progress() for r in list_ratings(session)], now=NOW)
        windowed = diary_advice(session, now=NOW)
    assert window is not None and window.count == 300
    assert len(window.tail) <= 31  # 4 weeks before the latest rating, in whole days
    assert window.slope_per_week is None  # not asked for: it would read every rating
    assert windowed.as_dict() == whole.as_dict()
