"""`backrelief programme`: a plan over weeks that progresses with the pain response.

Thin shells over :mod:`backrelief.journey.programme` (rules in :mod:`backrelief.core.programme`).
Every option is checked before the database is opened, so bad input (exit 2, one line naming the
option) never touches the diary. Heavy imports stay inside the commands (``--help`` is light).
"""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path
from typing import Any

import click

from backrelief.cli.common import fail, print_json
from backrelief.core.vocabulary import is_ascii_number

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_ACTIVITY = re.compile(r"^(?P<name>.+)=(?P<score>-?\d{1,3})$")
OPTION_FOR_FIELD = {"weeks": "--weeks", "days": "--days", "region": "--region",
                    "minutes": "--minutes", "equipment": "--equipment", "condition": "--condition",
                    "sleep": "--sleep", "confidence": "--confidence", "week": "--week",
                    "activities": "--activity"}


def _option(field: str) -> str:
    head = field.split(".", 1)[0]
    return OPTION_FOR_FIELD.get(head, head)


@click.group()
def programme() -> None:
    """A programme of weeks: sessions on chosen days, weekly check-ins, and doses that step up
    when pain stays at 5/10 or less and settles by the next day, and back when it does not."""


@programme.command()
@click.option("--weeks", default="6", show_default=True, help="How many weeks (1-12).")
@click.option("--days", default="mon,tue,wed,thu,fri", show_default=True,
              help="Session days, e.g. mon,wed,fri.")
@click.option("--at", "at_time", default="18:00", show_default=True,
              help="Time of day for the sessions (HH:MM, local).")
@click.option("--start", "start_day", default=None, help="First day (YYYY-MM-DD; default today).")
@click.option("--region", default=None, help="upper, lower or whole (default: remembered).")
@click.option("--minutes", default=None, help="Minutes per session, 3-60 (default: remembered).")
@click.option("--equipment", multiple=True, help="Equipment at hand (repeat).")
@click.option("--condition", multiple=True, help="A condition that changes what is safe (repeat).")
@click.option("--json", "as_json", is_flag=True, help="Print the programme as JSON.")
def start(weeks: str, days: str, at_time: str, start_day: str | None, region: str | None,
          minutes: str | None, equipment: tuple[str, ...], condition: tuple[str, ...],
          as_json: bool) -> None:
    """Start a programme (ends any programme already running)."""
    from backrelief.core.planner import Profile, ProfileError
    from backrelief.core.programme import ProgrammeError, ProgrammePlan, parse_days
    from backrelief.journey.programme import local_today

    if not is_ascii_number(weeks, 2):
        fail("--weeks", f"must be a whole number from 1 to 12, got {weeks!r}")
    match = _TIME.match(at_time)
    if match is None:
        fail("--at", f"must be a time like 18:00, got {at_time!r}")
    try:
        first = date.fromisoformat(start_day) if start_day else local_today()
    except ValueError:
        fail("--start", f"must be a date like 2026-12-07, got {start_day!r}")
    if minutes is not None and not is_ascii_number(minutes, 2):
        fail("--minutes", f"must be a whole number from 3 to 60, got {minutes!r}")
    try:
        plan = ProgrammePlan(first, int(weeks), parse_days(days),
                             time(int(match.group(1)), int(match.group(2))))
    except ProgrammeError as exc:
        fail(_option(exc.field), exc.problem)

    from backrelief.cli.diary import store_session
    from backrelief.core.catalog import default_catalog
    from backrelief.journey import programme as journey
    from backrelief.journey.defaults import remembered_choices

    with store_session(write=True) as s:
        remembered = remembered_choices(s)
        try:
            profile = Profile(
                region=region or remembered.region,  # type: ignore[arg-type]
                equipment=frozenset(equipment or remembered.equipment),  # type: ignore[arg-type]
                minutes=int(minutes) if minutes is not None else remembered.minutes,
                conditions=frozenset(condition or remembered.conditions),  # type: ignore[arg-type]
            )
        except ProfileError as exc:
            fail(_option(exc.field), exc.problem)
        record = journey.begin(s, plan, profile)
        view = journey.programme_view(s, default_catalog(), local_today(), record)
    assert view is not None
    if as_json:
        print_json(view.to_json())
        return
    click.echo(f"Programme started: {plan.weeks} weeks from {plan.start:%a %d %b %Y}, "
               f"{len(plan.days)} sessions a week at {plan.at:%H:%M}.")
    click.echo("Each session starts with the safety re-check (`backrelief programme show` for "
               "the weeks; `backrelief programme calendar --out plan.ics` for reminders).")


def _load_view(as_of: str | None = None) -> Any:
    from backrelief.cli.diary import store_session
    from backrelief.core.catalog import default_catalog
    from backrelief.journey import programme as journey

    today = journey.local_today()
    if as_of is not None:
        try:
            today = date.fromisoformat(as_of)
        except ValueError:
            fail("--as-of", f"must be a date like 2026-12-07, got {as_of!r}")
    with store_session() as s:
        view = journey.programme_view(s, default_catalog(), today)
    if view is None:
        raise click.ClickException("no programme is running; start one with "
                                   "`backrelief programme start`")
    return view


@programme.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("--as-of", default=None, help="Show the programme as of this date (YYYY-MM-DD).")
def show(as_json: bool, as_of: str | None) -> None:
    """The weeks: days, doses and the reason for every change, check-ins, and the diary's advice."""
    view = _load_view(as_of)
    if as_json:
        print_json(view.to_json())
        return
    document = view.to_json()
    click.echo(f"Programme {document['start']} to {document['end']}: "
               f"{document['sessions_done']} of {document['sessions_planned']} sessions done.")
    advice = document["advice"]
    if view.paused_for:
        click.secho("Progression paused: your diary advises seeing a GP or physiotherapist. "
                    "When you have been seen, run `backrelief programme seen`.", fg="yellow",
                    bold=True)
    if advice["tier"] != "self_care":
        click.echo(advice["advice"])
    for week in document["schedule"]:
        dose = week["dose"]
        mark = " (this week)" if week["week"] == view.current_week else ""
        click.echo(f"\nWeek {week['week']}{mark}: {week['done']}/{week['planned']} sessions, "
                   f"dose level {dose['level']:+d} ({dose['what']})")
        for reason in dose["reasons"]:
            click.echo(f"  {reason}")
        walked = document["walking"]["weeks"][week["week"] - 1]
        click.echo(f"  Walking: goal {walked['goal_minutes']} min a day; {walked['minutes']} min "
                   f"logged on {walked['days_logged']} day(s), goal met on {walked['days_met']}.")
        seconds = {item["technique"]: item["seconds"] for item in week["routine"]["items"]}
        for item in week["techniques"]:
            holds = f", holds {'/'.join(str(s) for s in item['hold_seconds'])} s" \
                if item["hold_seconds"] else ""
            click.echo(f"  - {item['name']}: {item['rounds']} round(s){holds}, "
                       f"{seconds[item['technique']]} s: {item['change']}")
    change = document["function_change"]
    if change is not None:
        words = "a meaningful change" if change["meaningful"] else "not yet a meaningful change"
        click.echo(f"\nFunction: {change['points']:+.1f} points since the first check-in "
                   f"({words}; about 2 points counts).")


@programme.command()
def seen() -> None:
    """Say you have been seen by a GP or physiotherapist: progression may step up again."""
    from backrelief.cli.diary import store_session
    from backrelief.journey.programme import pause_reasons
    from backrelief.store.advice import diary_advice
    from backrelief.store.programme import active_programme, mark_seen

    with store_session(write=True) as s:
        record = active_programme(s)
        if record is None:
            raise click.ClickException("no programme is running")
        reasons = pause_reasons(diary_advice(s), record)
        mark_seen(s, record.id, reasons)
    click.echo("Noted: you have been seen. Progression can step up again; a new reason to see "
               "someone will pause it again.")


@programme.command()
@click.option("--activity", "activities", multiple=True,
              help='An activity your back makes hard and its score, "putting on socks=4" '
                   "(0 = can't do it, 10 = as well as before). Up to 3.")
@click.option("--sleep", default=None, help="How much back pain disturbs your sleep, 0-10.")
@click.option("--confidence", default=None, help="How confident you are to manage your back, 0-10.")
@click.option("--week", default=None, help="Programme week (default: this week).")
def checkin(activities: tuple[str, ...], sleep: str | None, confidence: str | None,
            week: str | None) -> None:
    """Record the weekly check-in: function, sleep and confidence."""
    scores: dict[str, object] = {}
    for text in activities:
        match = _ACTIVITY.match(text.strip())
        if match is None:
            fail("--activity", f'write it as "name=score", got {text!r}')
        scores[" ".join(match.group("name").split())] = int(match.group("score"))
    numbers: dict[str, int | None] = {}
    for name, raw in (("--sleep", sleep), ("--confidence", confidence), ("--week", week)):
        if raw is not None and not re.fullmatch(r"-?\d{1,3}", raw):
            fail(name, f"must be a whole number, got {raw!r}")
        numbers[name] = None if raw is None else int(raw)
    if not scores and numbers["--sleep"] is None and numbers["--confidence"] is None:
        fail("--activity", "give at least one activity, --sleep or --confidence")

    from backrelief.cli.diary import store_session
    from backrelief.journey.programme import local_today
    from backrelief.store import StoreInputError
    from backrelief.store.programme import active_programme, add_checkin

    try:
        with store_session(write=True) as s:
            record = active_programme(s)
            if record is None:
                raise click.ClickException("no programme is running")
            number = numbers["--week"] or record.plan.week_of(local_today()) or record.plan.weeks
            add_checkin(s, record.id, number, scores, numbers["--sleep"], numbers["--confidence"])
    except StoreInputError as exc:
        fail(_option(exc.field), exc.problem)
    click.echo(f"Check-in for week {number} recorded.")


@programme.command()
@click.option("--minutes", required=True, help="Minutes walked, 1 to 600.")
@click.option("--date", "day", default=None, help="The day walked (YYYY-MM-DD; default today).")
def walk(minutes: str, day: str | None) -> None:
    """Log minutes of walking towards the daily activity goal (staying active is the core
    advice for back pain: NICE NG59, NHS)."""
    from backrelief.core.activity import MAX_MINUTES, MIN_MINUTES

    if not is_ascii_number(minutes, 3) or not MIN_MINUTES <= int(minutes) <= MAX_MINUTES:
        fail("--minutes", f"must be a whole number from {MIN_MINUTES} to {MAX_MINUTES}, "
                          f"got {minutes!r}")
    from backrelief.journey.programme import local_today

    today = local_today()
    try:
        walked_on = date.fromisoformat(day) if day is not None else today
    except ValueError:
        fail("--date", f"must be a date like 2026-12-07, got {day!r}")
    if walked_on > today:
        fail("--date", f"must not be in the future, got {walked_on.isoformat()}")

    from backrelief.cli.diary import store_session
    from backrelief.core.activity import daily_goal
    from backrelief.store import StoreInputError
    from backrelief.store.activity import log_walk
    from backrelief.store.programme import active_programme

    try:
        with store_session(write=True) as s:
            total = log_walk(s, int(minutes), walked_on, today=today)
            record = active_programme(s)
    except StoreInputError as exc:
        fail({"minutes": "--minutes", "date": "--date"}.get(exc.field, exc.field), exc.problem)
    week = record.plan.week_of(walked_on) if record is not None else None
    line = f"Logged {int(minutes)} minutes of walking on {walked_on:%a %d %b}: {total} that day"
    if week is not None:
        goal = daily_goal(week)
        line += f", goal {goal} (programme week {week})" + (": goal met." if total >= goal else ".")
    else:
        line += "."
    click.echo(line)


@programme.command()
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the .ics file.")
def calendar(out: Path) -> None:
    """Write the sessions and check-ins as an iCalendar file (with reminders) for any calendar."""
    from backrelief.core.catalog import default_catalog
    from backrelief.journey.programme_calendar import programme_calendar

    view = _load_view()
    catalog = default_catalog()
    titles = {page_id: page.title for page_id, page in catalog.education.items()}
    data = programme_calendar(view.programme.id, view.programme.plan, view.profile.minutes, titles)
    try:
        out.write_bytes(data)
    except OSError as exc:
        fail("--out", f"cannot write {out}: {exc.strerror or exc}")
    click.echo(f"Wrote {out}: import it into your calendar, or subscribe "
               "from the web app's programme page to keep it up to date.")


@programme.command()
def end() -> None:
    """End the running programme (its sessions and check-ins stay in the diary)."""
    from backrelief.cli.diary import store_session
    from backrelief.store.programme import active_programme, end_programme

    with store_session(write=True) as s:
        record = active_programme(s)
        if record is None:
            raise click.ClickException("no programme is running")
        end_programme(s, record.id)
    click.echo("Programme ended.")


@click.command()
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the PDF.")
def report(out: Path) -> None:
    """Write a one-to-two page PDF summary to hand a GP or physiotherapist."""
    from backrelief.cli.diary import store_session
    from backrelief.core.catalog import default_catalog
    from backrelief.journey.programme import local_today
    from backrelief.journey.report import gather_report
    from backrelief.journey.report_pdf import render_report_pdf
    from backrelief.store.types import utcnow

    with store_session() as s:
        data = gather_report(s, default_catalog(), local_today(), utcnow())
    try:
        out.write_bytes(render_report_pdf(data))
    except OSError as exc:
        fail("--out", f"cannot write {out}: {exc.strerror or exc}")
    click.echo(f"Wrote {out}: a summary of your diary to show a GP or physiotherapist.")
