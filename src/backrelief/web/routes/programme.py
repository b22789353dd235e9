"""The programme pages: start one, the weeks with their doses and reasons, today's session, the
weekly check-in and the private calendar feed.

A thin shell over :mod:`backrelief.journey.programme`. Safety first: today's session is offered
only after a safety re-check taken for it (a screen newer than the last session started, that
the gate allows); the diary's advice is shown at the top, and a see-a-professional advice
pauses progression until the person says they have been seen.
"""

from __future__ import annotations

from datetime import date, time

from fastapi import APIRouter, HTTPException, Request
from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from backrelief.core.activity import (
    GOAL_MAX,
    GOAL_START,
    GOAL_STEP,
    MAX_MINUTES,
    MIN_MINUTES,
    WALK_SOURCES,
)
from backrelief.core.planner import Profile, ProfileError
from backrelief.core.programme import (
    ACCEPTABLE_PAIN,
    FUNCTION_MEANINGFUL_CHANGE,
    MAX_ACTIVITIES,
    WEEKDAY_NAMES,
    ProgrammeError,
    ProgrammePlan,
    function_change,
)
from backrelief.core.vocabulary import CONDITION_IDS, is_ascii_number
from backrelief.journey import programme as journey
from backrelief.journey.defaults import Choices, remembered_choices
from backrelief.journey.programme_calendar import programme_calendar
from backrelief.journey.report import WEEKLY_FROM, ReportData, gather_report, trend_svg
from backrelief.journey.report_pdf import TIER_WORDS, render_report_pdf
from backrelief.store.advice import diary_advice
from backrelief.store.errors import StoreInputError
from backrelief.store.programme import (
    active_programme,
    add_checkin,
    end_programme,
    mark_seen,
    programme_by_token,
)
from backrelief.store.sessions import list_sessions
from backrelief.store.types import utcnow
from backrelief.web.context import render, web
from backrelief.web.forms import PostedForm, form_int, form_text
from backrelief.web.gate import Gate, exercise_gate, start_url

router = APIRouter()


def _page(request: Request, errors: dict[str, str] | None = None, status_code: int = 200,
          values: dict[str, object] | None = None) -> Response:
    context = web(request)
    today = journey.local_today()
    with context.database.session() as s:
        view = journey.programme_view(s, context.catalog, today)
        choices = remembered_choices(s)
        # DESIGN's first quality bar: routines are shown only behind the safety gate; without a
        # recent screen that allows exercise, the weeks show their doses and reasons only.
        show_routines = exercise_gate(s).allowed
    change = function_change(view.checkins) if view is not None else None
    titles = {page_id: page.title for page_id, page in context.catalog.education.items()}
    calendar_url = None
    if view is not None:
        calendar_url = (f"{request.base_url}programme/calendar/"
                        f"{view.programme.calendar_token}.ics")
    return render(
        request, "programme.html", status_code=status_code, view=view, choices=choices,
        errors=errors or {}, values=values or {}, weekday_names=WEEKDAY_NAMES,
        today=today, change=change, titles=titles, calendar_url=calendar_url,
        acceptable_pain=ACCEPTABLE_PAIN, meaningful=FUNCTION_MEANINGFUL_CHANGE,
        max_activities=MAX_ACTIVITIES, show_routines=show_routines,
        technique_doses={w.week: w.technique_doses(context.catalog) for w in view.weeks}
        if view is not None else {},
        walk_start=GOAL_START, walk_step=GOAL_STEP, walk_max=GOAL_MAX,
        walk_sources=context.catalog.cite(WALK_SOURCES),
        sources=context.catalog.cite(["silbernagel-2007-pain-monitoring",
                                      "smith-2017-painful-exercise", "stratford-1995-psfs"]),
    )


@router.get("/programme", include_in_schema=False)
def programme_page(request: Request) -> Response:
    """The running programme, or the form to start one."""
    return _page(request)


def _plan(form: FormData) -> tuple[ProgrammePlan | None, dict[str, str]]:
    errors: dict[str, str] = {}
    weeks = form_int(form, "weeks")
    days: list[int] = []
    for raw in form.getlist("days"):
        if isinstance(raw, str) and is_ascii_number(raw, 1) and int(raw) <= 6:
            days.append(int(raw))
        else:
            errors["days"] = "Choose days of the week from the list."
    raw_time = form_text(form, "at") or "18:00"
    try:
        hour, minute = (int(part) for part in raw_time.split(":"))
        at = time(hour, minute)
    except ValueError:
        errors["at"] = "Give a time like 18:00."
        at = time(18, 0)
    try:
        first = date.fromisoformat(form_text(form, "start") or journey.local_today().isoformat())
    except ValueError:
        errors["start"] = "Give the first day as a date."
        first = journey.local_today()
    if not isinstance(weeks, int):
        errors["weeks"] = "Choose how many weeks, 1 to 12."
        return None, errors
    try:
        plan = ProgrammePlan(first, weeks, tuple(days), at)
    except ProgrammeError as exc:
        errors[exc.field] = exc.problem[:1].upper() + exc.problem[1:] + "."
        return None, errors
    return (None, errors) if errors else (plan, errors)


def _remembered_profile(choices: Choices) -> Profile:
    return Profile(region=choices.region, equipment=frozenset(choices.equipment),  # type: ignore[arg-type]
                   minutes=choices.minutes, conditions=frozenset(choices.conditions))  # type: ignore[arg-type]


@router.post("/programme/start", include_in_schema=False)
def start(request: Request, form: PostedForm) -> Response:
    """Start a programme with the remembered choices (region, kit, minutes, conditions)."""
    plan, errors = _plan(form)
    if plan is None:
        return _page(request, errors, 422, dict(form))
    with web(request).database.session(write=True) as s:
        try:
            journey.begin(s, plan, _remembered_profile(remembered_choices(s)))
        except ProfileError as exc:  # a remembered choice no longer valid: refuse by name
            return _page(request, {exc.field: exc.problem}, 422, dict(form))
    return RedirectResponse("/programme", status_code=303)


def _fresh_recheck(gate: Gate, request: Request) -> bool:
    """A screen taken for this session: allowed by the gate and newer than the last session."""
    if not gate.allowed or gate.screen is None:
        return False
    with web(request).database.session() as s:
        sessions = list_sessions(s)
    return not sessions or sessions[-1].started_at < gate.screen.taken_at


@router.get("/programme/today", include_in_schema=False)
def today(request: Request) -> Response:
    """Today's session: first the safety re-check, then this week's dose fitted to today."""
    context = web(request)
    with context.database.session() as s:
        view = journey.programme_view(s, context.catalog, journey.local_today())
        gate = exercise_gate(s)
        recheck = start_url(s)
    if view is None or view.today_session is None or view.current_dose is None:
        return RedirectResponse("/programme", status_code=303)
    if not _fresh_recheck(gate, request) or gate.screen is None or gate.result is None:
        return RedirectResponse(recheck, status_code=303)
    pain = gate.screen.answers.get("pain_now")
    result = gate.result
    with context.database.session() as s:  # the same fit start_today stores
        planned = journey.today_plan(
            s, context.catalog, view, pain_before=pain if isinstance(pain, int) else None,
            gentle_only=result.gentle_only,
            conditions=frozenset(c for c in result.conditions if c in CONDITION_IDS),  # type: ignore[misc]
            pregnancy_weeks=result.pregnancy_weeks)
    if planned is None:
        return RedirectResponse("/programme", status_code=303)
    routine = planned[1]
    return render(request, "programme_today.html", view=view, routine=routine,
                  dose=view.current_dose, pain=pain if isinstance(pain, int) else None)


@router.post("/programme/today", include_in_schema=False)
def start_today(request: Request, form: PostedForm) -> Response:
    """Store today's programme session and play it (behind the same gate as any session)."""
    context = web(request)
    with context.database.session(write=True) as s:
        view = journey.programme_view(s, context.catalog, journey.local_today())
        gate = exercise_gate(s)
        if view is None or view.today_session is None:
            return RedirectResponse("/programme", status_code=303)
        if not gate.allowed or gate.screen is None or gate.result is None:
            return RedirectResponse(gate.next_url or start_url(s), status_code=303)
        pain = form_int(form, "pain")
        if not isinstance(pain, int) or not 0 <= pain <= 10:
            raise HTTPException(422, "pain: choose a number from 0 to 10")
        result = gate.result
        session_id = journey.start_today(
            s, context.catalog, view, pain_before=pain, screen_id=gate.screen.id,
            gentle_only=result.gentle_only,
            conditions=frozenset(c for c in result.conditions if c in CONDITION_IDS),  # type: ignore[misc]
            pregnancy_weeks=result.pregnancy_weeks)
    if session_id is None:
        return RedirectResponse("/programme", status_code=303)
    return RedirectResponse(f"/session/{session_id}/play", status_code=303)


@router.post("/programme/seen", include_in_schema=False)
def seen(request: Request) -> Response:
    """"I have been seen by a GP or physiotherapist": progression may step up again."""
    with web(request).database.session(write=True) as s:
        record = active_programme(s)
        if record is None:
            return RedirectResponse("/programme", status_code=303)
        mark_seen(s, record.id, journey.pause_reasons(diary_advice(s), record))
    return RedirectResponse("/programme", status_code=303)


@router.post("/programme/end", include_in_schema=False)
def end(request: Request, form: PostedForm) -> Response:
    """End the programme early, after an explicit tick."""
    if form.get("confirm") != "yes":
        return _page(request, {"confirm": "Tick the box to confirm."}, 422)
    with web(request).database.session(write=True) as s:
        record = active_programme(s)
        if record is not None:
            end_programme(s, record.id)
    return RedirectResponse("/programme", status_code=303)


@router.post("/programme/checkin", include_in_schema=False)
def checkin(request: Request, form: PostedForm) -> Response:
    """The weekly check-in: up to three activities 0-10, sleep and confidence."""
    errors: dict[str, str] = {}
    scores: dict[str, object] = {}
    for index in range(1, MAX_ACTIVITIES + 1):
        name = (form_text(form, f"activity{index}") or "").strip()
        score = form_int(form, f"score{index}")
        if not name and score is None:
            continue
        if not name:
            errors[f"activity{index}"] = "Name the activity you are scoring."
        elif not isinstance(score, int):
            errors[f"score{index}"] = f"Score “{name}” from 0 to 10."
        else:
            scores[name] = score
    numbers: dict[str, int | None] = {}
    for field in ("sleep", "confidence"):
        value = form_int(form, field)
        if value is not None and not isinstance(value, int):
            errors[field] = "Choose a number from 0 to 10."
        numbers[field] = value if isinstance(value, int) else None
    if not errors and not scores and numbers["sleep"] is None and numbers["confidence"] is None:
        errors["activity1"] = "Score at least one activity, your sleep or your confidence."
    if errors:
        return _page(request, errors, 422, dict(form))
    with web(request).database.session(write=True) as s:
        record = active_programme(s)
        if record is None:
            return RedirectResponse("/programme", status_code=303)
        week = record.plan.week_of(journey.local_today()) or record.plan.weeks
        try:
            add_checkin(s, record.id, week, scores, numbers["sleep"], numbers["confidence"])
        except StoreInputError as exc:
            errors[exc.field.split(".", 1)[0]] = exc.problem
    if errors:
        return _page(request, errors, 422, dict(form))
    return RedirectResponse("/programme#checkin", status_code=303)


@router.post("/programme/walk", include_in_schema=False)
def walk(request: Request, form: PostedForm) -> Response:
    """Log minutes of walking towards the daily goal (nothing is written on bad input)."""
    from backrelief.store.activity import log_walk

    errors: dict[str, str] = {}
    minutes = form_int(form, "minutes")
    if not isinstance(minutes, int) or not MIN_MINUTES <= minutes <= MAX_MINUTES:
        errors["minutes"] = f"Enter the minutes walked, a whole number from {MIN_MINUTES} to {MAX_MINUTES}."
    today = journey.local_today()
    raw_day = (form_text(form, "date") or "").strip()
    day: date | None = today
    if raw_day:
        try:
            day = date.fromisoformat(raw_day)
        except ValueError:
            day = None
            errors["date"] = "Enter the day as a date, for example 2026-12-07."
    if day is not None and day > today:
        errors["date"] = "The day must not be in the future."
    if not errors:
        with web(request).database.session(write=True) as s:
            try:
                log_walk(s, minutes, day, today=today)
            except StoreInputError as exc:
                errors[exc.field] = exc.problem
    if errors:
        return _page(request, errors, 422, dict(form))
    return RedirectResponse("/programme#walking", status_code=303)


@router.get("/programme/calendar/{token}.ics", include_in_schema=False)
def calendar_feed(request: Request, token: str) -> Response:
    """The private subscription feed: the token in the address is the only key, so it is
    long and random (store.programme), unguessable, and never shown in any other page's links.
    """
    context = web(request)
    with context.database.session() as s:
        record = programme_by_token(s, token)
    if record is None:
        raise HTTPException(404, "There is no such calendar.")
    titles = {page_id: page.title for page_id, page in context.catalog.education.items()}
    minutes = int(record.profile.get("minutes", 10))
    body = programme_calendar(record.id, record.plan, minutes, titles)
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "no-store",
                             "Content-Disposition": 'inline; filename="backrelief.ics"'})


def _report(request: Request) -> ReportData:
    context = web(request)
    with context.database.session() as s:
        return gather_report(s, context.catalog, journey.local_today(), utcnow())


@router.get("/report", include_in_schema=False)
def report_page(request: Request) -> Response:
    """The clinician summary as a printable page (the same content as the PDF)."""
    data = _report(request)
    weekly = len(data.pain) > WEEKLY_FROM
    return render(request, "report.html", data=data, tier_words=TIER_WORDS,
                  pain_chart=Markup(trend_svg(data.pain, "Pain, 0-10"
                                              + (" (weekly averages)" if weekly else ""))),
                  function_chart=Markup(trend_svg(data.function, "Function, 0-10")))


@router.get("/report.pdf", include_in_schema=False)
def report_pdf(request: Request) -> Response:
    """The clinician summary as a PDF download."""
    body = render_report_pdf(_report(request))
    return Response(body, media_type="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="backrelief-summary.pdf"',
                             "Cache-Control": "no-store"})
