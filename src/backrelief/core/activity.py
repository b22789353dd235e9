"""A daily activity goal: minutes of walking, building up gradually over a programme's weeks.

Staying active is the core advice for everyday back pain (NICE NG59: keep up normal
activities; NHS: walking alongside the exercises; the bed-rest review, Dahm 2010). The numbers
are ours, kept simple on purpose and conservative: week 1 asks for :data:`GOAL_START` minutes a
day, each week adds :data:`GOAL_STEP`, up to :data:`GOAL_MAX` (30 minutes on 5 days is the UK
Chief Medical Officers' 150 minutes a week of moderate activity, ``uk-cmo-2019``). The goal
does not follow the pain response: walking is the activity to keep up when exercise steps back.

Pure: days and minutes in, weekly summaries out; the store keeps the log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

GOAL_START, GOAL_STEP, GOAL_MAX = 10, 5, 30
MIN_MINUTES, MAX_MINUTES = 1, 600  # one entry; a day's entries add up, to at most a day's worth
MAX_DAY_MINUTES = 24 * 60
WALK_SOURCES = ("nice-ng59", "nhs-lower-back-exercises", "dahm-2010-bed-rest", "uk-cmo-2019")


class ActivityError(ValueError):
    """An activity entry is out of range; ``field`` names it."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def daily_goal(week: int) -> int:
    """Minutes of walking a day asked for in programme ``week`` (1-based)."""
    return min(GOAL_MAX, GOAL_START + GOAL_STEP * max(0, week - 1))


def check_minutes(minutes: object) -> int:
    """A walk's minutes, validated (a whole number from 1 to 600)."""
    if isinstance(minutes, bool) or not isinstance(minutes, int) \
            or not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ActivityError("minutes", f"must be a whole number from {MIN_MINUTES} to "
                                       f"{MAX_MINUTES}, got {minutes!r}")
    return minutes


def check_day(day: object, today: date) -> date:
    """The day a walk was done: a date, not in the future."""
    if not isinstance(day, date):
        raise ActivityError("date", f"must be a date like 2026-12-07, got {day!r}")
    if day > today:
        raise ActivityError("date", f"must not be in the future, got {day.isoformat()}")
    return day


@dataclass(frozen=True)
class WalkWeek:
    """One programme week of walking: the daily goal and what was logged."""

    week: int
    goal: int  # minutes a day
    minutes: int  # the week's total
    days_logged: int
    days_met: int  # days at or above the goal

    def to_json(self) -> dict[str, Any]:
        """The week as ``programme show --json`` shows it."""
        return {"week": self.week, "goal_minutes": self.goal, "minutes": self.minutes,
                "days_logged": self.days_logged, "days_met": self.days_met}


def walk_weeks(start: date, weeks: int, per_day: Mapping[date, int]) -> list[WalkWeek]:
    """Each programme week's goal and log, from the minutes walked per calendar day."""
    out: list[WalkWeek] = []
    for week in range(1, weeks + 1):
        goal = daily_goal(week)
        days = [minutes for day, minutes in per_day.items()
                if (day - start).days // 7 + 1 == week and day >= start]
        out.append(WalkWeek(week, goal, sum(days), len(days), sum(1 for m in days if m >= goal)))
    return out


def minutes_per_day(entries: Iterable[tuple[date, int]]) -> dict[date, int]:
    """Entries (day, minutes) added up per day."""
    totals: dict[date, int] = {}
    for day, minutes in entries:
        totals[day] = totals.get(day, 0) + minutes
    return totals
