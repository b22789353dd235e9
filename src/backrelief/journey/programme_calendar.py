"""The programme as an iCalendar (RFC 5545) file: one event per session and check-in, with alarms.

Made with the maintained ``icalendar`` library, never by string pasting. The same bytes are the
``programme calendar --out`` file and the private subscription feed (web ``/programme/calendar/
<token>.ics``).

Times are *floating* local times (no time zone): kept simple on purpose, a session planned for
18:00 should ring at 18:00 wherever the phone is, and the programme stores a wall-clock time of
day, not an instant. UIDs are stable (programme id, date, kind), so a calendar that subscribes
updates events in place instead of duplicating them. No health detail beyond "back session" goes
into the events: a subscribed calendar may be synced to other services.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, Event

from backrelief.core.programme import PlannedDay, ProgrammePlan, schedule
from backrelief.store.types import utcnow

PRODID = "-//backrelief//programme//EN"
ALARM_BEFORE = timedelta(minutes=10)
CHECKIN_MINUTES = 5


def _event(programme_id: int, plan: ProgrammePlan, day: PlannedDay, minutes: int,
           stamp: datetime, education_titles: dict[str, str]) -> Event:
    start = datetime.combine(day.day, plan.at)
    event = Event()
    event.add("uid", f"{day.kind}-{day.day.isoformat()}-p{programme_id}@backrelief")
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    if day.kind == "session":
        event.add("dtend", start + timedelta(minutes=minutes))
        event.add("summary", f"Back session (week {day.week})")
        description = ("Open backrelief and start today's session: it begins with the safety "
                       "re-check.")
        if day.education in education_titles:
            description += f" Also to read this week: {education_titles[day.education]}."
    else:
        event.add("dtend", start + timedelta(minutes=CHECKIN_MINUTES))
        event.add("summary", "Back programme check-in")
        description = "Rate the activities your back makes hard, your sleep and your confidence."
    event.add("description", description)
    event.add("categories", ["backrelief"])
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", str(event["summary"]))
    alarm.add("trigger", -ALARM_BEFORE)
    event.add_component(alarm)
    return event


def programme_calendar(programme_id: int, plan: ProgrammePlan, minutes: int,
                       education_titles: dict[str, str], *, stamp: datetime | None = None) -> bytes:
    """The programme's sessions and check-ins as an ``.ics`` document."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "backrelief programme")
    when = stamp or utcnow()
    for day in schedule(plan, tuple(education_titles)):
        calendar.add_component(_event(programme_id, plan, day, minutes, when, education_titles))
    data: bytes = calendar.to_ical()
    return data
