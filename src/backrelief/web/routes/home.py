"""The home page: start or continue a session, a glance at progress, the safety note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from starlette.responses import Response

from backrelief.core.screening import default_screen
from backrelief.journey.sessions import ABANDONED
from backrelief.store.sessions import glance
from backrelief.store.types import utcnow
from backrelief.web.auth import user_of
from backrelief.web.context import render, web
from backrelief.web.reads import read_route

router = APIRouter()

# A session planned but not finished is offered as "continue" for this long.
CONTINUE_WITHIN = timedelta(hours=12)


@dataclass(frozen=True)
class _Linked:
    """A screen or session the page links to by id (``tier`` for a screen)."""

    id: int
    tier: str = ""


@dataclass(frozen=True)
class _Rating:
    pain: int
    at: datetime


@router.get("/", include_in_schema=False)
@read_route
def home(request: Request) -> Response:
    """Home."""
    with web(request).database.session(user=user_of(request)) as s:
        # One statement of LIMIT 1s and a COUNT, never the whole diary (issue 16).
        seen = glance(s, since=utcnow() - CONTINUE_WITHIN, excluding_stop_reason=ABANDONED)
    urgent = (_Linked(seen.screen_id, seen.screen_tier)
              if seen.screen_id is not None and seen.screen_tier in ("emergency", "same_day")
              else None)
    return render(
        request,
        "home.html",
        deleted=request.query_params.get("deleted") == "1",
        urgent=urgent,
        urgent_title=default_screen().tiers["emergency" if urgent and urgent.tier == "emergency"
                                              else "same_day"].title,
        unfinished=_Linked(seen.unfinished_id) if seen.unfinished_id is not None else None,
        latest_rating=(_Rating(seen.latest_pain, seen.latest_rated_at)
                       if seen.latest_pain is not None and seen.latest_rated_at is not None
                       else None),
        session_count=seen.finished,
    )
