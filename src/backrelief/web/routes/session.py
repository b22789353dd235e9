"""A planned session: its preview, the player, and "this hurts" (all behind the safety gate).

The stop rules are core's (:func:`backrelief.core.stop_rules.decide`). The player page carries
each response's decision, computed here, in the buttons of its "this hurts" dialog (action,
advice and the choices that follow) so that it applies even offline; every stop is then posted
back here with the person's choice, where ``decide`` runs again on the server before anything
is recorded (``store.stops``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from backrelief.core.screening import AnswerError
from backrelief.core.stop_rules import CHOICE_LABELS, decide, default_stop_rules, ends_session
from backrelief.store import SessionRecord, StoreInputError, finish_session
from backrelief.store.sessions import STOP_REASON_MAX_LENGTH
from backrelief.store.stops import add_stop
from backrelief.web import strict_json
from backrelief.web.context import render, web
from backrelief.web.figures import first_side_figure, step_figures
from backrelief.web.ids import RowIdPath
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
    previews = [first_side_figure(context.catalog, str(view.item.get("technique")), 0,
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
def preview(request: Request, session_id: RowIdPath) -> Response:
    """A stored session's routine: each technique's figure, time and why it was chosen."""
    context = web(request)
    with context.database.session() as s:
        record, gate = gated_session(s, session_id)
    if not gate.allowed:
        return RedirectResponse(gate.next_url, status_code=303)
    return render_preview(request, record.routine, record=record)


@router.get("/session/{session_id}/play", include_in_schema=False)
def play(request: Request, session_id: RowIdPath) -> Response:
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
        # Both sides of a step done on each side: the player shows the side being worked.
        (view.technique, step_figures(context.catalog, view.technique.id, view.item.get("variant"),
                                      sides=True))
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
        choice_labels=CHOICE_LABELS,
        time_scale=context.config.time_scale,
    )


async def _fields(request: Request) -> Mapping[str, Any]:
    """The posted fields, from a form or from a JSON object (422 for anything else)."""
    if request.headers.get("content-type", "").startswith("application/json"):
        body = strict_json.loads(await request.body())  # a JSONInputError is a 422
        if not isinstance(body, dict):
            raise HTTPException(422, "body: expected a JSON object of fields")
        return {key: value for key, value in body.items() if isinstance(value, str)}
    return await request.form()


# Read on the event loop; the route is a plain def, so its commit runs in the threadpool
# (the pattern of ``backrelief.web.forms.PostedForm``).
PostedFields = Annotated[Mapping[str, Any], Depends(_fields)]


@router.post("/session/{session_id}/hurt", include_in_schema=False)
def hurt(request: Request, session_id: RowIdPath, form: PostedFields) -> Response:
    """Apply a stop rule to a "this hurts" response and the person's choice; record the stop.

    Form fields (the player's dialog posts them; the page documents them too):
    ``response``  a stop-rule id (``content/stop_rules.yaml``);
    ``choice``    what the person chose next, one of the decision's ``choices``
                  (``core.stop_rules``); may be left out when there is only one;
    ``technique`` the technique under way, one of the session's, or empty;
    ``stop_id``   optional client-made id, so a stop re-sent after being offline counts once.
    The same fields may come as a JSON object (what ``static/js/outbox.js`` sends).
    A ``continue`` response records nothing. Any other records the stop (technique, response,
    choice); ``end`` and ``recheck`` also end the session. Replies with JSON when asked
    (the decision, the choice, ``next`` and ``next_label``), else redirects to ``next``.
    """
    response_id = str(form.get("response", ""))
    technique = str(form.get("technique", "")) or None
    raw_stop_id = form.get("stop_id")
    stop_id = str(raw_stop_id) if raw_stop_id else None
    context = web(request)
    with context.database.session(write=True) as s:
        record, _ = gated_session(s, session_id)
        try:
            decision = decide(response_id, session_conditions(record))
            choice = decision.choose(str(form.get("choice", ""))) if decision.is_stop else None
        except AnswerError as exc:
            raise HTTPException(422, f"{exc.field}: {exc.problem}") from None
        if technique is not None and technique not in record.techniques:
            raise HTTPException(422, f"technique: {technique!r} is not in this session")
        if choice is not None:
            try:
                add_stop(s, session_id, technique, decision.response, choice, stop_id=stop_id)
            except StoreInputError as exc:
                raise HTTPException(422, f"{exc.field}: {exc.problem}") from None
            if ends_session(choice) and record.ended_at is None:
                finish_session(s, session_id, completed=False,
                               stop_reason=decision.label[:STOP_REASON_MAX_LENGTH])
    if choice == "recheck":
        target, label = f"/check/recheck?session={session_id}", CHOICE_LABELS["recheck"]
    elif choice == "end":
        target, label = f"/session/{session_id}/after", "Rate how you feel now"
    else:
        target, label = f"/session/{session_id}/play", "Back to the session"
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({**decision.to_json(), "choice": choice, "next": target,
                             "next_label": label})
    return RedirectResponse(target, status_code=303)
