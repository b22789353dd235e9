"""`POST /api/plan` and `POST /api/plan/timeline`: the planner and the timeline as JSON.

Pure on purpose (the issue allows it): these answer "what would the routine be", store nothing
and do not look at the safety screen. The HTML journey is what gates on a stored screen result
(see :mod:`backrelief.web.gate`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from backrelief.core.fields import PainScore, RoutineMinutes
from backrelief.core.planner import (
    MAX_PREGNANCY_WEEKS,
    Profile,
    ProfileError,
    RegionChoice,
    plan_routine,
)
from backrelief.core.timeline import build_timeline, timeline_to_json
from backrelief.core.vocabulary import DEFAULT_MINUTES, ConditionId, Equipment
from backrelief.web.context import web
from backrelief.web.errors import FieldError

router = APIRouter(prefix="/api", tags=["plan"])

StrictInt = Annotated[int, Field(strict=True)]


class PlanRequest(BaseModel):
    """What the planner needs. Unknown keys, wrong types and out-of-range values are 422."""

    model_config = ConfigDict(extra="forbid")

    region: RegionChoice = "whole"
    minutes: RoutineMinutes = DEFAULT_MINUTES
    equipment: list[Equipment] = Field(default_factory=list, max_length=10)
    conditions: list[ConditionId] = Field(default_factory=list, max_length=20)
    pregnancy_weeks: Annotated[int, Field(strict=True, ge=0, le=MAX_PREGNANCY_WEEKS)] | None = None
    pain: PainScore | None = None
    gentle_only: StrictBool = False
    no_floor: StrictBool = False

    def profile(self) -> Profile:
        """The core planner's profile (its own checks raise :class:`FieldError`)."""
        try:
            return Profile(
                region=self.region,
                equipment=frozenset(self.equipment),
                minutes=self.minutes,
                conditions=frozenset(self.conditions),
                pregnancy_weeks=self.pregnancy_weeks,
                pain=self.pain,
                gentle_only=self.gentle_only,
                no_floor=self.no_floor,
            )
        except ProfileError as exc:
            raise FieldError(exc.field, exc.problem) from None


@router.post("/plan")
def plan(request: Request, body: PlanRequest) -> dict[str, Any]:
    """Plan a routine: `{"items", "seconds", "excluded", "advice"}` as `backrelief plan --json`."""
    catalog = web(request).catalog
    return plan_routine(body.profile(), catalog).to_json()


@router.post("/plan/timeline")
def plan_timeline(request: Request, body: PlanRequest) -> dict[str, Any]:
    """Plan a routine and expand it into the timed cues every player plays:
    `{"plan": ..., "cues": [{"at", "kind", "technique", "step", "text", "say", ...}]}`."""
    catalog = web(request).catalog
    routine = plan_routine(body.profile(), catalog)
    return {"plan": routine.to_json(), "cues": timeline_to_json(build_timeline(routine, catalog))}
