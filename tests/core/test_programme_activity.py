"""core.activity: the daily walking goal builds up gradually and is summarised per week."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from backrelief.core.activity import (
    GOAL_MAX,
    GOAL_START,
    ActivityError,
    check_day,
    check_minutes,
    daily_goal,
    minutes_per_day,
    walk_weeks,
)
from backrelief.core.catalog import default_catalog

START = date(2026, 11, 2)


def test_the_goal_builds_up_by_five_minutes_a_week_to_thirty() -> None:
    goals = [daily_goal(week) for week in range(1, 9)]
    assert goals == [10, 15, 20, 25, 30, 30, 30, 30]
    assert goals[0] == GOAL_START and max(goals) == GOAL_MAX
    assert all(a <= b for a, b in itertools.pairwise(goals))  # never goes down


def test_weeks_summarise_the_log() -> None:
    per_day = minutes_per_day([(START, 6), (START, 6), (START + timedelta(days=1), 9),
                               (START + timedelta(days=8), 20), (START - timedelta(days=1), 40)])
    weeks = walk_weeks(START, 2, per_day)
    assert [(w.week, w.goal, w.minutes, w.days_logged, w.days_met) for w in weeks] == [
        (1, 10, 21, 2, 1), (2, 15, 20, 1, 1)]


@pytest.mark.parametrize("minutes", [0, -5, 601, 2.5, True, "20", None])
def test_bad_minutes_are_named(minutes: object) -> None:
    with pytest.raises(ActivityError) as caught:
        check_minutes(minutes)
    assert caught.value.field == "minutes"


def test_a_future_day_is_refused() -> None:
    assert check_day(START, START) == START
    with pytest.raises(ActivityError, match="future"):
        check_day(START + timedelta(days=1), START)


def test_the_goal_cites_sources_the_catalogue_holds() -> None:
    from backrelief.core.activity import WALK_SOURCES

    catalog = default_catalog()
    assert all(source in catalog.sources for source in WALK_SOURCES)
    assert "clinician review" in catalog.sources["uk-cmo-2019"].brief_section
