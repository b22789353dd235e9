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

Kept simple on purpose: the two-hour window is web-flow policy, not a clinical rule. A screen
describes how the back is *now*; two hours covers planning and doing one session, and anything
later asks again (the short re-check when core's screen policy allows building on a recent full
screen, else the full screen).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from backrelief.core.screen_policy import recheck_can_build_on, reevaluate, still_allows_exercise
from backrelief.core.screening import TIER_ORDER, ScreenResult
from backrelief.store import ScreenRecord, latest_screen
from backrelief.store.types import utcnow

SCREEN_FRESH_FOR = timedelta(hours=2)


@dataclass(frozen=True)
class Gate:
    """Whether a routine may be shown now; if not, why and where to go instead."""

    allowed: bool
    screen: ScreenRecord | None
    result: ScreenResult | None
    reason: str
    next_url: str


def recheck_base(db: Session, now: datetime) -> ScreenRecord | None:
    """The screen a short re-check can build on, or None when the full screen is needed.

    The rule is core's (:func:`backrelief.core.screen_policy.recheck_can_build_on`), shared with
    ``backrelief session``.
    """
    record = latest_screen(db)
    if record is None or not recheck_can_build_on(
        record.answers, record.tier, record.exercise_allowed, record.taken_at, now
    ):
        return None
    return record


def start_url(db: Session, now: datetime | None = None) -> str:
    """Where "start a session" leads: the short re-check when it can build on a recent screen."""
    return "/check/recheck" if recheck_base(db, now or utcnow()) is not None else "/check"


def exercise_gate(db: Session, now: datetime | None = None) -> Gate:
    """Check the latest stored screen; see the module docstring for the rule."""
    now = now or utcnow()
    record = latest_screen(db)
    if record is None:
        return Gate(False, None, None, "Answer the safety questions first.", "/check")
    result = reevaluate(record.answers)
    if not still_allows_exercise(record.tier, record.exercise_allowed, record.answers):
        urgent = min((record.tier, result.tier), key=TIER_ORDER.index)
        return Gate(False, record, result,
                    f"Your latest safety check does not allow exercise ({urgent}).",
                    f"/check/result/{record.id}")
    if now - record.taken_at > SCREEN_FRESH_FOR:
        return Gate(False, record, result,
                    "Your last safety check was a while ago: please check again first.",
                    start_url(db, now))
    return Gate(True, record, result, "", "")
