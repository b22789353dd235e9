"""Desk breaks: a short seated or standing routine offered every N minutes of desk work.

Kept simple on purpose: a break is the planner's shortest routine (3 minutes) with
``no_floor`` set, so it is done beside the desk, and the person's conditions still apply. The
clinical brief suggests desk-break stretches (section 3.13) and that long spells of sitting are
better broken up; the interval is the person's choice, within limits that keep it a reminder
and not a nag.
"""

from __future__ import annotations

from collections.abc import Iterable

from backrelief.core.catalog import Catalog
from backrelief.core.planner import Profile, Routine, plan_routine
from backrelief.core.vocabulary import MIN_MINUTES, ConditionId

BREAK_MINUTES = MIN_MINUTES  # 3: the planner's shortest routine
MIN_EVERY, MAX_EVERY, DEFAULT_EVERY = 15, 180, 45


class BreakError(ValueError):
    """A break setting is out of range; ``field`` names it."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def check_every(value: object) -> int:
    """The reminder interval in minutes, validated."""
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_EVERY <= value <= MAX_EVERY:
        raise BreakError("every", f"must be a whole number of minutes from {MIN_EVERY} to "
                                  f"{MAX_EVERY}, got {value!r}")
    return value


def desk_break(catalog: Catalog, conditions: Iterable[ConditionId] = ()) -> Routine:
    """The break routine: 3 minutes, every item seated or standing, conditions applied."""
    profile = Profile(region="whole", minutes=BREAK_MINUTES, conditions=frozenset(conditions),
                      no_floor=True)
    return plan_routine(profile, catalog)
