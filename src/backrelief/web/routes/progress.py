"""Progress: the pain trend (server-drawn SVG and a table), the diary's advice, the session
log, a daily rating, export and delete-all."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from backrelief.core.progress import DIRECTION_TITLES, Trend, change_words, meaningful_band
from backrelief.core.vocabulary import PAIN_MAX, PAIN_MIN
from backrelief.store import (
    add_rating,
    diary_advice,
    forget_everything,
    list_ratings,
    list_sessions,
)
from backrelief.web.chart import ChartGuide, ChartPoint, pain_chart
from backrelief.web.context import render, web
from backrelief.web.diary_export import CLEAR_SITE_DATA, EXPORT_FORMATS, export_response
from backrelief.web.forms import form_int

router = APIRouter()

SPREAD_PROBLEM = "Tick the box, or leave it empty."


def form_spread(form: FormData, errors: dict[str, str]) -> bool:
    """The "pain has spread down a leg" checkbox: ticked sends ``yes``, unticked nothing.

    Anything else is refused into ``errors["spread"]``; shared with the after-session form.
    """
    raw = form.get("spread")
    if raw is None:
        return False
    if raw == "yes":
        return True
    errors["spread"] = SPREAD_PROBLEM
    return False


def chart_guide(trend: Trend) -> ChartGuide | None:
    """The band and levels the chart draws, from the same trend the words describe."""
    if trend.first is None or trend.current is None or trend.direction == "not_enough_data":
        return None
    low, high = meaningful_band(trend.first)
    return ChartGuide(
        first=trend.first, low=low, high=high, current=trend.current,
        recent_from=trend.recent_from,
        best=trend.best if trend.direction == "flare_up" else None,
    )


def _progress_page(request: Request, errors: dict[str, str], status_code: int = 200,
                   spread: bool = False) -> Response:
    with web(request).database.session() as s:
        ratings = list_ratings(s)
        sessions = list_sessions(s)
        advice = diary_advice(s)
    trend = advice.trend
    words = change_words(trend)
    description = f"{len(ratings)} ratings. Trend: {DIRECTION_TITLES[trend.direction]}. {words}"
    chart = pain_chart([ChartPoint(r.at, r.pain, r.kind) for r in ratings], description,
                       chart_guide(trend))
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
        direction=DIRECTION_TITLES[trend.direction],
        trend_words=words,
        banded=chart_guide(trend) is not None,
        flare_up=trend.direction == "flare_up",
        spread=spread,
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
    errors: dict[str, str] = {}
    if not isinstance(pain, int) or not PAIN_MIN <= pain <= PAIN_MAX:
        errors["pain"] = f"Choose a number from {PAIN_MIN} to {PAIN_MAX}."
    spread = form_spread(form, errors)
    if errors or not isinstance(pain, int):
        return _progress_page(request, errors, 422, spread)
    with web(request).database.session(write=True) as s:
        add_rating(s, pain, kind="daily", spread=spread)
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
