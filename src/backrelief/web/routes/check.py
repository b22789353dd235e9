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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from backrelief.core.screen_flow import STEP_NAMES, STEPS, Flow, Mode, Step, could_match
from backrelief.core.screen_policy import carried_over
from backrelief.core.screening import (
    AnswerError,
    Question,
    Reason,
    ScreenDefinition,
    ScreenResult,
    default_screen,
)
from backrelief.core.vocabulary import is_ascii_number
from backrelief.journey.programme import local_today, session_due_today
from backrelief.store import get_screen, get_session, record_result
from backrelief.store.errors import StoreInputError
from backrelief.store.types import utcnow
from backrelief.web import strict_json
from backrelief.web.context import render, web
from backrelief.web.forms import PostedForm
from backrelief.web.gate import exercise_gate, recheck_base
from backrelief.web.ids import RowIdPath

router = APIRouter()


@dataclass(frozen=True)
class StepView:
    """What the check template needs to draw one step."""

    flow: Flow
    step: Step
    values: dict[str, object]
    errors: dict[str, str]
    session: int | None

    @property
    def mode(self) -> Mode:
        return self.flow.mode

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.step.questions


def _show(request: Request, view: StepView, status_code: int = 200) -> Response:
    screen = view.flow.screen
    steps = STEPS[view.mode]
    name = view.step.name
    number = steps.index(name) + 1 if name in steps else len(steps)
    on_page = {q.id for q in view.questions}
    answers = view.flow.answers
    later = [q for q in screen.in_group(view.step.group)  # could still come after this page
             if q.id not in view.flow.asked and q.id not in on_page
             and (q.ask_if is None or could_match(q.ask_if, answers))]
    last = (view.flow.mode == "recheck" and name == "same_day") or (name == "other" and not later)
    return render(
        request,
        "check.html",
        status_code=status_code,
        view=view,
        group=screen.groups[view.step.group],
        list_style=view.step.as_list,
        step_number=number,
        step_count=len(steps),
        recheck_intro=screen.recheck_intro,
        answers_json=json.dumps(view.flow.answers, separators=(",", ":")),
        asked_json=json.dumps(sorted(view.flow.asked), separators=(",", ":")),
        final=name == "finish" or last,
    )


def _session_param(raw: object) -> int | None:
    text = str(raw or "")
    return int(text) if is_ascii_number(text, 9) else None


def _first(request: Request, flow: Flow, session: int | None) -> Response:
    step = flow.first()
    if step is None:  # cannot happen with the shipped screen: the lists are always asked
        raise HTTPException(500, "The safety check has no questions to ask.")
    return _show(request, StepView(flow, step, {}, {}, session))


@router.get("/check", include_in_schema=False)
def check_start(request: Request) -> Response:
    """The full screen, first step."""
    return _first(request, Flow.start("full"), _session_param(request.query_params.get("session")))


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
    return _first(request, Flow.start("recheck", carried, screen=screen), session)


def _parse_step(step: Step, form: FormData
                ) -> tuple[dict[str, object | None], dict[str, object], dict[str, str]]:
    """This step's answers (None: left empty), the raw values to show again, and errors by
    question id."""
    answers: dict[str, object | None] = {}
    values: dict[str, object] = {}
    errors: dict[str, str] = {}

    def text_of(name: str) -> str:
        raw = form.get(name)
        return raw if isinstance(raw, str) else ""

    for question in step.questions:
        if question.parts and not step.as_list:
            parts: dict[str, bool | None] = {}
            for part in question.parts:
                name = question.part_field(part)
                values[name] = text_of(name)
                try:
                    value = question.parse(text_of(name))
                except AnswerError as exc:
                    errors[question.id] = exc.problem
                    break
                parts[part.id] = value if isinstance(value, bool) else None
            answers[question.id] = question.combine(parts)
            continue
        text = text_of(question.id)
        values[question.id] = text
        if step.as_list and question.type == "bool":
            answers[question.id] = text == "yes"  # an unticked box in a "do any apply?" list is no
            continue
        try:
            answers[question.id] = question.parse(text)
        except AnswerError as exc:
            errors[question.id] = exc.problem
    return answers, values, errors


def _record(request: Request, result: ScreenResult, answers: dict[str, object],
            session: int | None) -> Response:
    database = web(request).database
    with database.session(write=True) as s:
        screen_id = record_result(s, result, answers)
    suffix = f"?session={session}" if session else ""
    return RedirectResponse(f"/check/result/{screen_id}{suffix}", status_code=303)


def _json_field(form: FormData, name: str, kind: type) -> Any:
    try:
        loaded = strict_json.loads(str(form.get(name, "{}" if kind is dict else "[]")), name)
    except strict_json.JSONInputError:
        loaded = None
    if not isinstance(loaded, kind):
        raise HTTPException(400, f"{name}: the answers so far are damaged; start again")
    return loaded


@router.post("/check", include_in_schema=False)
def check_step(request: Request, form: PostedForm) -> Response:
    """Take one step's answers; show the next step, or store the result and show it.

    Which step comes next, and when the check ends, is :mod:`backrelief.core.screen_flow`'s.
    """
    mode: Mode = "recheck" if form.get("mode") == "recheck" else "full"
    name = next((known for known in STEP_NAMES if known == form.get("step")), None)
    if name is None:
        raise HTTPException(400, "step: unknown step of the safety check")
    session = _session_param(form.get("session"))
    known = _json_field(form, "answers", dict)
    asked = _json_field(form, "asked", list)
    try:
        flow = Flow.start(mode, known, [str(qid) for qid in asked])
    except AnswerError as exc:
        raise HTTPException(400, f"answers: the answers so far are damaged ({exc})") from None
    step = Step(name, tuple(flow.questions(name)))
    before = Flow.start(mode, dict(flow.answers), sorted(flow.asked))
    step_answers, values, errors = _parse_step(step, form)
    if errors:
        return _show(request, StepView(before, step, values, errors, session), 422)
    for question in step.questions:
        flow.answer(question, step_answers.get(question.id))
    following = flow.after(step.name)
    if not flow.result().urgent:
        missing = {q.id: "Please answer this question." for q in flow.unanswered(step)}
        if missing:
            return _show(request, StepView(before, step, values, missing, session), 422)
    if following is not None:
        return _show(request, StepView(flow, following, {}, {}, session))
    result = flow.result()
    if result.tier == "incomplete":  # the gap is in an earlier step: start that check again
        raise HTTPException(400, "answers: some earlier answers are missing; start again")
    return _record(request, result, flow.answers, session)


@router.get("/check/result/{screen_id}", include_in_schema=False)
def check_result(request: Request, screen_id: RowIdPath) -> Response:
    """A stored result. Emergency and same-day fill the screen with what to do and offer nothing
    else; a routine is offered only when the gate allows it for this, the latest, screen."""
    database = web(request).database
    session = _session_param(request.query_params.get("session"))
    with database.session() as s:
        record = get_screen(s, screen_id)
        if record is None:
            raise HTTPException(404, "There is no such safety check result.")
        gate = exercise_gate(s)
        programme_today = session_due_today(s, local_today())  # issue 14: offer it after a check
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
        programme_today=programme_today,
    )


def _tier_title(screen: ScreenDefinition, tier: str) -> str:
    titles = {str(key): text.title for key, text in screen.tiers.items()}
    return titles.get(tier, tier)


def _reason_views(reasons: Sequence[Reason], screen: ScreenDefinition) -> list[dict[str, Any]]:
    views = []
    for reason in reasons:
        labels = []
        for qid in reason.questions:
            try:
                labels.append(screen.question(qid).label)
            except KeyError:  # a question since removed from the screen
                labels.append(qid)
        views.append({"text": reason.text, "tier": reason.tier, "labels": labels,
                      "sources": list(reason.sources)})
    return views


@router.get("/check/emergency-signs", include_in_schema=False)
def emergency_signs(request: Request) -> Response:
    """The warning signs, readable at any time without taking the check."""
    screen = default_screen()
    signs = screen.warning_signs()
    return render(
        request,
        "emergency_signs.html",
        groups=screen.groups,
        emergency=signs["emergency"],
        same_day=signs["same_day"],
    )
