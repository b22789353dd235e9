"""The safety check: the screen's questions as plain HTML forms, group by group.

A thin shell over :mod:`backrelief.core.screening`, like ``backrelief check``: the emergency
group comes first as one "do any of these apply?" list and the check ends as soon as the answers
give an emergency or same-day result (after asking whatever the emergency rules still need), so
nobody who should be calling 999 is kept answering questions about their age. Then the same-day
list, then the questions about the person one by one. The re-check before later sessions asks the
two lists again, with the rest carried over from the last full screen.

Answers so far travel in one hidden field and are re-validated by core at every step; nothing
is stored until the result is final. Works without JavaScript.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from backrelief.core.screen_policy import carried_over
from backrelief.core.screening import (
    AnswerError,
    Group,
    Question,
    ScreenDefinition,
    ScreenResult,
    check_answers,
    default_screen,
    evaluate,
    evaluate_recheck,
)
from backrelief.store import get_session, list_screens, record_screen
from backrelief.store.errors import StoreInputError
from backrelief.store.types import utcnow
from backrelief.web.context import render, web
from backrelief.web.gate import exercise_gate, recheck_base

router = APIRouter()

Mode = Literal["full", "recheck"]
Step = Literal["emergency", "same_day", "other", "finish"]
STEP_NAMES: dict[str, Step] = {
    "emergency": "emergency", "same_day": "same_day", "other": "other", "finish": "finish",
}
STEPS: dict[Mode, tuple[Step, ...]] = {
    "full": ("emergency", "same_day", "other"),
    "recheck": ("emergency", "same_day"),
}


@dataclass(frozen=True)
class StepView:
    """What the check template needs to draw one step."""

    mode: Mode
    step: Step
    questions: list[Question]
    answers: dict[str, object]
    values: dict[str, object]
    errors: dict[str, str]
    session: int | None


def _questions(screen: ScreenDefinition, step: Step, answers: dict[str, object]) -> list[Question]:
    if step == "finish":
        return [q for q in screen.questions_for_tier("emergency")
                if q.id not in answers and screen.should_ask(q, answers)]
    group: Group = step
    return screen.in_group(group)


def _show(request: Request, view: StepView, status_code: int = 200) -> Response:
    screen = default_screen()
    steps = STEPS[view.mode]
    number = steps.index(view.step) + 1 if view.step in steps else len(steps)
    group = screen.groups["emergency" if view.step == "finish" else view.step]
    return render(
        request,
        "check.html",
        status_code=status_code,
        view=view,
        group=group,
        list_style=view.step in ("emergency", "same_day"),
        step_number=number,
        step_count=len(steps),
        recheck_intro=screen.recheck_intro,
        answers_json=json.dumps(view.answers, separators=(",", ":")),
    )


def _session_param(raw: object) -> int | None:
    text = str(raw or "")
    return int(text) if text.isdigit() and len(text) < 10 else None


@router.get("/check", include_in_schema=False)
def check_start(request: Request) -> Response:
    """The full screen, first step."""
    view = StepView("full", "emergency", _questions(default_screen(), "emergency", {}), {}, {}, {},
                    _session_param(request.query_params.get("session")))
    return _show(request, view)


@router.get("/check/recheck", include_in_schema=False)
def recheck_start(request: Request) -> Response:
    """The short re-check, or the full screen when there is no recent full one to build on."""
    database = web(request).database
    with database.session() as s:
        full = recheck_base(s, utcnow())
    session = _session_param(request.query_params.get("session"))
    if full is None:
        target = "/check" + (f"?session={session}" if session else "")
        return RedirectResponse(target, status_code=303)
    screen = default_screen()
    asked = {q.id for q in screen.recheck_questions()}
    carried = {k: v for k, v in carried_over(full.answers).items() if k not in asked}
    view = StepView("recheck", "emergency", _questions(screen, "emergency", carried), carried, {},
                    {}, session)
    return _show(request, view)


def _parse_step(questions: list[Question], form: FormData, list_style: bool
                ) -> tuple[dict[str, object], dict[str, object], dict[str, str]]:
    """This step's answers, the raw values to show again, and errors by question id."""
    answers: dict[str, object] = {}
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    for question in questions:
        raw = form.get(question.id)
        text = raw if isinstance(raw, str) else ""
        values[question.id] = text
        if list_style and question.type == "bool":
            answers[question.id] = text == "yes"  # an unticked box in a "do any apply?" list is no
            continue
        try:
            value = question.parse(text)
        except AnswerError as exc:
            errors[question.id] = exc.problem
            continue
        if value is not None:
            answers[question.id] = value
    return answers, values, errors


def _record(request: Request, result: ScreenResult, answers: dict[str, object],
            session: int | None) -> Response:
    database = web(request).database
    with database.session(write=True) as s:
        screen_id = record_screen(
            s,
            answers=answers,
            tier=result.tier,
            exercise_allowed=result.exercise_allowed,
            reasons=[reason.to_json() for reason in result.reasons],
            advice=result.advice,
        )
    suffix = f"?session={session}" if session else ""
    return RedirectResponse(f"/check/result/{screen_id}{suffix}", status_code=303)


@router.post("/check", include_in_schema=False)
async def check_step(request: Request) -> Response:
    """Take one step's answers; show the next step, or store the result and show it."""
    screen = default_screen()
    form = await request.form()
    mode: Mode = "recheck" if form.get("mode") == "recheck" else "full"
    step = STEP_NAMES.get(str(form.get("step", "")))
    if step is None:
        raise HTTPException(400, "step: unknown step of the safety check")
    session = _session_param(form.get("session"))
    try:
        loaded = json.loads(str(form.get("answers", "{}")))
        if not isinstance(loaded, dict):
            raise AnswerError("answers", "expected an object")
        answers = check_answers(loaded, screen)
    except (ValueError, AnswerError) as exc:
        raise HTTPException(400, f"answers: the answers so far are damaged ({exc})") from None
    questions = _questions(screen, step, answers)
    step_answers, values, errors = _parse_step(questions, form, step in ("emergency", "same_day"))
    answers.update(step_answers)
    if errors:
        view = StepView(mode, step, questions, {k: v for k, v in answers.items()
                                                if k not in step_answers}, values, errors, session)
        return _show(request, view, 422)
    result = evaluate_recheck(answers, screen) if mode == "recheck" else evaluate(answers, screen)
    if result.urgent:
        if result.tier == "same_day" and step != "finish":
            pending = _questions(screen, "finish", answers)
            if pending:
                return _show(request, StepView(mode, "finish", pending, answers, {}, {}, session))
        return _record(request, result, answers, session)
    steps = STEPS[mode]
    if step in steps and steps.index(step) + 1 < len(steps):
        following = steps[steps.index(step) + 1]
        view = StepView(mode, following, _questions(screen, following, answers), answers, {}, {},
                        session)
        return _show(request, view)
    if result.tier == "incomplete":
        shown = {q.id for q in questions}
        missing = {qid: "Please answer this question." for qid in result.missing if qid in shown}
        if not missing:  # the gap is in an earlier step: start that check again
            raise HTTPException(400, "answers: some earlier answers are missing; start again")
        view = StepView(mode, step, questions, {k: v for k, v in answers.items()
                                                if k not in step_answers}, values, missing, session)
        return _show(request, view, 422)
    return _record(request, result, answers, session)


@router.get("/check/result/{screen_id}", include_in_schema=False)
def check_result(request: Request, screen_id: int) -> Response:
    """A stored result. Emergency and same-day fill the screen with what to do and offer nothing
    else; a routine is offered only when the gate allows it for this, the latest, screen."""
    database = web(request).database
    session = _session_param(request.query_params.get("session"))
    with database.session() as s:
        record = next((r for r in list_screens(s) if r.id == screen_id), None)
        if record is None:
            raise HTTPException(404, "There is no such safety check result.")
        gate = exercise_gate(s)
        after_session = None
        if session is not None:
            try:
                after_session = get_session(s, session).id
            except StoreInputError:
                after_session = None
    screen = default_screen()
    reasons = _reason_views(record.reasons, screen)
    cited = list(dict.fromkeys(src for reason in reasons for src in reason["sources"]))
    catalog = web(request).catalog
    offer_routine = gate.allowed and gate.screen is not None and gate.screen.id == record.id
    return render(
        request,
        "check_result.html",
        record=record,
        title=_tier_title(screen, record.tier),
        urgent=record.tier in ("emergency", "same_day"),
        reasons=reasons,
        sources=catalog.cite([src for src in cited if src in catalog.sources]),
        offer_routine=offer_routine,
        gentle_only=bool(gate.result and gate.result.gentle_only) if offer_routine else False,
        after_session=after_session,
    )


def _tier_title(screen: ScreenDefinition, tier: str) -> str:
    titles = {str(key): text.title for key, text in screen.tiers.items()}
    return titles.get(tier, tier)


def _reason_views(reasons: list[Any], screen: ScreenDefinition) -> list[dict[str, Any]]:
    views = []
    for reason in reasons:
        if not isinstance(reason, dict):
            continue
        labels = []
        for qid in reason.get("question", []):
            try:
                labels.append(screen.question(str(qid)).label)
            except KeyError:
                labels.append(str(qid))
        views.append({
            "text": str(reason.get("text", "")),
            "tier": str(reason.get("tier", "")),
            "labels": labels,
            "sources": [str(src) for src in reason.get("sources", [])],
        })
    return views


@router.get("/check/emergency-signs", include_in_schema=False)
def emergency_signs(request: Request) -> Response:
    """The warning signs, readable at any time without taking the check."""
    screen = default_screen()
    return render(
        request,
        "emergency_signs.html",
        groups=screen.groups,
        emergency=screen.in_group("emergency"),
        same_day=screen.in_group("same_day"),
    )
