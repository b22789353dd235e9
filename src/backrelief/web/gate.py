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

import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from backrelief.core.screen_policy import recheck_can_build_on, reevaluate, still_allows_exercise
from backrelief.core.screening import TIER_ORDER, ScreenResult
from backrelief.store import ScreenRecord
from backrelief.store.screens import newest_screen
from backrelief.store.types import utcnow

SCREEN_FRESH_FOR = timedelta(hours=2)
# Today's verdict on a stored screen depends only on its answers, tier and flag (core's rules
# are fixed for the life of the process), so it is worked out once per distinct screen.
_VERDICTS_KEPT = 256
_verdicts: OrderedDict[str, tuple[ScreenResult, bool]] = OrderedDict()
_verdicts_lock = threading.Lock()


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
    return _recheck_base(newest_screen(db), now)


def _recheck_base(record: ScreenRecord | None, now: datetime) -> ScreenRecord | None:
    if record is None or not recheck_can_build_on(
        record.answers, record.tier, record.exercise_allowed, record.taken_at, now
    ):
        return None
    return record


def start_url(db: Session, now: datetime | None = None) -> str:
    """Where "start a session" leads: the short re-check when it can build on a recent screen."""
    return "/check/recheck" if recheck_base(db, now or utcnow()) is not None else "/check"


def _verdict(answers: Mapping[str, Any], tier: str,
             exercise_allowed: bool) -> tuple[ScreenResult, bool]:
    """Core's re-evaluation of a stored screen and whether it still allows exercise, from a
    small cache keyed by everything they depend on."""
    key = json.dumps([answers, tier, exercise_allowed], sort_keys=True, default=str)
    with _verdicts_lock:
        found = _verdicts.get(key)
        if found is not None:
            _verdicts.move_to_end(key)
            return found
    found = (reevaluate(answers), still_allows_exercise(tier, exercise_allowed, answers))
    with _verdicts_lock:
        _verdicts[key] = found
        while len(_verdicts) > _VERDICTS_KEPT:
            _verdicts.popitem(last=False)
    return found


def exercise_gate(db: Session, now: datetime | None = None) -> Gate:
    """Check the latest stored screen; see the module docstring for the rule."""
    now = now or utcnow()
    record = newest_screen(db)  # read once per gate, as plain columns (issue 16)
    if record is None:
        return Gate(False, None, None, "Answer the safety questions first.", "/check")
    result, allows = _verdict(record.answers, record.tier, record.exercise_allowed)
    if not allows:
        urgent = min((record.tier, result.tier), key=TIER_ORDER.index)
        return Gate(False, record, result,
                    f"Your latest safety check does not allow exercise ({urgent}).",
                    f"/check/result/{record.id}")
    if now - record.taken_at > SCREEN_FRESH_FOR:
        return Gate(False, record, result,
                    "Your last safety check was a while ago: please check again first.",
                    "/check/recheck" if _recheck_base(record, now) is not None else "/check")
    return Gate(True, record, result, "", "")
