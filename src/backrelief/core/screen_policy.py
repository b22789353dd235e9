"""When an earlier screen may be built on: one rule for the terminal and the web journey.

Red flags can appear at any time, so every session asks the emergency and same-day questions
again (brief section 7.1; Cook 2017 in section 1.1: a clean screen rules nothing out). The rest of
a full screen (age, history, duration) changes slowly, so a recent full screen that allowed
exercise may be reused with only that short re-check. Kept simple on purpose: one week, after
which every question is asked again, because "how long has this episode lasted" goes stale.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from backrelief.core.screening import (
    NO_EXERCISE_TIERS,
    ScreenResult,
    default_screen,
    evaluate,
    evaluate_recheck,
)

#: How long a full screen that allowed exercise can be reused with the short re-check.
RECHECK_WITHIN = timedelta(days=7)
#: Answers never carried from an old screen into a re-check: they describe a single moment.
NOT_CARRIED_OVER = frozenset({"pain_now"})


def reevaluate(answers: Mapping[str, object]) -> ScreenResult:
    """Today's rules applied to stored answers: as a full screen, or else as a re-check."""
    full = evaluate(answers)
    if full.tier != "incomplete":
        return full
    return evaluate_recheck(answers)


def still_allows_exercise(tier: str, exercise_allowed: bool, answers: Mapping[str, object]) -> bool:
    """A stored result allows exercise only if it did then and today's rules agree."""
    if tier in NO_EXERCISE_TIERS or not exercise_allowed:
        return False
    result = reevaluate(answers)
    return result.tier not in NO_EXERCISE_TIERS and result.exercise_allowed


def recheck_can_build_on(
    answers: Mapping[str, object],
    tier: str,
    exercise_allowed: bool,
    taken_at: datetime,
    now: datetime,
) -> bool:
    """Whether a stored screen may stand in for the full screen, with only the short re-check."""
    if now - taken_at > RECHECK_WITHIN:
        return False
    if not set(default_screen().required_ids()) <= set(answers):
        return False  # not a full screen: ask it all again
    return still_allows_exercise(tier, exercise_allowed, answers)


def carried_over(answers: Mapping[str, object]) -> dict[str, object]:
    """The answers of an earlier screen that a re-check keeps."""
    return {key: value for key, value in answers.items() if key not in NOT_CARRIED_OVER}
