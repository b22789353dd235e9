"""The home page: start or continue a session, a glance at progress, the safety note."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from starlette.responses import Response

from backrelief.core.screening import default_screen
from backrelief.journey.sessions import finished_count
from backrelief.store import latest_screen, list_ratings
from backrelief.store.sessions import latest_unfinished_session
from backrelief.store.types import utcnow
from backrelief.web.auth import user_of
from backrelief.web.context import render, web

router = APIRouter()

# A session planned but not finished is offered as "continue" for this long.
CONTINUE_WITHIN = timedelta(hours=12)


@router.get("/", include_in_schema=False)
def home(request: Request) -> Response:
    """Home."""
    now = utcnow()
    with web(request).database.session(user=user_of(request)) as s:
        screen = latest_screen(s)
        # What the page shows, read by LIMIT and COUNT, never the whole diary (issue 16).
        unfinished = latest_unfinished_session(s, since=now - CONTINUE_WITHIN)
        ratings = list_ratings(s, limit=1)
        finished = finished_count(s)
    urgent = screen if screen is not None and screen.tier in ("emergency", "same_day") else None
    return render(
        request,
        "home.html",
        deleted=request.query_params.get("deleted") == "1",
        urgent=urgent,
        urgent_title=default_screen().tiers["emergency" if urgent and urgent.tier == "emergency"
                                              else "same_day"].title,
        unfinished=unfinished,
        latest_rating=ratings[-1] if ratings else None,
        session_count=finished,
    )
