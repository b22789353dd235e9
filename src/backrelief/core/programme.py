"""A programme over weeks: a schedule, and a dose that follows the pain response.

Pure: dates, numbers and the catalogue in, plain records out. The store gathers the diary, the
shells show the result; every rule of the programme lives here.

**Schedule.** A programme starts on a date and runs ``weeks`` weeks (default 6). Week ``n`` is
the 7 days from ``start + 7(n-1)``. Sessions fall on the chosen weekdays (default Monday to
Friday: 5 a week); a check-in opens each week (week 1's is the baseline) and one closes the
programme. One education page is scheduled on the first session day of each week.

**Progression by the pain response** (the pain-monitoring model: Silbernagel et al. 2007, sources
``silbernagel-2007-pain-monitoring``; exercise that hurts a little is not worse than pain-free
exercise: Smith et al. 2017, ``smith-2017-painful-exercise``). The dose of week ``n`` is decided
from the sessions of week ``n-1``:

* **step back** (and say why) when any session's pain during or just after it went above
  :data:`ACCEPTABLE_PAIN` (5/10), when the pain was worse the next day than before the session,
  when a session was stopped because it hurt (or a technique was marked worse or stopped), or
  when the diary shows a flare-up that week;
* **step up** when at least one session was done, none of the above happened, and at least one
  session is known to have settled by the next day (a rating the next day no higher than before);
* otherwise **hold** (no sessions, or nothing rated the next day), saying what was missing.

A ``see_professional`` diary advice **pauses** progression: no step up until the person says
they have been seen (stepping back still applies: it is the safe direction).

What a dose level means, kept simple on purpose and conservative (one change a week, so the next
day's pain can judge it). Level 0 is the routine as the planner fits it. Each step up follows the
order the issue asks and the NHS sources give (more repetitions first, NHS Inform, brief 3.0
"Volume"; then longer holds, e.g. the Mayo bird dog's "up to 10 seconds"; then a harder form,
South Tees NHS for the bridge):

* level 1: one more round of every technique, never past its ``max_rounds`` (the content
  author's dose cap);
* levels 2 and 3: that, and each hold lengthened half way, then all the way, to the step's
  ``max_seconds`` (its safe hold range; steps without one keep their hold);
* levels 4 and 5: the technique's harder forms in the order its file lists them (the second
  level is the next harder form, or the last one with longer holds), back at the planned
  rounds, and only where :func:`backrelief.core.conditions.harder_forms` allows one for this
  person; a technique without one stays at the level-3 dose.

Level -1 (stepped back) takes a round off where there is more than one, keeps every hold as
written and the standard or safer form, and keeps to gentle techniques. A step back never
increases any technique's dose (:func:`dose_rank` orders them).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from backrelief.core.catalog import HOLD_STAGES, Catalog, dosed_steps
from backrelief.core.conditions import harder_forms
from backrelief.core.planner import Profile, Routine, RoutineItem, plan_routine
from backrelief.core.timeline import item_seconds

# Silbernagel 2007 (pain-monitoring model): pain up to 5 on a 0-10 scale during exercise is
# acceptable, and it should have settled by the next morning.
ACCEPTABLE_PAIN = 5
MIN_WEEKS, MAX_WEEKS, DEFAULT_WEEKS = 1, 12, 6
DEFAULT_DAYS: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday to Friday: 5 sessions a week
DEFAULT_TIME = time(18, 0)
MIN_LEVEL, MAX_LEVEL = -1, 5
HARDER_FROM = 4  # the first level that uses a harder form
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Education pages in the order a programme schedules them, one a week; pages the catalogue does
# not hold are skipped, and the list repeats when the programme is longer.
EDUCATION_ORDER: tuple[str, ...] = (
    "stay-active", "when-to-see-a-professional", "pain-relief", "sleep-and-positions",
    "work-and-sitting", "heat-and-cold", "see-a-physiotherapist", "the-pop",
    "why-not-roll-the-lower-back",
)

Change = Literal["start", "up", "down", "hold", "paused"]
DayKind = Literal["session", "checkin"]


class ProgrammeError(ValueError):
    """A programme setting is out of range; ``field`` names it."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class ProgrammePlan:
    """What a person chose when starting: the first day, how long, which weekdays, what time."""

    start: date
    weeks: int = DEFAULT_WEEKS
    days: tuple[int, ...] = DEFAULT_DAYS
    at: time = DEFAULT_TIME

    def __post_init__(self) -> None:
        if isinstance(self.weeks, bool) or not isinstance(self.weeks, int) \
                or not MIN_WEEKS <= self.weeks <= MAX_WEEKS:
            raise ProgrammeError("weeks", f"must be a whole number from {MIN_WEEKS} to {MAX_WEEKS}, "
                                 f"got {self.weeks!r}")
        days = tuple(sorted(set(self.days)))
        if not days:
            raise ProgrammeError("days", "choose at least one day of the week")
        for day in days:
            if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
                raise ProgrammeError("days", f"unknown day {day!r}; use {', '.join(WEEKDAY_NAMES)}")
        object.__setattr__(self, "days", days)

    @property
    def end(self) -> date:
        """The last day of the programme."""
        return self.start + timedelta(days=7 * self.weeks - 1)

    def week_of(self, day: date) -> int | None:
        """The programme week (1-based) ``day`` falls in, or None outside the programme."""
        if day < self.start or day > self.end:
            return None
        return (day - self.start).days // 7 + 1

    def week_dates(self, week: int) -> tuple[date, date]:
        """First and last day of ``week``."""
        first = self.start + timedelta(days=7 * (week - 1))
        return first, first + timedelta(days=6)


def parse_days(text: str) -> tuple[int, ...]:
    """``"mon,wed,fri"`` (names or their first three letters) -> weekday numbers."""
    days: list[int] = []
    for raw in text.split(","):
        word = raw.strip().lower()
        if not word:
            continue
        matches = [i for i, name in enumerate(WEEKDAY_NAMES) if len(word) >= 3 and name.startswith(word)]
        if not matches:
            raise ProgrammeError("days", f"unknown day {raw.strip()!r}; use e.g. mon,tue,thu")
        days.append(matches[0])
    if not days:
        raise ProgrammeError("days", "choose at least one day of the week")
    return tuple(sorted(set(days)))


@dataclass(frozen=True)
class PlannedDay:
    """One day of the programme with something on it."""

    day: date
    week: int
    kind: DayKind
    education: str | None = None  # an education page id to read that day

    def to_json(self) -> dict[str, Any]:
        """The day as ``programme show --json`` lists it."""
        return {"date": self.day.isoformat(), "week": self.week, "kind": self.kind,
                "education": self.education}


def schedule(plan: ProgrammePlan, education_ids: Sequence[str] = ()) -> list[PlannedDay]:
    """Every session and check-in of the programme, in date order.

    ``education_ids``: the pages the catalogue holds; they are scheduled in
    :data:`EDUCATION_ORDER`, one on the first session day of each week.
    """
    pages = [page for page in EDUCATION_ORDER if page in set(education_ids)]
    pages += sorted(set(education_ids) - set(pages))
    days: list[PlannedDay] = []
    for week in range(1, plan.weeks + 1):
        first, _ = plan.week_dates(week)
        days.append(PlannedDay(first, week, "checkin"))
        sessions = sorted(first + timedelta(days=(weekday - first.weekday()) % 7)
                          for weekday in plan.days)
        for index, day in enumerate(sessions):
            page = pages[(week - 1) % len(pages)] if pages and index == 0 else None
            days.append(PlannedDay(day, week, "session", page))
    days.append(PlannedDay(plan.end + timedelta(days=1), plan.weeks, "checkin"))
    days.sort(key=lambda d: (d.day, d.kind != "checkin"))
    return days


@dataclass(frozen=True)
class SessionResponse:
    """How one programme session went, as the diary recorded it.

    ``during``: the pain rated just after the session (the nearest the diary has to "during");
    ``next_day``: the first rating on the calendar day after it (None: not rated);
    ``hurt``: stopped because it hurt, or a technique marked worse or stopped.
    """

    day: date
    before: int | None = None
    during: int | None = None
    next_day: int | None = None
    hurt: bool = False


@dataclass(frozen=True)
class WeekDose:
    """The dose of one week and the reason it changed (or did not).

    Each of ``reasons`` is a whole sentence that starts with its verdict ("Stepped up: ...",
    "Kept the same: ...", "Not decided yet: ..."): pages and commands show them as they are,
    never with a label of their own in front."""

    week: int
    level: int
    change: Change
    reasons: tuple[str, ...]
    decided: bool = True  # False for weeks that have not started: their dose is not known yet

    @property
    def extra_rounds(self) -> int:
        """Rounds added to each technique (negative: taken off; 0 again once a harder form is
        used, which starts back at the planned rounds)."""
        if self.level < 0:
            return -1
        return 1 if 1 <= self.level < HARDER_FROM else 0

    @property
    def hold(self) -> int:
        """How far holds are lengthened: stages of :data:`backrelief.core.catalog.HOLD_STAGES`."""
        return min(HOLD_STAGES, self.level - 1) if 2 <= self.level < HARDER_FROM else 0

    @property
    def harder(self) -> int:
        """How many steps into a technique's harder forms (0: the standard or safer form)."""
        return self.level - HARDER_FROM + 1 if self.level >= HARDER_FROM else 0

    @property
    def gentle_only(self) -> bool:
        """A stepped-back week keeps to gentle techniques."""
        return self.level < 0

    @property
    def what(self) -> str:
        """What this week's level does, in words."""
        return LEVEL_WORDS[self.level]

    def to_json(self) -> dict[str, Any]:
        """The week's dose as ``programme show --json`` shows it."""
        return {"week": self.week, "level": self.level, "change": self.change,
                "extra_rounds": self.extra_rounds, "hold": self.hold, "harder": self.harder,
                "gentle_only": self.gentle_only, "what": self.what,
                "reasons": list(self.reasons), "decided": self.decided}


# What each level does, in the words every page and command shows.
LEVEL_WORDS: dict[int, str] = {
    -1: "a lighter dose: one round fewer, gentle techniques only",
    0: "the routine as planned for you",
    1: "one more round of each technique",
    2: "one more round, and longer holds (half way to each technique's safe limit)",
    3: "one more round, and holds at each technique's safe limit",
    4: "the harder form of a technique where there is one you can safely do",
    5: "the next harder form (or longer holds in it) where there is one",
}


def _problems(responses: Sequence[SessionResponse], flare_up: bool) -> list[str]:
    problems: list[str] = []
    for r in responses:
        when = r.day.strftime("%a %d %b")
        if r.during is not None and r.during > ACCEPTABLE_PAIN:
            problems.append(f"pain went to {r.during}/10 in the session on {when}, above "
                            f"{ACCEPTABLE_PAIN}/10")
        if r.next_day is not None and r.before is not None and r.next_day > r.before:
            problems.append(f"pain was worse the day after the session on {when} "
                            f"({r.before}/10 before, {r.next_day}/10 the next day)")
        if r.hurt:
            problems.append(f"the session on {when} was stopped or a technique made it worse")
    if flare_up:
        problems.append("the diary shows a flare-up this week")
    return problems


def _settled(r: SessionResponse) -> bool:
    return r.next_day is not None and (r.before is None or r.next_day <= r.before)


def next_dose(previous: WeekDose, responses: Sequence[SessionResponse], *, flare_up: bool,
              paused: bool) -> WeekDose:
    """The dose of the week after ``previous``, from how that week's sessions went.

    The pain-monitoring model (Silbernagel et al. 2007): pain up to 5/10 that settles by the
    next day allows a step up; more, or worse the next day, steps back. See the module docstring.
    """
    week = previous.week + 1
    problems = _problems(responses, flare_up)
    if problems:
        level = max(MIN_LEVEL, previous.level - 1)
        words = "Stepped back" if level < previous.level else "Kept at the lightest dose"
        return WeekDose(week, level, "down", (f"{words}: {problems[0]}.", *(
            f"Also: {p}." for p in problems[1:])))
    if paused:
        return WeekDose(week, previous.level, "paused", (
            "Not stepped up: your diary advises seeing a professional. Progression waits until "
            "you say you have been seen.",))
    if not responses:
        return WeekDose(week, previous.level, "hold", ("Kept the same: no sessions were recorded "
                                                       "last week.",))
    if not any(_settled(r) for r in responses):
        return WeekDose(week, previous.level, "hold", (
            "Kept the same: rate your pain the day after a session, so the programme can tell "
            "it settled.",))
    if previous.level >= MAX_LEVEL:
        return WeekDose(week, previous.level, "hold", (
            "Kept at the fullest dose: pain stayed at 5/10 or less and settled by the next day.",))
    count = len(responses)
    level = previous.level + 1
    return WeekDose(week, level, "up", (
        f"Stepped up: pain stayed at {ACCEPTABLE_PAIN}/10 or less in {count} session"
        f"{'s' if count != 1 else ''} and settled by the next day, with no flare-up. This week: "
        f"{LEVEL_WORDS[level]}.",))


def first_dose() -> WeekDose:
    """Week 1: the routine as the planner fits it."""
    return WeekDose(1, 0, "start", ("The first week: the routine as planned for you.",))


@dataclass(frozen=True)
class WeekEvidence:
    """What the diary says about one week, for :func:`progression`."""

    responses: tuple[SessionResponse, ...] = ()
    flare_up: bool = False


def progression(plan: ProgrammePlan, evidence: Mapping[int, WeekEvidence], today: date, *,
                paused: bool) -> list[WeekDose]:
    """The dose of every week: decided from the week before for weeks that have started, and
    shown as "not decided yet" for later ones. ``paused`` applies to the decisions made now
    (the current week's), since the store knows the diary's advice as of today only.
    """
    doses = [first_dose()]
    current = plan.week_of(today) or (plan.weeks if today > plan.end else 0)
    for week in range(2, plan.weeks + 1):
        previous = doses[-1]
        if week > current:
            doses.append(WeekDose(week, previous.level, "hold",
                                  (f"Not decided yet: decided after week {week - 1}, from how its "
                                   "sessions go.",),
                                  decided=False))
            continue
        seen = evidence.get(week - 1, WeekEvidence())
        doses.append(next_dose(previous, seen.responses, flare_up=seen.flare_up,
                               paused=paused and week == current))
    return doses


def week_routine(profile: Profile, dose: WeekDose, catalog: Catalog,
                 avoid: Collection[str] | Mapping[str, str] = frozenset()) -> Routine:
    """The routine a week's dose gives for ``profile``: the planner's fit, then the dose.

    A stepped-back week plans gentle techniques only; the planner would then give the ones left
    more rounds to fill the time, so each is capped at a round fewer than the full plan gives it
    (a step back never increases any technique's dose)."""
    if not dose.gentle_only:
        return dose_routine(plan_routine(profile, catalog, avoid=avoid), dose, catalog, profile)
    full = {item.technique: item.rounds for item in plan_routine(profile, catalog, avoid=avoid).items}
    gentle = replace(profile, gentle_only=True)
    routine = dose_routine(plan_routine(gentle, catalog, avoid=avoid), dose, catalog, gentle)
    items: list[RoutineItem] = []
    for item in routine.items:
        cap = max(1, full[item.technique] - 1) if item.technique in full else item.rounds
        if item.rounds > cap:
            steps = dosed_steps(_steps(catalog, item), item.hold)
            lead = item.seconds - item_seconds(steps, item.rounds)
            item = replace(item, rounds=cap, seconds=item_seconds(steps, cap) + lead)
        items.append(item)
    return replace(routine, items=tuple(items), seconds=sum(i.seconds for i in items))


def dose_routine(routine: Routine, dose: WeekDose, catalog: Catalog, profile: Profile) -> Routine:
    """``routine`` with the week's dose applied to each technique (see the module docstring):
    rounds within 1 and ``max_rounds``, holds within each step's ``max_seconds``, a harder form
    only where :func:`backrelief.core.conditions.harder_forms` allows it for ``profile``; the
    seconds recomputed with the same expansion the players play
    (:func:`backrelief.core.timeline.item_seconds`)."""
    items = tuple(_dosed_item(item, dose, catalog, profile) for item in routine.items)
    total = sum(item.seconds for item in items)
    note = dose_note(dose)
    advice = (*routine.advice, note) if note else routine.advice
    return replace(routine, items=items, seconds=total, advice=advice)


def _steps(catalog: Catalog, item: RoutineItem) -> list[Any]:
    technique = catalog.technique(item.technique)
    if item.variant is None:
        return list(technique.steps)
    return list(technique.variant(item.variant).steps or technique.steps)


def _dosed_item(item: RoutineItem, dose: WeekDose, catalog: Catalog,
                profile: Profile) -> RoutineItem:
    technique = catalog.technique(item.technique)
    rounds = min(technique.max_rounds, max(1, item.rounds + dose.extra_rounds))
    hold, variant, name, intensity = dose.hold, item.variant, item.name, item.intensity
    position, equipment, why = item.position, item.equipment, item.why
    forms = harder_forms(technique, profile.restrictions, profile.equipment,
                         gentle_only=profile.gentle, no_floor=profile.no_floor) \
        if dose.harder and item.variant is None else []
    if forms:
        form = forms[min(dose.harder, len(forms)) - 1]
        hold = min(HOLD_STAGES, max(0, dose.harder - len(forms)))
        rounds = min(technique.max_rounds, item.rounds)
        variant, name = form.id, form.name
        intensity = form.intensity or technique.intensity
        position = form.position or technique.position
        if form.equipment is not None:
            equipment = tuple(form.equipment)
        why = f"{why} Done as '{form.name}', its harder form: {form.summary}"
    elif dose.harder:  # no harder form for this person: the level-3 dose, never less
        rounds = min(technique.max_rounds, item.rounds + 1)
        hold = HOLD_STAGES
    if (rounds, hold, variant) == (item.rounds, item.hold, item.variant):
        return item
    lead = item.seconds - item_seconds(dosed_steps(_steps(catalog, item), item.hold), item.rounds)
    dosed = replace(item, rounds=rounds, hold=hold, variant=variant, name=name,
                    intensity=intensity, position=position, equipment=equipment, why=why)
    seconds = item_seconds(dosed_steps(_steps(catalog, dosed), hold), rounds) + lead
    return replace(dosed, seconds=seconds)


def dose_rank(item: RoutineItem, catalog: Catalog) -> tuple[int, int, int]:
    """How demanding an item's dose is, to compare two weeks of the same technique: the harder
    form's place (0 for the standard or a safer form), then rounds, then the hold stage."""
    technique = catalog.technique(item.technique)
    harder_ids = [form.id for form in technique.harder]
    form_rank = harder_ids.index(item.variant) + 1 if item.variant in harder_ids else 0
    return form_rank, item.rounds, item.hold


def held_seconds(item: RoutineItem, catalog: Catalog) -> list[int]:
    """The hold of every held step as this item plays it (``hold`` applied)."""
    return [step.seconds for step in dosed_steps(_steps(catalog, item), item.hold)
            if step.seconds is not None and step.reps is not None]


def dose_change(planned: RoutineItem | None, dosed: RoutineItem, catalog: Catalog) -> str:
    """What this week does to one technique compared with the routine as planned, in words."""
    if planned is None:
        return "added this week, in place of a technique left out"
    if planned == dosed:
        return "as planned"
    parts: list[str] = []
    if dosed.variant != planned.variant:
        parts.append(f"harder form: {dosed.name}")
    if dosed.rounds != planned.rounds:
        parts.append(f"{dosed.rounds} round{'s' if dosed.rounds != 1 else ''} "
                     f"(planned {planned.rounds})")
    before, after = held_seconds(planned, catalog), held_seconds(dosed, catalog)
    if after != before and dosed.variant == planned.variant:
        parts.append("holds " + ", ".join(f"{s} s" for s in after) + " (planned "
                     + ", ".join(f"{s} s" for s in before) + ")")
    return "; ".join(parts) or "as planned"


def dose_note(dose: WeekDose) -> str | None:
    """One line for the routine's advice saying how this week's dose differs, if it does."""
    if dose.level == 0:
        return None
    return f"Programme week {dose.week}: {LEVEL_WORDS[dose.level]}."


@dataclass(frozen=True)
class Checkin:
    """A weekly check-in: patient-specific function, sleep and confidence, each 0-10.

    Function in our own words after the Patient-Specific Functional Scale (Stratford et al. 1995,
    clinical brief 5.2): up to three activities the back makes hard, each rated 0 (can't do it)
    to 10 (as well as before the back trouble). ``sleep``: 0 = back pain does not disturb sleep,
    10 = it disturbs it every night. ``confidence``: 0 = not at all confident to manage the
    back, 10 = completely.
    """

    at: datetime
    week: int
    activities: Mapping[str, int] = field(default_factory=dict)
    sleep: int | None = None
    confidence: int | None = None

    @property
    def function(self) -> float | None:
        """The mean of the activity scores (the scale's score), or None without any."""
        if not self.activities:
            return None
        return sum(self.activities.values()) / len(self.activities)


# Clinical brief 5.2: a change of about 2 points in the average score of the
# patient-specific scale is beyond measurement error (Stratford 1995, MDC90).
FUNCTION_MEANINGFUL_CHANGE = 2.0
MAX_ACTIVITIES = 3


def function_change(checkins: Sequence[Checkin]) -> tuple[float, bool] | None:
    """Latest function score minus the first, and whether that is a meaningful change (2+)."""
    scored = [c.function for c in checkins if c.function is not None]
    if len(scored) < 2:
        return None
    change = scored[-1] - scored[0]
    return change, abs(change) >= FUNCTION_MEANINGFUL_CHANGE


def check_checkin(activities: Mapping[str, object], sleep: object, confidence: object
                  ) -> tuple[dict[str, int], int | None, int | None]:
    """Validate a check-in's answers; raises :class:`ProgrammeError` naming the field."""
    if len(activities) > MAX_ACTIVITIES:
        raise ProgrammeError("activities", f"name at most {MAX_ACTIVITIES} activities")
    clean: dict[str, int] = {}
    for name, score in activities.items():
        label = " ".join(str(name).split())
        if not label or len(label) > 80:
            raise ProgrammeError("activities", "each activity needs a name of 1 to 80 characters")
        clean[label] = _score(f"activities.{label}", score)
    return (clean, None if sleep is None else _score("sleep", sleep),
            None if confidence is None else _score("confidence", confidence))


def _score(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ProgrammeError(name, f"must be a whole number from 0 to 10, got {value!r}")
    return value
