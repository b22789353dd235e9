"""Progress: the pain trend (server-drawn SVG and a table), the diary's advice, the session
log, a daily rating, export and delete-all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from backrelief.core.progress import DIRECTION_TITLES, Trend, change_words, meaningful_band
from backrelief.core.vocabulary import PAIN_MAX, PAIN_MIN
from backrelief.store import (
    add_rating,
    count_ratings,
    diary_advice,
    forget_everything,
    list_ratings,
    list_sessions,
)
from backrelief.store.diary import daily_means
from backrelief.store.sessions import count_sessions, session_pains
from backrelief.web.chart import ChartGuide, ChartPoint, pain_chart
from backrelief.web.context import render, web
from backrelief.web.diary_export import CLEAR_SITE_DATA, EXPORT_FORMATS, export_response
from backrelief.web.forms import PostedForm, form_int

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


# Issue 15/16: the page read and sent the whole diary (53 s and 67 MB at 400,000 ratings). It
# now reads what it shows: a page of ratings and of sessions (newest first, "older" links),
# counts by COUNT, the advice from its window (store.advice) and a chart of the last
# CHART_DAYS, drawn rating by rating when they are few and from per-day means when they are many.
RATINGS_PER_PAGE = 50
SESSIONS_PER_PAGE = 20
CHART_DAYS = 90
CHART_POINTS_MAX = 200


def _chart_points(s: Session, total: int) -> tuple[list[ChartPoint], datetime | None]:
    """The chart's points, and the start of its window when the diary is longer than it."""
    newest = list_ratings(s, limit=1)
    if not newest:
        return [], None
    since = newest[0].at - timedelta(days=CHART_DAYS)
    ratings = list_ratings(s, since=since, limit=CHART_POINTS_MAX + 1)
    shown_from = since if len(ratings) < total else None
    if len(ratings) <= CHART_POINTS_MAX:
        return [ChartPoint(r.at, r.pain, r.kind) for r in ratings], shown_from
    day_start = datetime(since.year, since.month, since.day, tzinfo=UTC)
    return [
        ChartPoint(datetime(m.day.year, m.day.month, m.day.day, 12, tzinfo=UTC), m.mean,
                   "after" if m.after else "daily", m.count)
        for m in daily_means(s, since=day_start)
    ], day_start


def _progress_page(request: Request, errors: dict[str, str], status_code: int = 200,
                   spread: bool = False, page: int = 1, sessions_page: int = 1) -> Response:
    with web(request).database.session() as s:
        total = count_ratings(s)
        ratings = list_ratings(s, limit=RATINGS_PER_PAGE, offset=(page - 1) * RATINGS_PER_PAGE)
        session_total = count_sessions(s)
        sessions = list_sessions(s, limit=SESSIONS_PER_PAGE,
                                 offset=(sessions_page - 1) * SESSIONS_PER_PAGE)
        by_session = session_pains(s, [record.id for record in sessions])
        points, shown_from = _chart_points(s, total)
        advice = diary_advice(s)
    trend = advice.trend
    words = change_words(trend)
    description = f"{total} ratings. Trend: {DIRECTION_TITLES[trend.direction]}. {words}"
    if shown_from is not None:
        description += f" The chart shows the last {CHART_DAYS} days."
    chart = pain_chart(points, description, chart_guide(trend))
    return render(
        request,
        "progress.html",
        status_code=status_code,
        chart=chart,
        chart_days=CHART_DAYS if shown_from is not None else None,
        ratings=list(reversed(ratings)),
        ratings_page=page,
        older_ratings=page * RATINGS_PER_PAGE < total,
        sessions=list(reversed(sessions)),
        sessions_page=sessions_page,
        older_sessions=sessions_page * SESSIONS_PER_PAGE < session_total,
        by_session=by_session,
        advice=advice,
        direction=DIRECTION_TITLES[trend.direction],
        trend_words=words,
        banded=chart_guide(trend) is not None,
        flare_up=trend.direction == "flare_up",
        spread=spread,
        errors=errors,
    )


PAGES = 1_000_000


@router.get("/progress", include_in_schema=False)
def progress(request: Request, page: int = Query(1, ge=1, le=PAGES),
             sessions: int = Query(1, ge=1, le=PAGES)) -> Response:
    """The progress page (``page``: of the ratings table; ``sessions``: of the session log)."""
    return _progress_page(request, {}, page=page, sessions_page=sessions)


@router.post("/progress/rating", include_in_schema=False)
def daily_rating(request: Request, form: PostedForm) -> Response:
    """Add a daily pain rating."""
    pain = form_int(form, "pain")
    errors: dict[str, str] = {}
    if not isinstance(pain, int) or not PAIN_MIN <= pain <= PAIN_MAX:
        errors["pain"] = f"Choose a number from {PAIN_MIN} to {PAIN_MAX}."
    spread = form_spread(form, errors)
    if errors or not isinstance(pain, int):
        return _progress_page(request, errors, 422, spread)
    database = web(request).database
    with database.session(write=True) as s:
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
def delete_all(request: Request, form: PostedForm) -> Response:
    """Delete everything the diary holds, after an explicit confirmation tick."""
    if form.get("confirm") != "yes":
        return _progress_page(request, {"confirm": "Tick the box to confirm."}, 422)
    database = web(request).database
    with database.session(write=True) as s:
        forget_everything(s)
    database.compact()
    return RedirectResponse("/?deleted=1", status_code=303,
                            headers={"Clear-Site-Data": CLEAR_SITE_DATA})
