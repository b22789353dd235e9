"""The safety gate: no routine is shown or played without a recent screen that allows exercise.

DESIGN.md's first quality bar, enforced on the server for every page and endpoint of the HTML
journey that shows or plays a routine (builder, preview, player, the session timeline). The
browser is never trusted with it: the gate reads the latest screen stored in the diary.

A routine is allowed only when the **latest** screen

* has a tier that allows exercise at all (not emergency, same_day or incomplete: core's
  ``NO_EXERCISE_TIERS``) and was stored with ``exercise_allowed`` true;
* still allows exercise when its answers are evaluated again by core now (so a stored row can
  never be more permissive than today's rules); and
* was taken within :data:`SCREEN_FRESH_FOR`.

Kept simple on purpose: these windows are web-flow policy, not clinical rules, and each is a
constant here. A screen describes how the back is *now*; two hours covers planning and doing
one session, and anything later asks again (the short re-check when a full screen exists from
the last :data:`RECHECK_WITHIN`, else the full screen).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from backrelief.core.screening import (
    NO_EXERCISE_TIERS,
    TIER_ORDER,
    ScreenResult,
    default_screen,
    evaluate,
    evaluate_recheck,
)
from backrelief.store import ScreenRecord, latest_screen
from backrelief.store.types import utcnow

SCREEN_FRESH_FOR = timedelta(hours=2)
#: As ``backrelief session``'s RECHECK_WITHIN: after a week, every question again.
RECHECK_WITHIN = timedelta(days=7)
#: Answers not carried from an old full screen into a re-check: they describe a single day.
NOT_CARRIED_OVER = frozenset({"pain_now"})


@dataclass(frozen=True)
class Gate:
    """Whether a routine may be shown now; if not, why and where to go instead."""

    allowed: bool
    screen: ScreenRecord | None
    result: ScreenResult | None
    reason: str
    next_url: str


def reevaluate(record: ScreenRecord) -> ScreenResult:
    """Core's verdict on stored answers today: a full screen, or else a re-check."""
    full = evaluate(record.answers)
    if full.tier != "incomplete":
        return full
    return evaluate_recheck(record.answers)


def allows_exercise(record: ScreenRecord, result: ScreenResult) -> bool:
    """Stored and re-evaluated results must both allow exercise; the stricter one wins."""
    for tier, allowed in ((record.tier, record.exercise_allowed),
                          (result.tier, result.exercise_allowed)):
        if tier in NO_EXERCISE_TIERS or not allowed:
            return False
    return True


def recheck_base(db: Session, now: datetime) -> ScreenRecord | None:
    """The screen a short re-check can build on, or None when the full screen is needed.

    The same rule as ``backrelief session``: the latest screen, if it was a full screen (every
    question answered) that allowed exercise and was taken in the last :data:`RECHECK_WITHIN`.
    """
    record = latest_screen(db)
    if record is None or now - record.taken_at > RECHECK_WITHIN:
        return None
    if not set(default_screen().required_ids()) <= set(record.answers):
        return None
    return record if allows_exercise(record, reevaluate(record)) else None


def start_url(db: Session, now: datetime | None = None) -> str:
    """Where "start a session" leads: the short re-check when it can build on a recent screen."""
    return "/check/recheck" if recheck_base(db, now or utcnow()) is not None else "/check"


def exercise_gate(db: Session, now: datetime | None = None) -> Gate:
    """Check the latest stored screen; see the module docstring for the rule."""
    now = now or utcnow()
    record = latest_screen(db)
    if record is None:
        return Gate(False, None, None, "Answer the safety questions first.", "/check")
    result = reevaluate(record)
    if not allows_exercise(record, result):
        urgent = min((record.tier, result.tier), key=TIER_ORDER.index)
        return Gate(False, record, result,
                    f"Your latest safety check does not allow exercise ({urgent}).",
                    f"/check/result/{record.id}")
    if now - record.taken_at > SCREEN_FRESH_FOR:
        return Gate(False, record, result,
                    "Your last safety check was a while ago: please check again first.",
                    start_url(db, now))
    return Gate(True, record, result, "", "")
