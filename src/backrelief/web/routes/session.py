"""A planned session: its preview, the player, and "this hurts" (all behind the safety gate).

The stop rules are core's (:func:`backrelief.core.stop_rules.decide`). The player page carries
each response's decision, computed here, in the buttons of its "this hurts" dialog so that it
applies even offline; a "stop" is then posted back here, where ``decide`` runs again on the
server before anything is recorded.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from backrelief.core.screening import AnswerError
from backrelief.core.stop_rules import decide, default_stop_rules
from backrelief.store import SessionRecord, add_feedback, finish_session
from backrelief.web.context import render, web
from backrelief.web.figures import figure_ref, step_figures
from backrelief.web.routines import left_out
from backrelief.web.sessions import gated_session, plan_items, routine_items, session_conditions

router = APIRouter()


def render_preview(request: Request, routine: Any, *, start_query: str = "",
                   record: SessionRecord | None = None) -> Response:
    """The preview page of a routine (the planner's JSON).

    Without ``record`` it is a plan not yet stored: "Start the session" posts the choices
    (``start_query``, as hidden fields) to ``/session/start``. With one it is a stored session,
    started from its player page.
    """
    context = web(request)
    plan = routine if isinstance(routine, dict) else {}
    items = plan_items(plan, context.catalog)
    previews = [figure_ref(context.catalog, str(view.item.get("technique")), 0,
                           view.item.get("variant"), animated=False) for view in items]
    return render(
        request,
        "preview.html",
        record=record,
        routine=plan,
        items=items,
        previews=previews,
        left_out=left_out(plan, context.catalog),
        finished=record is not None and record.ended_at is not None,
        start_fields=parse_qsl(start_query),
        change_url=f"/build?{start_query}" if start_query else "/build",
    )


@router.get("/session/{session_id}", include_in_schema=False)
def preview(request: Request, session_id: int) -> Response:
    """A stored session's routine: each technique's figure, time and why it was chosen."""
    context = web(request)
    with context.database.session() as s:
        record, gate = gated_session(s, session_id)
    if not gate.allowed:
        return RedirectResponse(gate.next_url, status_code=303)
    return render_preview(request, record.routine, record=record)


@router.get("/session/{session_id}/play", include_in_schema=False)
def play(request: Request, session_id: int) -> Response:
    """The browser player for a stored, gated session."""
    context = web(request)
    with context.database.session() as s:
        record, gate = gated_session(s, session_id)
    if not gate.allowed:
        return RedirectResponse(gate.next_url, status_code=303)
    if record.ended_at is not None:
        return RedirectResponse(f"/session/{session_id}/summary", status_code=303)
    conditions = session_conditions(record)
    items = routine_items(record, context.catalog)
    figures = [
        (view.technique, step_figures(context.catalog, view.technique.id, view.item.get("variant")))
        for view in items
        if view.technique is not None
    ]
    responses = [decide(r.id, conditions) for r in default_stop_rules().responses]
    routine = record.routine if isinstance(record.routine, dict) else {}
    return render(
        request,
        "player.html",
        record=record,
        routine=routine,
        items=items,
        figures=figures,
        responses=responses,
        time_scale=context.config.time_scale,
    )


@router.post("/session/{session_id}/hurt", include_in_schema=False)
async def hurt(request: Request, session_id: int) -> Response:
    """Apply a stop rule to a "this hurts" response; record a stop or a skipped technique."""
    form = await request.form()
    response_id = str(form.get("response", ""))
    technique = str(form.get("technique", ""))
    context = web(request)
    with context.database.session(write=True) as s:
        record, _ = gated_session(s, session_id)
        try:
            decision = decide(response_id, session_conditions(record))
        except AnswerError as exc:
            raise HTTPException(422, f"{exc.field}: {exc.problem}") from None
        in_routine = technique in record.techniques
        if decision.action in ("skip", "stop") and in_routine:
            add_feedback(s, session_id, technique, "stopped")
        if decision.action == "stop" and record.ended_at is None:
            finish_session(s, session_id, completed=False, stop_reason=decision.label[:200])
    if decision.rescreen:
        target, label = f"/check/recheck?session={session_id}", "Answer the safety questions again"
    elif decision.action == "stop":
        target, label = f"/session/{session_id}/after", "Rate how you feel now"
    else:
        target, label = f"/session/{session_id}/play", "Back to the session"
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({**decision.to_json(), "next": target, "next_label": label})
    return RedirectResponse(target, status_code=303)
