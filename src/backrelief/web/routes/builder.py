"""Starting a session: where "start" leads, and the routine builder (gated)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from backrelief.core.conditions import Condition, default_conditions
from backrelief.core.planner import plan_routine, suggest_no_floor
from backrelief.core.vocabulary import EQUIPMENT
from backrelief.store import (
    add_rating,
    all_settings,
    flagged_techniques,
    start_session,
)
from backrelief.web.api.plan import PlanRequest
from backrelief.web.context import render, web
from backrelief.web.errors import FieldError
from backrelief.web.forms import form_int, form_list, form_text, validate
from backrelief.web.gate import exercise_gate, start_url
from backrelief.web.routines import routine_document

router = APIRouter()

MINUTE_CHOICES = (5, 10, 15, 20, 30)
REGION_CHOICES = ("lower", "upper", "whole")


@router.get("/start", include_in_schema=False)
def start(request: Request) -> Response:
    """"Start a session": the builder if a fresh screen allows it, else the (re-)check."""
    with web(request).database.session() as s:
        gate = exercise_gate(s)
        target = "/build" if gate.allowed else start_url(s)
    return RedirectResponse(target, status_code=303)


def condition_choices() -> list[tuple[str, Condition]]:
    """Every condition id with its plain-language name and description, in vocabulary order."""
    return list(default_conditions().items())


def _defaults(settings: dict[str, Any]) -> dict[str, Any]:
    return {
        "region": settings.get("region", "whole"),
        "equipment": list(settings.get("equipment", [])),
        "minutes": settings.get("minutes", 10),
        "conditions": list(settings.get("conditions", [])),
        "pregnancy_weeks": "",
        "pain": "",
        "no_floor": False,
    }


def _builder(request: Request, values: dict[str, Any], screen_conditions: list[str],
             gentle_only: bool, errors: dict[str, str], status_code: int = 200,
             floor_first: bool = False) -> Response:
    return render(
        request,
        "builder.html",
        status_code=status_code,
        values=values,
        errors=errors,
        regions=REGION_CHOICES,
        minute_choices=MINUTE_CHOICES,
        equipment=EQUIPMENT,
        conditions=condition_choices(),
        screen_conditions=screen_conditions,
        gentle_only=gentle_only,
        floor_first=floor_first,
    )


@router.get("/build", include_in_schema=False)
def builder(request: Request) -> Response:
    """The routine builder; only after a fresh screen that allows exercise."""
    with web(request).database.session() as s:
        gate = exercise_gate(s)
        if not gate.allowed or gate.result is None:
            return RedirectResponse(gate.next_url, status_code=303)
        values = _defaults(all_settings(s))
    result = gate.result
    pain_now = gate.screen.answers.get("pain_now") if gate.screen else None
    if isinstance(pain_now, int):
        values["pain"] = pain_now
    if result.pregnancy_weeks is not None:
        values["pregnancy_weeks"] = result.pregnancy_weeks
    return _builder(request, values, list(result.conditions), result.gentle_only, {},
                    floor_first=_floor_first(gate))


def _checkbox(raw: str | None) -> bool | str:
    """A ticked box sends "yes"; anything else is passed on for the model to refuse by name."""
    return raw == "yes" if raw in (None, "yes") else raw


def _floor_first(gate: Any) -> bool:
    """Offer "I can't easily get down to the floor" first for people 65+ or with osteoporosis."""
    answers = gate.screen.answers if gate.screen is not None else {}
    return suggest_no_floor(answers.get("age"), gate.result.conditions if gate.result else ())


@router.post("/build", include_in_schema=False)
async def build(request: Request) -> Response:
    """Plan the routine, store the session (with pain before) and show its preview."""
    form = await request.form()
    context = web(request)
    with context.database.session(write=True) as s:
        gate = exercise_gate(s)
        if not gate.allowed or gate.result is None or gate.screen is None:
            return RedirectResponse(gate.next_url, status_code=303)
        result = gate.result
        values: dict[str, Any] = {
            "region": form_text(form, "region") or "whole",
            "minutes": form_int(form, "minutes"),
            "equipment": form_list(form, "equipment"),
            "conditions": sorted(set(form_list(form, "conditions")) | set(result.conditions)),
            "pregnancy_weeks": form_int(form, "pregnancy_weeks") or result.pregnancy_weeks,
            "pain": form_int(form, "pain"),
            "gentle_only": result.gentle_only,
            "no_floor": _checkbox(form_text(form, "no_floor")),
        }
        plan, errors = validate(PlanRequest, {k: v for k, v in values.items() if v is not None})
        if values["pain"] is None:
            errors["pain"] = "Please rate your pain right now."
        profile = None
        if plan is not None and not errors:
            try:
                profile = plan.profile()
            except FieldError as exc:
                errors[exc.field] = exc.problem
        if profile is None or plan is None or plan.pain is None:
            shown = {**values, "conditions": form_list(form, "conditions")}
            return _builder(request, shown, list(result.conditions), result.gentle_only,
                            errors or {"form": "Please check your choices."}, 422,
                            floor_first=_floor_first(gate))
        routine = plan_routine(profile, context.catalog, avoid=flagged_techniques(s))
        session_id = start_session(s, routine_document(routine, profile), screen_id=gate.screen.id)
        add_rating(s, plan.pain, kind="before", session_id=session_id)
    return RedirectResponse(f"/session/{session_id}", status_code=303)
