"""Desk breaks: the 3-minute seated or standing routine, behind the same safety gate as every
session, and the page where reminders are turned on (the reminders themselves run in the
browser: ``static/js/breaks.js``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from backrelief.core.breaks import BREAK_MINUTES, MAX_EVERY, MIN_EVERY, desk_break
from backrelief.core.planner import Profile, plan_routine
from backrelief.core.vocabulary import CONDITION_IDS
from backrelief.journey import sessions as journey_sessions
from backrelief.journey.defaults import remembered_choices
from backrelief.journey.document import session_document
from backrelief.store.diary import add_rating
from backrelief.store.sessions import start_session
from backrelief.web.auth import user_of
from backrelief.web.context import render, web
from backrelief.web.gate import exercise_gate

router = APIRouter()


@router.get("/breaks", include_in_schema=False)
def breaks_page(request: Request) -> Response:
    """The break routine (planned, not stored) and the reminder settings."""
    context = web(request)
    with context.database.session(user=user_of(request)) as s:
        conditions = remembered_choices(s).conditions
    routine = desk_break(context.catalog, conditions)  # type: ignore[arg-type]
    return render(request, "breaks.html", routine=routine, min_every=MIN_EVERY,
                  max_every=MAX_EVERY)


@router.post("/breaks/start", include_in_schema=False)
def start_break(request: Request) -> Response:
    """Store the break as a session and play it; without a fresh screen, the check first."""
    context = web(request)
    with context.database.session(write=True, user=user_of(request)) as s:
        gate = exercise_gate(s)
        if not gate.allowed or gate.screen is None or gate.result is None:
            return RedirectResponse(gate.next_url, status_code=303)
        result = gate.result
        conditions = set(remembered_choices(s).conditions) | set(result.conditions)
        pain = gate.screen.answers.get("pain_now")
        profile = Profile(
            region="whole", minutes=BREAK_MINUTES, no_floor=True,
            conditions=frozenset(c for c in conditions if c in CONDITION_IDS),  # type: ignore[misc]
            pregnancy_weeks=result.pregnancy_weeks, gentle_only=result.gentle_only,
            pain=pain if isinstance(pain, int) else None,
        )
        routine = plan_routine(profile, context.catalog)
        if not routine.items:
            return RedirectResponse("/breaks", status_code=303)
        # Not journey.sessions.start: that remembers the choices, and a 3-minute break must not
        # become the person's usual region, kit and time.
        journey_sessions.abandon_unfinished(s)
        session_id = start_session(s, session_document(routine, profile), screen_id=gate.screen.id)
        if profile.pain is not None:
            add_rating(s, profile.pain, kind="before", session_id=session_id)
    return RedirectResponse(f"/session/{session_id}/play", status_code=303)
