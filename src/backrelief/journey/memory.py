"""What the next plan must leave out, why, and until when: the diary's per-technique memory.

Derived from what is already stored, no table of its own:

- a technique marked "felt worse", or stopped mid-session (a sharp-pain stop, or "stopped it" on
  the after-session form), is left out for :data:`LEFT_OUT_DAYS` days from that moment;
- a technique the person asked not to repeat today ("not today") is left out until the end of
  that local day (the stop rule's own advice: "don't repeat it today");
- a session after which pain rose by 2 points or more leaves out the techniques it implicates
  (``core.progress.flagged_techniques``) for the same 7 days from that session.

Seven days is kept simple on purpose: NHS exercise advice is to stop an exercise that makes
symptoms worse and try it again gently once they settle (clinical brief 1.4), and a week covers
the usual flare of simple back pain without dropping a technique for good. "Use it again" on the
library page ends every one of these for that technique: it stores the moment under the
:data:`BROUGHT_BACK_KEY` setting, and anything said before that moment no longer counts.
Leaving out a technique leaves out all of its variants: the planner avoids by technique id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Literal, Protocol

from backrelief.core.progress import SessionOutcome, Verdict
from backrelief.core.progress import flagged_techniques as _pain_rose_after
from backrelief.store.validation import aware_utc, slug

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Nothing here imports SQLAlchemy: `plan` reads the memory straight from a SQLite file with the
# standard library when it can (store/light.py), and shares every rule below.

LEFT_OUT_DAYS = 7
BROUGHT_BACK_KEY = "brought_back"


class Said(Protocol):
    """One verdict on a technique, as the memory reads it (``store.sessions.FeedbackEvent``)."""

    @property
    def technique(self) -> str: ...
    @property
    def verdict(self) -> Verdict: ...
    @property
    def recorded_at(self) -> datetime: ...


def utcnow() -> datetime:
    """The current time, aware, in UTC (``store.types.utcnow``, without the store)."""
    return datetime.now(UTC)

Cause = Literal["felt_worse", "stopped", "not_today", "pain_rose"]

_SAID: dict[Cause, str] = {
    "felt_worse": "felt worse",
    "stopped": "stopped for pain",
    "pain_rose": "pain rose after the session",
}


@dataclass(frozen=True)
class LeftOut:
    """One technique the next plan leaves out: why, since when and until when (aware UTC)."""

    technique: str
    cause: Cause
    at: datetime
    until: datetime

    def reason(self, zone: tzinfo, now: datetime) -> str:
        """The reason in words, local to ``zone``: "felt worse on Tuesday: left out until ..."."""
        if self.cause == "not_today":
            return "you asked not to repeat it today: left out until tomorrow"
        return f"{_SAID[self.cause]} {_when(self.at, zone, now)}: left out until {_until(self, zone, now)}"


def local_zone() -> tzinfo:
    """The computer's own time zone (the user sits at it: the web app listens on loopback)."""
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None  # astimezone() always sets one
    return zone


def _when(at: datetime, zone: tzinfo, now: datetime) -> str:
    day, today = at.astimezone(zone).date(), now.astimezone(zone).date()
    if day == today:
        return "today"
    if day == today - timedelta(days=1):
        return "yesterday"
    if today - day < timedelta(days=7):
        return f"on {day:%A}"
    return f"on {day:%A} {day.day} {day:%B}"


def _until(entry: LeftOut, zone: tzinfo, now: datetime) -> str:
    day = entry.until.astimezone(zone).date()
    if day == now.astimezone(zone).date() + timedelta(days=1):
        return "tomorrow"
    return f"{day:%A} {day.day} {day:%B}"


def _end_of_day(at: datetime, zone: tzinfo) -> datetime:
    local = at.astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=zone)
    return aware_utc("until", midnight)


def left_out(events: Iterable[Said], pain_rose: Mapping[str, datetime],
             brought_back: Mapping[str, datetime], now: datetime,
             zone: tzinfo) -> dict[str, LeftOut]:
    """Techniques left out at ``now``: the longest-lasting reason for each (pure)."""
    found: dict[str, LeftOut] = {}

    def consider(technique: str, cause: Cause, at: datetime) -> None:
        back = brought_back.get(technique)
        if back is not None and at <= back:
            return
        until = (_end_of_day(at, zone) if cause == "not_today"
                 else at + timedelta(days=LEFT_OUT_DAYS))
        if until <= now:
            return
        entry = LeftOut(technique, cause, at, until)
        if technique not in found or found[technique].until < until:
            found[technique] = entry

    for event in events:
        if event.verdict == "worse":
            consider(event.technique, "felt_worse", event.recorded_at)
        elif event.verdict == "stopped":
            consider(event.technique, "stopped", event.recorded_at)
        elif event.verdict == "not_today":
            consider(event.technique, "not_today", event.recorded_at)
    for technique, at in pain_rose.items():
        consider(technique, "pain_rose", at)
    return dict(sorted(found.items()))


def _brought_back(db: Session) -> dict[str, datetime]:
    from backrelief.store.sessions import setting_value

    return brought_back_from(setting_value(db, BROUGHT_BACK_KEY, {}))


def brought_back_from(stored: object) -> dict[str, datetime]:
    """The stored "use it again" setting as technique id -> moment (damaged entries skipped)."""
    back: dict[str, datetime] = {}
    if isinstance(stored, dict):
        for technique, when in stored.items():
            try:
                back[str(technique)] = aware_utc("brought_back", datetime.fromisoformat(str(when)))
            except ValueError:
                continue  # a damaged entry only means that technique is not brought back
    return back


def current_memory(db: Session, now: datetime | None = None,
                   zone: tzinfo | None = None) -> dict[str, LeftOut]:
    """What the diary says the next plan must leave out, by technique id.

    Reads only the last :data:`LEFT_OUT_DAYS` days (issue 16): every reason lasts at most that
    long from its moment, and a technique's "pain rose" flag comes from the latest session it
    was in, so a technique whose latest session is older than the window is left out by nothing
    the window does not hold.
    """
    from backrelief.store.sessions import recent_outcomes

    moment = utcnow() if now is None else aware_utc("now", now)
    outcomes, events = recent_outcomes(db, window_start(moment))
    return memory_from(outcomes, events, _brought_back(db), moment, zone or local_zone())


def window_start(now: datetime) -> datetime:
    """The oldest moment the memory at ``now`` reads from (see :func:`current_memory`)."""
    return now - timedelta(days=LEFT_OUT_DAYS)


def memory_from(outcomes: Iterable[SessionOutcome], events: Iterable[Said],
                brought_back: Mapping[str, datetime], now: datetime,
                zone: tzinfo) -> dict[str, LeftOut]:
    """The memory from the window's sessions (oldest first) and verdicts (pure)."""
    sessions = list(outcomes)
    flagged = _pain_rose_after(sessions)
    rose: dict[str, datetime] = {}
    for outcome in sessions:  # the latest session each flagged technique was in
        for technique in set(outcome.techniques) | set(outcome.feedback):
            if technique in flagged:
                rose[technique] = outcome.started_at
    return left_out(events, rose, brought_back, now, zone)


def avoid_reasons(memory: Mapping[str, LeftOut], zone: tzinfo | None = None,
                  now: datetime | None = None) -> dict[str, str]:
    """The planner's ``avoid`` input: technique id -> the reason shown in "left out, and why"."""
    moment = utcnow() if now is None else now
    where = zone or local_zone()
    return {technique: entry.reason(where, moment) for technique, entry in memory.items()}


def bring_back(db: Session, technique: str, now: datetime | None = None) -> None:
    """"Use it again": what was said about ``technique`` so far no longer leaves it out."""
    from backrelief.store.settings import get_setting, set_setting

    name = slug("technique", technique)
    stored = get_setting(db, BROUGHT_BACK_KEY, {})
    back = dict(stored) if isinstance(stored, dict) else {}
    back[name] = (utcnow() if now is None else aware_utc("now", now)).isoformat()
    set_setting(db, BROUGHT_BACK_KEY, back)
