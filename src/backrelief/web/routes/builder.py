"""Starting a session: where "start" leads, and the routine builder (gated)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.datastructures import FormData, UploadFile
from starlette.responses import RedirectResponse, Response

from backrelief.core.conditions import Condition, default_conditions
from backrelief.core.planner import Profile, plan_routine, suggest_no_floor
from backrelief.core.screening import ScreenResult
from backrelief.core.vocabulary import EQUIPMENT
from backrelief.journey import sessions as journey_sessions
from backrelief.journey.defaults import remembered_choices
from backrelief.journey.memory import avoid_reasons, current_memory
from backrelief.web.api.plan import PlanRequest
from backrelief.web.context import render, web
from backrelief.web.errors import FieldError
from backrelief.web.forms import PostedForm, form_int, form_list, form_text, validate
from backrelief.web.gate import Gate, exercise_gate, start_url
from backrelief.web.routes.session import render_preview

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


def _query_form(request: Request) -> FormData:
    """The address's query as form fields, so GET pages read choices as the forms do."""
    pairs: list[tuple[str, str | UploadFile]] = list(request.query_params.multi_items())
    return FormData(pairs)


def _blank(value: int | str | None) -> int | str:
    return "" if value is None else value


def _defaults(request: Request, remembered: dict[str, Any]) -> dict[str, Any]:
    """The builder's first values: the choices in the address ("Change my choices"), else the
    remembered ones."""
    query = _query_form(request)
    values = {**remembered, "pregnancy_weeks": "", "pain": "", "no_floor": False}
    if query.get("region") or query.get("minutes"):
        minutes = form_int(query, "minutes")
        values.update({
            "region": form_text(query, "region") or "whole",
            # A missing field takes the remembered choice; a wrong one (0, "abc") is kept, for
            # _query_errors to name, never quietly replaced.
            "minutes": remembered["minutes"] if minutes is None else minutes,
            "equipment": form_list(query, "equipment"),
            "conditions": form_list(query, "conditions"),
            "pregnancy_weeks": _blank(form_int(query, "pregnancy_weeks")),
            "pain": _blank(form_int(query, "pain")),
            "no_floor": form_text(query, "no_floor") == "yes",
        })
    return values


def _query_errors(request: Request, result: ScreenResult) -> dict[str, str]:
    """What is wrong with the choices in the address ("Change my choices", or typed by hand),
    checked as the form is (``_choices``), one message per field. The pain may be left out:
    the builder then asks for it, starting from the screen's answer."""
    query = _query_form(request)
    if not (query.get("region") or query.get("minutes")):
        return {}
    _, _, errors = _choices(query, result)
    if form_text(query, "pain") is None:
        errors.pop("pain", None)
    return errors


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
        values = _defaults(request, remembered_choices(s).as_dict())
    result = gate.result
    errors = _query_errors(request, result)
    pain_now = gate.screen.answers.get("pain_now") if gate.screen else None
    if isinstance(pain_now, int) and values["pain"] == "":
        values["pain"] = pain_now
    if result.pregnancy_weeks is not None and values["pregnancy_weeks"] == "":
        values["pregnancy_weeks"] = result.pregnancy_weeks
    return _builder(request, values, list(result.conditions), result.gentle_only, errors,
                    422 if errors else 200, floor_first=_floor_first(gate))


def _checkbox(raw: str | None) -> bool | str:
    """A ticked box sends "yes"; anything else is passed on for the model to refuse by name."""
    return raw == "yes" if raw in (None, "yes") else raw


def _floor_first(gate: Gate) -> bool:
    """Offer "I can't easily get down to the floor" first for people 65+ or with osteoporosis."""
    answers = gate.screen.answers if gate.screen is not None else {}
    return suggest_no_floor(answers.get("age"), gate.result.conditions if gate.result else ())


def _choices(form: FormData, result: ScreenResult) -> tuple[dict[str, Any], Profile | None,
                                                              dict[str, str]]:
    """The builder's fields as shown, and the validated profile or one message per field."""
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
    if errors:
        profile = None
    return values, profile, errors


def _query(profile: Profile) -> str:
    """The choices as a query string: the preview's address, and "Change my choices"."""
    pairs: list[tuple[str, str]] = [("region", profile.region), ("minutes", str(profile.minutes))]
    pairs += [("equipment", kit) for kit in sorted(profile.equipment)]
    pairs += [("conditions", c) for c in sorted(profile.conditions)]
    if profile.pregnancy_weeks is not None:
        pairs.append(("pregnancy_weeks", str(profile.pregnancy_weeks)))
    if profile.pain is not None:
        pairs.append(("pain", str(profile.pain)))
    if profile.no_floor:
        pairs.append(("no_floor", "yes"))
    return urlencode(pairs)


def _refused(request: Request, form: FormData, values: dict[str, Any], gate: Gate,
             errors: dict[str, str]) -> Response:
    result = gate.result
    assert result is not None  # callers pass only a gate that allows exercise
    shown = {**values, "conditions": form_list(form, "conditions")}
    return _builder(request, shown, list(result.conditions), result.gentle_only,
                    errors or {"form": "Please check your choices."}, 422,
                    floor_first=_floor_first(gate))


@router.post("/build", include_in_schema=False)
def build(request: Request, form: PostedForm) -> Response:
    """Check the choices and show the preview; nothing is stored until the player starts."""
    with web(request).database.session() as s:
        gate = exercise_gate(s)
    if not gate.allowed or gate.result is None:
        return RedirectResponse(gate.next_url, status_code=303)
    values, profile, errors = _choices(form, gate.result)
    if profile is None:
        return _refused(request, form, values, gate, errors)
    return RedirectResponse(f"/preview?{_query(profile)}", status_code=303)


@router.get("/preview", include_in_schema=False)
def preview(request: Request) -> Response:
    """The routine these choices give, with what was left out and why. Stores nothing."""
    context = web(request)
    form = _query_form(request)
    with context.database.session() as s:
        gate = exercise_gate(s)
        if not gate.allowed or gate.result is None:
            return RedirectResponse(gate.next_url, status_code=303)
        values, profile, errors = _choices(form, gate.result)
        if profile is None:
            return _refused(request, form, values, gate, errors)
        avoid = avoid_reasons(current_memory(s))
    routine = plan_routine(profile, context.catalog, avoid=avoid)
    return render_preview(request, routine.to_json(), start_query=_query(profile))


@router.post("/session/start", include_in_schema=False)
def start_player(request: Request, form: PostedForm) -> Response:
    """"Start the session": plan again from the same choices, store it with pain before, play."""
    context = web(request)
    with context.database.session(write=True) as s:
        gate = exercise_gate(s)
        if not gate.allowed or gate.result is None or gate.screen is None:
            return RedirectResponse(gate.next_url, status_code=303)
        values, profile, errors = _choices(form, gate.result)
        if profile is None:
            return _refused(request, form, values, gate, errors)
        routine = plan_routine(profile, context.catalog, avoid=avoid_reasons(current_memory(s)))
        if not routine.items:
            return RedirectResponse(f"/preview?{_query(profile)}", status_code=303)
        session_id = journey_sessions.start(s, routine, profile, pain_before=profile.pain,
                                            screen_id=gate.screen.id)
    return RedirectResponse(f"/session/{session_id}/play", status_code=303)
