"""Progress: the pain trend (server-drawn SVG and a table), the diary's advice, the session
log, a daily rating, export and delete-all."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from backrelief.store import (
    add_rating,
    diary_advice,
    forget_everything,
    list_ratings,
    list_sessions,
)
from backrelief.web.chart import ChartPoint, pain_chart
from backrelief.web.context import render, web
from backrelief.web.diary_export import CLEAR_SITE_DATA, EXPORT_FORMATS, export_response
from backrelief.web.forms import form_int

router = APIRouter()

DIRECTION_WORDS = {
    "improving": "improving",
    "worsening": "getting worse",
    "steady": "about the same",
    "not_enough_data": "too early to tell",
    "no_data": "no ratings yet",
}


def _progress_page(request: Request, errors: dict[str, str], status_code: int = 200) -> Response:
    with web(request).database.session() as s:
        ratings = list_ratings(s)
        sessions = list_sessions(s)
        advice = diary_advice(s)
    trend = advice.trend
    description = (
        f"{len(ratings)} ratings. Trend: {DIRECTION_WORDS[trend.direction]}."
        + (f" Latest level {trend.current:g} out of 10, first rating {trend.first} out of 10."
           if trend.current is not None else "")
    )
    chart = pain_chart([ChartPoint(r.at, r.pain, r.kind) for r in ratings], description)
    by_session: dict[int, dict[str, int]] = {}
    for rating in ratings:
        if rating.session_id is not None:
            slot = by_session.setdefault(rating.session_id, {})
            if rating.kind == "before":
                slot.setdefault("before", rating.pain)
            elif rating.kind == "after":
                slot["after"] = rating.pain
    return render(
        request,
        "progress.html",
        status_code=status_code,
        chart=chart,
        ratings=list(reversed(ratings)),
        sessions=list(reversed(sessions)),
        by_session=by_session,
        advice=advice,
        direction=DIRECTION_WORDS[trend.direction],
        errors=errors,
    )


@router.get("/progress", include_in_schema=False)
def progress(request: Request) -> Response:
    """The progress page."""
    return _progress_page(request, {})


@router.post("/progress/rating", include_in_schema=False)
async def daily_rating(request: Request) -> Response:
    """Add a daily pain rating."""
    form = await request.form()
    pain = form_int(form, "pain")
    if not isinstance(pain, int) or not 0 <= pain <= 10:
        return _progress_page(request, {"pain": "Choose a number from 0 to 10."}, 422)
    with web(request).database.session(write=True) as s:
        add_rating(s, pain, kind="daily")
    return RedirectResponse("/progress#trend", status_code=303)


@router.get("/progress/export", include_in_schema=False)
def export(request: Request, format: str = "json") -> Response:
    """Download the diary as JSON (everything), CSV or FHIR (the ratings)."""
    fmt = next((f for f in EXPORT_FORMATS if f == format), None)
    if fmt is None:
        raise HTTPException(422, f"format: use one of {', '.join(EXPORT_FORMATS)}")
    with web(request).database.session() as s:
        return export_response(s, fmt)


@router.post("/progress/delete", include_in_schema=False)
async def delete_all(request: Request) -> Response:
    """Delete everything the diary holds, after an explicit confirmation tick."""
    form = await request.form()
    if form.get("confirm") != "yes":
        return _progress_page(request, {"confirm": "Tick the box to confirm."}, 422)
    database = web(request).database
    with database.session(write=True) as s:
        forget_everything(s)
    database.compact()
    return RedirectResponse("/?deleted=1", status_code=303,
                            headers={"Clear-Site-Data": CLEAR_SITE_DATA})
