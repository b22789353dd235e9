"""The programme's journey, the same for both shells: start one, see it, do today's session.

``backrelief programme`` and the web's /programme page call these functions; neither re-derives
a rule. Safety first, as everywhere: a programme session is only ever started behind the same
gate as any other (the caller passes the screen that allowed it, taken just now: the re-check),
and the diary's see-a-professional advice pauses progression (:func:`pause_reasons`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from backrelief.core.activity import WALK_SOURCES, WalkWeek, daily_goal, walk_weeks
from backrelief.core.catalog import Catalog
from backrelief.core.planner import Profile, Routine, plan_routine
from backrelief.core.programme import (
    Checkin,
    PlannedDay,
    ProgrammePlan,
    WeekDose,
    dose_change,
    function_change,
    held_seconds,
    progression,
    schedule,
)
from backrelief.core.programme import week_routine as core_week_routine
from backrelief.core.progress import Advice
from backrelief.core.vocabulary import ConditionId
from backrelief.journey import sessions as journey_sessions
from backrelief.journey.document import profile_json
from backrelief.journey.memory import avoid_reasons, current_memory
from backrelief.store.activity import walked_per_day
from backrelief.store.advice import diary_advice
from backrelief.store.programme import (
    ProgrammeRecord,
    active_programme,
    link_session,
    list_checkins,
    programme_evidence,
    programme_session_days,
    start_programme,
)
from backrelief.store.sessions import list_sessions


def local_today() -> date:
    """Today in the machine's local time zone: programme days are the person's calendar days."""
    return datetime.now(UTC).astimezone().date()


def stored_profile(data: dict[str, Any]) -> Profile:
    """The planner profile a programme was started with (as :func:`profile_json` wrote it)."""
    return Profile(
        region=data["region"], equipment=frozenset(data["equipment"]), minutes=int(data["minutes"]),
        conditions=frozenset(data["conditions"]), pregnancy_weeks=data.get("pregnancy_weeks"),
        pain=None, gentle_only=bool(data.get("gentle_only", False)),
        no_floor=bool(data.get("no_floor", False)),
    )


def begin(db: Session, plan: ProgrammePlan, profile: Profile) -> ProgrammeRecord:
    """Start a programme for ``profile`` (region, kit, minutes, conditions)."""
    return start_programme(db, plan, profile_json(profile))


def session_due_today(db: Session, today: date) -> bool:
    """True when the active programme has a session planned today that is not yet started
    (cheap: the check's result page asks it to offer "Today's programme session")."""
    programme = active_programme(db)
    if programme is None:
        return False
    plan = programme.plan
    if plan.week_of(today) is None or today.weekday() not in plan.days:
        return False
    return today not in set(programme_session_days(db, programme.id).values())


def pause_reasons(advice: Advice, programme: ProgrammeRecord) -> tuple[str, ...]:
    """The diary's see-a-professional rules the person has not yet said they were seen about.

    Non-empty means progression is paused. A new such rule (pain spreading, say) pauses it again
    after an earlier "I have been seen".
    """
    if advice.tier not in ("emergency", "same_day", "see_professional"):
        return ()
    rules = {reason.rule for reason in advice.reasons
             if reason.tier in ("emergency", "same_day", "see_professional")}
    return tuple(sorted(rules - set(programme.seen_rules))) or (
        () if rules else ("see_professional",))


@dataclass(frozen=True)
class WeekView:
    """One week: its days, its dose and the routine that dose gives (planned without today's
    pain; each session is fitted again on the day)."""

    week: int
    dose: WeekDose
    days: tuple[PlannedDay, ...]
    routine: Routine
    done: int
    planned: int
    planned_routine: Routine | None = None  # the same profile at level 0, to say what changed

    def technique_doses(self, catalog: Catalog) -> list[dict[str, Any]]:
        """Dose and form of each technique this week, and what changed from the plan."""
        planned = {item.technique: item for item in
                   (self.planned_routine.items if self.planned_routine else ())}
        return [{"technique": item.technique, "name": item.name,
                 "form": item.variant or "standard", "rounds": item.rounds, "hold": item.hold,
                 "hold_seconds": held_seconds(item, catalog),
                 "change": dose_change(planned.get(item.technique), item, catalog)}
                for item in self.routine.items]


@dataclass(frozen=True)
class ProgrammeView:
    """Everything the programme page and ``programme show`` display."""

    programme: ProgrammeRecord
    profile: Profile
    today: date
    current_week: int | None
    weeks: tuple[WeekView, ...]
    advice: Advice
    paused_for: tuple[str, ...]
    checkins: tuple[Checkin, ...]
    done_days: frozenset[date]
    started_days: frozenset[date]  # days whose session was started, finished or not
    walking: tuple[WalkWeek, ...] = ()  # the daily walking goal and log, per week
    walked_today: int = 0

    @property
    def walk_goal_today(self) -> int | None:
        """Today's walking goal in minutes (None outside the programme's weeks)."""
        return None if self.current_week is None else daily_goal(self.current_week)

    @property
    def today_session(self) -> PlannedDay | None:
        """Today's session, if one is planned and not yet started (one programme session a day;
        an abandoned one is not offered again, the ordinary builder still is)."""
        for week in self.weeks:
            for day in week.days:
                if day.day == self.today and day.kind == "session" \
                        and day.day not in self.started_days:
                    return day
        return None

    @property
    def current_dose(self) -> WeekDose | None:
        """The dose of the week running today."""
        if self.current_week is None:
            return None
        return self.weeks[self.current_week - 1].dose

    def to_json(self, catalog: Catalog | None = None) -> dict[str, Any]:
        """The ``backrelief programme show --json`` document."""
        from backrelief.core.catalog import default_catalog

        catalog = catalog or default_catalog()
        plan = self.programme.plan
        change = function_change(self.checkins)
        return {
            "id": self.programme.id,
            "status": self.programme.status,
            "start": plan.start.isoformat(),
            "end": plan.end.isoformat(),
            "weeks": plan.weeks,
            "days": list(plan.days),
            "time": plan.at.strftime("%H:%M"),
            "profile": profile_json(self.profile),
            "today": self.today.isoformat(),
            "current_week": self.current_week,
            "paused": bool(self.paused_for),
            "paused_for": list(self.paused_for),
            "advice": self.advice.as_dict(),
            "sessions_done": sum(w.done for w in self.weeks),
            "sessions_planned": sum(w.planned for w in self.weeks),
            "schedule": [
                {
                    "week": w.week,
                    "dose": w.dose.to_json(),
                    "done": w.done,
                    "planned": w.planned,
                    "days": [{**d.to_json(), "done": d.day in self.done_days} for d in w.days],
                    "routine": w.routine.to_json(),
                    "techniques": w.technique_doses(catalog),
                }
                for w in self.weeks
            ],
            "checkins": [
                {"at": c.at.isoformat(), "week": c.week, "activities": dict(c.activities),
                 "function": c.function, "sleep": c.sleep, "confidence": c.confidence}
                for c in self.checkins
            ],
            "function_change": None if change is None else {
                "points": round(change[0], 1), "meaningful": change[1]},
            "walking": {
                "goal_today": self.walk_goal_today, "today_minutes": self.walked_today,
                "weeks": [w.to_json() for w in self.walking],
                "sources": list(WALK_SOURCES),
            },
        }


def week_routine(profile: Profile, dose: WeekDose, catalog: Catalog,
                 avoid: dict[str, str] | None = None) -> Routine:
    """The routine a week's dose gives for ``profile`` (core.programme.week_routine)."""
    return core_week_routine(profile, dose, catalog, avoid or {})


def programme_view(db: Session, catalog: Catalog, today: date,
                   programme: ProgrammeRecord | None = None) -> ProgrammeView | None:
    """The active programme (or ``programme``) as of ``today``; None when there is none."""
    programme = programme or active_programme(db)
    if programme is None:
        return None
    plan = programme.plan
    profile = stored_profile(programme.profile)
    advice = diary_advice(db)
    paused_for = pause_reasons(advice, programme)
    doses = progression(plan, programme_evidence(db, programme), today, paused=bool(paused_for))
    days = schedule(plan, tuple(catalog.education))
    linked = programme_session_days(db, programme.id)
    finished = {s.id for s in list_sessions(db)
                if s.ended_at is not None and s.stop_reason != journey_sessions.ABANDONED}
    done_days = frozenset(day for session_id, day in linked.items() if session_id in finished)
    planned = plan_routine(profile, catalog)  # level 0, no pain, no memory: what a week changes
    weeks: list[WeekView] = []
    for dose in doses:
        in_week = tuple(d for d in days if d.week == dose.week)
        sessions = [d for d in in_week if d.kind == "session"]
        weeks.append(WeekView(dose.week, dose, in_week, week_routine(profile, dose, catalog),
                              sum(1 for d in sessions if d.day in done_days), len(sessions),
                              planned))
    walked = walked_per_day(db, plan.start, plan.end)
    return ProgrammeView(programme, profile, today, plan.week_of(today), tuple(weeks), advice,
                         paused_for, tuple(list_checkins(db, programme.id)), done_days,
                         frozenset(linked.values()),
                         tuple(walk_weeks(plan.start, plan.weeks, walked)), walked.get(today, 0))


def today_plan(db: Session, catalog: Catalog, view: ProgrammeView, *, pain_before: int | None,
               gentle_only: bool = False, conditions: frozenset[ConditionId] = frozenset(),
               pregnancy_weeks: int | None = None) -> tuple[Profile, Routine] | None:
    """Today's programme routine: this week's dose, fitted to today's pain and to the re-check's
    conditions, gentle-only rule and pregnancy week on top of the programme's (both shells).
    None when no programme session is planned today."""
    if view.today_session is None or view.current_dose is None:
        return None
    base = view.profile
    profile = replace(
        base, conditions=base.conditions | conditions,
        pregnancy_weeks=pregnancy_weeks if pregnancy_weeks is not None else base.pregnancy_weeks,
        pain=pain_before, gentle_only=gentle_only or base.gentle_only,
    )
    return profile, week_routine(profile, view.current_dose, catalog,
                                 avoid_reasons(current_memory(db)))


def today_label(view: ProgrammeView) -> str:
    """Which programme day today is, in words: "Programme week 2 of 6, session 3 of 5 this
    week (Wed 11 Nov)"."""
    day = view.today_session
    if day is None or view.current_week is None:
        return "No programme session today."
    sessions = [d.day for d in view.weeks[view.current_week - 1].days if d.kind == "session"]
    return (f"Programme week {day.week} of {view.programme.plan.weeks}, session "
            f"{sessions.index(day.day) + 1} of {len(sessions)} this week ({day.day:%a %d %b}).")


def start_planned(db: Session, view: ProgrammeView, routine: Routine, profile: Profile, *,
                  pain_before: int | None, screen_id: int | None) -> int:
    """Store today's programme session (a routine from :func:`today_plan`) and link it to the
    programme's day, in one transaction."""
    day = view.today_session
    if day is None:
        raise ValueError("no programme session is planned today")
    session_id = journey_sessions.start(db, routine, profile, pain_before=pain_before,
                                        screen_id=screen_id)
    link_session(db, view.programme.id, session_id, day.day)
    return session_id


def start_today(db: Session, catalog: Catalog, view: ProgrammeView, *, pain_before: int,
                screen_id: int, gentle_only: bool = False,
                conditions: frozenset[ConditionId] = frozenset(),
                pregnancy_weeks: int | None = None) -> int | None:
    """Store today's programme session (this week's dose, fitted to today's pain) and link it;
    returns the session id, or None when nothing is planned today or nothing safe fits.

    The caller has passed the safety gate with the screen ``screen_id`` (the re-check just
    taken); its conditions, gentle-only rule and pregnancy week apply on top of the programme's.
    """
    planned = today_plan(db, catalog, view, pain_before=pain_before, gentle_only=gentle_only,
                         conditions=conditions, pregnancy_weeks=pregnancy_weeks)
    if planned is None or not planned[1].items:
        return None
    profile, routine = planned
    return start_planned(db, view, routine, profile, pain_before=pain_before, screen_id=screen_id)
