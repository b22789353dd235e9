"""Profile + Catalog (+ diary history) -> Routine: a routine a physiotherapist would recognise.

Shape: settle (a rest position or a seated start) -> gentle mobility -> release with tools, if
any are at hand -> strength, when time and pain allow -> a calm finish. Within a part, techniques
follow the floor upwards (lying, all fours, kneeling, seated, standing), and the middle parts keep
floor work together, so nobody gets up and down for nothing. Sides are balanced by the timeline
(every one-sided dose is done on both sides).

Kit: a technique that uses the equipment the person ticked comes early in the order of
importance, so kit that suits the region is used even in a short routine.

Time: every technique is sized by :func:`backrelief.core.timeline.item_seconds`, the same
expansion the players play (including the longer lead-in when the person has to get down to or up
from the floor). Techniques are added in order of importance, then rounds (up to the technique's
``max_rounds``, the content author's dose cap), until the total is within 10% of the minutes
asked. Lying still (a rest-only technique) takes at most a quarter of the time (40% from 30
minutes), so short routines are mostly movement. With pain of 7 or more the routine is capped at
``HIGH_PAIN_MAX_MINUTES`` and the advice says why. When the safe techniques cannot fill the time
without going past their dose caps, the routine is shorter and the advice says so: repeating past
the cap is not offered.

Avoid: ``avoid`` leaves techniques out with a reason, either a collection of ids ("made pain
worse last time") or a mapping of id -> reason in plain words (the diary's per-technique memory).

Determinism: the same inputs always give the same routine; ``seed`` only reorders equals.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from backrelief.core.catalog import Catalog, Role, Technique
from backrelief.core.conditions import (
    OFF_FLOOR_POSITIONS,
    Form,
    Restrictions,
    choose_form,
    condition_advice,
    default_conditions,
)
from backrelief.core.timeline import (
    FLOOR_CHANGE_LEAD,
    TECHNIQUE_LEAD,
    position_lead,
    technique_durations,
)
from backrelief.core.vocabulary import (
    MAX_MINUTES,
    MIN_MINUTES,
    ConditionId,
    Equipment,
    Intensity,
    Position,
    Region,
)

RegionChoice = Literal["upper", "lower", "whole"]
REGION_CHOICES: tuple[str, ...] = get_args(RegionChoice)
CONDITION_IDS: tuple[ConditionId, ...] = get_args(ConditionId)
EQUIPMENT_IDS: tuple[Equipment, ...] = get_args(Equipment)

MAX_PREGNANCY_WEEKS = 45
# DESIGN.md (screen question pain_now): 7 or more out of 10 -> gentle techniques only.
GENTLE_ONLY_FROM_PAIN = 7
FIT_TOLERANCE = 0.10  # DESIGN.md: the total lands within 10% of the minutes asked
# Pain 7+: short gentle sessions rather than a long one (NICE NG59: keep active, little and often;
# a cautious choice for unsupervised exercise).
HIGH_PAIN_MAX_MINUTES = 15
# Lying still (rest-only techniques) takes at most this share of the time: a quarter in short
# routines, so they are mostly movement; more in long ones, where rest between work is welcome.
REST_SHARE, LONG_REST_SHARE, LONG_FROM_MINUTES = 0.25, 0.4, 30
AVOID_REASON = "made pain worse last time"
SECONDS_PER_TECHNIQUE = 120
SEARCH_BUDGET = 4000  # nodes; a few milliseconds at most

_POSITION_FLOW: tuple[Position, ...] = (
    "supine", "side_lying", "prone", "all_fours", "kneeling", "seated", "standing",
)
_ROLE_ORDER: tuple[Role, ...] = ("settle", "mobility", "release", "strength", "finish")
_ROLE_WHY: dict[str, str] = {
    "settle": "To settle in.",
    "mobility": "Gentle movement.",
    "release": "Release with your kit.",
    "strength": "Support for the back.",
    "finish": "A calm finish.",
}


class ProfileError(ValueError):
    """A profile field is out of range or unknown; ``field`` names it."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class Profile:
    """What the planner needs to know about the person and today.

    ``pregnancy_weeks`` implies the ``pregnancy`` condition (giving the week only makes sense in
    pregnancy); pregnancy with the week unknown gets the conservative rules of 16 weeks on.
    ``gentle_only`` forces gentle techniques whatever the pain (the safety screen may ask for it).
    ``no_floor``: the person cannot easily get down to or up from the floor, so every item is
    seated or standing.
    """

    region: RegionChoice = "whole"
    equipment: frozenset[Equipment] = frozenset()
    minutes: int = 10
    conditions: frozenset[ConditionId] = frozenset()
    pregnancy_weeks: int | None = None
    pain: int | None = None
    gentle_only: bool = False
    no_floor: bool = False

    def __post_init__(self) -> None:
        if self.region not in REGION_CHOICES:
            raise ProfileError("region", f"unknown region {self.region!r}; use {_listing(REGION_CHOICES)}")
        for item in self.equipment:
            if item not in EQUIPMENT_IDS:
                raise ProfileError("equipment", f"unknown equipment {item!r}; use {_listing(EQUIPMENT_IDS)}")
        for condition in self.conditions:
            if condition not in CONDITION_IDS:
                raise ProfileError(
                    "condition", f"unknown condition {condition!r}; use {_listing(CONDITION_IDS)}"
                )
        _check_int("minutes", self.minutes, MIN_MINUTES, MAX_MINUTES)
        if not isinstance(self.no_floor, bool):
            raise ProfileError("no_floor", f"must be true or false, got {self.no_floor!r}")
        if self.pain is not None:
            _check_int("pain", self.pain, 0, 10)
        if self.pregnancy_weeks is not None:
            _check_int("pregnancy_weeks", self.pregnancy_weeks, 0, MAX_PREGNANCY_WEEKS)
        object.__setattr__(self, "equipment", frozenset(self.equipment))
        conditions = frozenset(self.conditions)
        if self.pregnancy_weeks is not None:
            conditions |= {"pregnancy"}
        object.__setattr__(self, "conditions", conditions)

    @property
    def regions(self) -> frozenset[Region]:
        """The parts of the back asked for."""
        return frozenset(("upper", "lower")) if self.region == "whole" else frozenset((self.region,))

    @property
    def gentle(self) -> bool:
        """True when only gentle techniques may be planned."""
        return self.gentle_only or (self.pain is not None and self.pain >= GENTLE_ONLY_FROM_PAIN)

    @property
    def high_pain(self) -> bool:
        """True when today's pain is 7 or more (the routine is then capped in length)."""
        return self.pain is not None and self.pain >= GENTLE_ONLY_FROM_PAIN

    @property
    def target_minutes(self) -> int:
        """The minutes the planner fills: those asked, capped for high pain."""
        return min(self.minutes, HIGH_PAIN_MAX_MINUTES) if self.high_pain else self.minutes

    @property
    def restrictions(self) -> Restrictions:
        """The conditions in the form the condition rules read."""
        return Restrictions(self.conditions, self.pregnancy_weeks)


NO_FLOOR_SUGGEST_AGE = 65


def suggest_no_floor(age: object, conditions: Iterable[str]) -> bool:
    """True when "I can't easily get down to the floor" should be offered first: people 65 or
    over, or with osteoporosis (the latest screen's ``age`` and ``fragility_risk``)."""
    old_enough = isinstance(age, int) and not isinstance(age, bool) and age >= NO_FLOOR_SUGGEST_AGE
    return old_enough or "osteoporosis" in set(conditions)


def _listing(values: Iterable[str]) -> str:
    return ", ".join(values)


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProfileError(name, f"must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise ProfileError(name, f"must be between {low} and {high}, got {value}")


@dataclass(frozen=True)
class RoutineItem:
    """One technique in a routine, in the form (standard or variant) it is done."""

    technique: str
    name: str
    role: Role
    position: Position
    equipment: tuple[Equipment, ...]
    intensity: Intensity
    variant: str | None
    rounds: int
    seconds: int
    why: str
    hold: int = 0  # a programme's longer holds: stages of core.catalog.Step.held (0: as written)

    def to_json(self) -> dict[str, Any]:
        """The item as DESIGN.md's ``plan --json`` shows it."""
        return {
            "technique": self.technique,
            "name": self.name,
            "position": self.position,
            "equipment": list(self.equipment),
            "seconds": self.seconds,
            "variant": self.variant,
            "rounds": self.rounds,
            "hold": self.hold,
            "role": self.role,
            "intensity": self.intensity,
            "why": self.why,
        }


@dataclass(frozen=True)
class Exclusion:
    """A technique left out, with each condition or choice that left it out."""

    technique: str
    reasons: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The exclusion as ``plan --json`` shows it."""
        return {"technique": self.technique, "reasons": list(self.reasons)}

    def describe(self, catalog: Catalog) -> tuple[str, str]:
        """The technique's name and its reasons in plain words, as every page and command shows
        them: ``("Ball massage, glutes", "Osteoporosis or thin bones: ...; needs a tennis ball")``.
        """
        technique = catalog.techniques.get(self.technique)
        name = technique.name if technique is not None else self.technique.replace("-", " ")
        words = "; ".join(reason_words(reason) for reason in self.reasons)
        return name, words[:1].upper() + words[1:]


def reason_words(reason: str) -> str:
    """One exclusion reason (``"<condition or choice>: <why>"``) in plain words for people."""
    head, found, rest = reason.partition(": ")
    if not found:
        return reason
    rules = default_conditions()
    if head in rules:
        return f"{rules[head].name}: {rest}"
    if head == "pain 7+":
        return f"pain of 7 or more today: {rest}"
    return rest


@dataclass(frozen=True)
class Routine:
    """A planned routine: items in order, total seconds, what was left out and advice."""

    items: tuple[RoutineItem, ...]
    seconds: int
    excluded: tuple[Exclusion, ...]
    advice: tuple[str, ...]
    asked_seconds: int = 0  # the time filled: the minutes asked, capped for high pain
    short: bool = False  # True when the safe techniques could not fill the time

    def to_json(self) -> dict[str, Any]:
        """The routine exactly as DESIGN.md's ``plan --json`` contract shows it."""
        return {
            "items": [item.to_json() for item in self.items],
            "seconds": self.seconds,
            "excluded": [exclusion.to_json() for exclusion in self.excluded],
            "advice": list(self.advice),
        }


@dataclass
class _Candidate:
    technique: Technique
    form: Form
    equipment: tuple[Equipment, ...]
    durations: list[int]  # durations[r - 1] = seconds for r rounds
    role: Role = "mobility"
    rounds: int = 0  # 0 = not in the routine
    extra_lead: int = 0  # seconds added to the lead-in to get down to or up from the floor

    @property
    def seconds(self) -> int:
        return self.durations[self.rounds - 1] + self.extra_lead if self.rounds else 0

    @property
    def rest_only(self) -> bool:
        """True for lying still: a technique whose only parts are settling and finishing."""
        return set(self.technique.roles) <= {"settle", "finish"}

    @property
    def uses_kit(self) -> bool:
        return bool(self.equipment)

    def next_step(self) -> int | None:
        """Seconds added by one more round (or by joining), None at the dose cap."""
        if self.rounds >= len(self.durations):
            return None
        return self.durations[self.rounds] - self.seconds


def _region_words(regions: Iterable[str]) -> str:
    return " and ".join(sorted(regions, key=("upper", "lower").index))


def _avoid_reasons(avoid: Collection[str] | Mapping[str, str]) -> dict[str, str]:
    if isinstance(avoid, Mapping):
        return {str(key): str(value) or AVOID_REASON for key, value in avoid.items()}
    return dict.fromkeys(avoid, AVOID_REASON)


def plan_routine(
    profile: Profile,
    catalog: Catalog,
    avoid: Collection[str] | Mapping[str, str] = frozenset(),
    seed: int | None = None,
) -> Routine:
    """Plan a routine for ``profile`` from ``catalog``.

    ``avoid`` holds technique ids to leave out: a collection (reason "made pain worse last
    time") or a mapping of id -> the reason in plain words, shown as ``avoid: <reason>``;
    ``seed`` varies the choice between equally good techniques (None: by id).
    """
    rules = default_conditions()
    avoided = _avoid_reasons(avoid)
    excluded: list[Exclusion] = []
    candidates: list[_Candidate] = []
    for technique in catalog.ordered():
        reasons: list[str] = []
        if technique.id in avoided:
            reasons.append(f"avoid: {avoided[technique.id]}")
        if not set(technique.regions) & profile.regions:
            reasons.append(f"region: works the {_region_words(technique.regions)} back, not the "
                           f"{_region_words(profile.regions)} back you chose")
        choice = choose_form(technique, profile.restrictions, profile.equipment,
                             gentle_only=profile.gentle, rules=rules, no_floor=profile.no_floor)
        reasons.extend(choice.reasons)
        if reasons or choice.form is None:
            excluded.append(Exclusion(technique.id, tuple(reasons)))
            continue
        durations = technique_durations(choice.form.steps, technique.max_rounds)
        candidates.append(_Candidate(technique, choice.form, choice.equipment, durations))

    ordered = _preference_order(candidates, profile, seed)
    priority = _assign_roles(ordered)
    target = profile.target_minutes * 60
    chosen = _fit_with_leads(priority, target)
    total = sum(c.seconds for c in chosen)
    for candidate in priority:
        if not candidate.rounds:
            excluded.append(Exclusion(candidate.technique.id, (_unused_reason(candidate, chosen,
                                                                              profile),)))
    excluded.sort(key=lambda e: e.technique)
    items = tuple(_item(c, profile) for c in chosen)
    short = total < target * (1 - FIT_TOLERANCE)
    advice = _advice(profile, total, short, bool(items), rules)
    return Routine(items, total, tuple(excluded), tuple(advice), target, short)


def _set_leads(chosen: list[_Candidate]) -> None:
    previous = None
    for candidate in chosen:
        candidate.extra_lead = position_lead(previous, candidate.form.position) - TECHNIQUE_LEAD
        previous = candidate.form.position


def _fit_with_leads(priority: list[_Candidate], target: int) -> list[_Candidate]:
    """Fit, order, and fit again keeping back the time the floor changes of that order take,
    until the total with its lead-ins lands within the tolerance (a few passes at most)."""
    low, high = target * (1 - FIT_TOLERANCE), target * (1 + FIT_TOLERANCE)
    tries = [changes * (FLOOR_CHANGE_LEAD - TECHNIQUE_LEAD) for changes in range(4)]
    best: tuple[float, list[int]] | None = None
    for reserved in tries:  # no floor change, one, two, three: the usual shapes
        for candidate in priority:
            candidate.rounds = candidate.extra_lead = 0
        _fit(priority, target, reserved)
        chosen = _in_order([c for c in priority if c.rounds])
        _set_leads(chosen)
        total = sum(c.seconds for c in chosen)
        if low <= total <= high:
            return chosen
        miss = abs(total - target) if total <= high else math.inf
        if best is None or miss < best[0]:
            best = (miss, [c.rounds for c in priority])
    assert best is not None
    for candidate, rounds in zip(priority, best[1], strict=True):
        candidate.rounds = rounds
    return _fit_leads(priority, target)


def _fit_leads(priority: list[_Candidate], target: int) -> list[_Candidate]:
    """Order the chosen techniques and add the time to get down to or up from the floor.

    The fit counted the ordinary lead-in; when the extra lead-ins take the total past the
    tolerance, a round (or, with one round left, the least important technique) comes off.
    """
    high = target * (1 + FIT_TOLERANCE)
    while True:
        chosen = _in_order([c for c in priority if c.rounds])
        _set_leads(chosen)
        total = sum(c.seconds for c in chosen)
        if total <= high or not chosen:
            return chosen
        trimmable = [c for c in chosen if c.rounds > 1]
        if trimmable:
            best = min(trimmable, key=lambda c: abs(
                total - (c.durations[c.rounds - 1] - c.durations[c.rounds - 2]) - target))
            best.rounds -= 1
        else:
            last = next(c for c in reversed(priority) if c.rounds)
            last.rounds, last.extra_lead = 0, 0


def _specificity(technique: Technique, profile: Profile) -> int:
    """2: works only the parts asked for; 1: also works other parts."""
    return 2 if set(technique.regions) <= profile.regions else 1


def _preference_order(candidates: list[_Candidate], profile: Profile,
                      seed: int | None) -> list[_Candidate]:
    """Best first: region fit, then (for the whole back) upper and lower taken in turn."""
    order = sorted(candidates, key=lambda c: c.technique.id)
    if seed is not None:
        random.Random(seed).shuffle(order)
    if profile.region != "whole":
        return sorted(order, key=lambda c: -_specificity(c.technique, profile))
    groups: dict[tuple[str, ...], list[_Candidate]] = {}
    for candidate in order:
        groups.setdefault(tuple(sorted(candidate.technique.regions)), []).append(candidate)
    lanes = [deque(groups[key]) for key in sorted(groups, key=lambda k: (-len(k), k))]
    merged: list[_Candidate] = []
    while any(lanes):
        for lane in lanes:
            if lane:
                merged.append(lane.popleft())
    return merged


def _best_for(role: Role, ordered: list[_Candidate]) -> _Candidate | None:
    """The candidate for ``role``: the one whose main purpose it is (listed first), then gentlest."""
    # One pass, comparing plain tuples: (main purpose first, gentlest, earliest in the order).
    best: tuple[int, bool, int] | None = None
    found: _Candidate | None = None
    for place, candidate in enumerate(ordered):
        roles = candidate.technique.roles
        if role not in roles:
            continue
        key = (roles.index(role), candidate.form.intensity != "gentle", place)
        if best is None or key < best:
            best, found = key, candidate
    return found


def _assign_roles(ordered: list[_Candidate]) -> list[_Candidate]:
    """Give each candidate its part in the routine; return them in the order they are added."""
    settle = _best_for("settle", ordered)
    rest = [c for c in ordered if c is not settle]
    finish = _best_for("finish", rest)
    if settle is not None:
        settle.role = "settle"
    if finish is not None:
        finish.role = "finish"
    lanes: dict[str, list[_Candidate]] = {"mobility": [], "release": [], "strength": []}
    leftovers: list[_Candidate] = []
    for candidate in rest:
        if candidate is finish:
            continue
        roles = candidate.technique.roles
        role = next((r for r in ("release", "strength", "mobility") if r in roles), None)
        if role is None:
            leftovers.append(candidate)  # only settle/finish: kept for when time is long
            candidate.role = "settle" if "settle" in roles else "finish"
            continue
        candidate.role = role
        lanes[role].append(candidate)
    for lane in lanes.values():  # the kit the person ticked first (a stable sort keeps the rest)
        lane.sort(key=lambda c: not c.uses_kit)
    mobility, release, strength = (deque(lanes[name]) for name in ("mobility", "release",
                                                                    "strength"))
    priority: list[_Candidate] = [c for c in (settle,) if c is not None]
    with_kit = next((queue for queue in (release, mobility, strength)
                     if queue and queue[0].uses_kit), None)
    if with_kit is not None:
        priority.append(with_kit.popleft())
    if mobility:
        priority.append(mobility.popleft())
    if finish is not None:
        priority.append(finish)
    while mobility or release or strength:
        for queue in (release, mobility, strength):
            if queue:
                priority.append(queue.popleft())
    return priority + leftovers


def _fit(priority: list[_Candidate], target: int, reserved: int = 0) -> int:
    """Choose techniques and rounds so the total lands as close to ``target`` as the caps allow.

    ``reserved`` seconds of the target are kept for the extra lead-ins of floor changes.
    """
    whole = target
    target = whole - reserved
    high = int(whole * (1 + FIT_TOLERANCE)) - reserved
    rest_cap = int(whole * (LONG_REST_SHARE if whole >= LONG_FROM_MINUTES * 60 else REST_SHARE))
    # About one technique per two minutes: fewer techniques done properly beats a long tour.
    room = max(2, math.ceil(whole / SECONDS_PER_TECHNIQUE))
    total = rest = 0

    def fits(candidate: _Candidate, step: int, limit: int) -> bool:
        return total + step <= limit and (not candidate.rest_only or rest + step <= rest_cap)

    for candidate in priority:  # one round of each, most important first, within the target
        step = candidate.next_step()
        if room and step is not None and fits(candidate, step, target):
            candidate.rounds, total, room = 1, total + step, room - 1
            rest += step if candidate.rest_only else 0
    grew = True
    while grew:  # more rounds, round-robin in order of importance, within the target
        grew = False
        for candidate in priority:
            step = candidate.next_step()
            if candidate.rounds and step is not None and fits(candidate, step, target):
                candidate.rounds, total, grew = candidate.rounds + 1, total + step, True
                rest += step if candidate.rest_only else 0
    while True:  # then the single move that lands closest to the target, up to +10%
        best: tuple[int, _Candidate] | None = None
        for candidate in priority:
            step = candidate.next_step()
            if step is None or not fits(candidate, step, high):
                continue
            if best is None or abs(total + step - target) < abs(total + best[0] - target):
                best = (step, candidate)
        if best is None or abs(total + best[0] - target) >= abs(total - target):
            break
        best[1].rounds += 1
        total += best[0]
        rest += best[0] if best[1].rest_only else 0
    low = math.ceil(whole * (1 - FIT_TOLERANCE)) - reserved
    if total < low:  # greedy steps too coarse (short routines): search for a combination
        found = _search(priority, low, high, rest_cap)
        if found is not None:
            for candidate, rounds in zip(priority, found, strict=True):
                candidate.rounds = rounds
            total = sum(candidate.seconds for candidate in priority)
    return total


class _SearchBudget(Exception):
    pass


def _search(priority: list[_Candidate], low: int, high: int, rest_cap: int,
            budget: int = SEARCH_BUDGET) -> list[int] | None:
    """Rounds per candidate with a total in [low, high], most important techniques first.

    Rest-only techniques together stay within ``rest_cap`` seconds.

    Depth-first in order of importance, fewest rounds first, so the first answer found keeps the
    routine's shape; bounded by ``budget`` nodes so planning stays fast when there is none. An
    explicit stack, not recursion: a large catalogue never meets Python's recursion limit.
    """
    count = len(priority)
    most = [0] * (count + 1)
    for index in range(count - 1, -1, -1):
        most[index] = most[index + 1] + priority[index].durations[-1]
    rounds = [0] * count
    visited = 0
    open_, done, found = 0, 1, 2

    def enter(index: int, total: int) -> int:
        nonlocal visited
        visited += 1
        if visited > budget:
            raise _SearchBudget
        if low <= total <= high:
            return found
        if index == count or total + most[index] < low:
            return done
        return open_

    # A frame: [index, total, rest, next option]; options are 1..rounds, then 0 (leave it out),
    # then -1 (every option tried).
    try:
        state = enter(0, 0)
        if state != open_:
            return rounds if state == found else None
        stack: list[list[int]] = [[0, 0, 0, 1]]
        while stack:
            frame = stack[-1]
            index, total, rest, option = frame
            candidate = priority[index]
            if option == -1:
                rounds[index] = 0
                stack.pop()
                continue
            if option >= 1:
                if option > len(candidate.durations):
                    frame[3] = 0
                    continue
                seconds = candidate.durations[option - 1]
                if total + seconds > high or (candidate.rest_only and rest + seconds > rest_cap):
                    frame[3] = 0  # more rounds only go further past the limit
                    continue
                rounds[index], frame[3] = option, option + 1
                child = [index + 1, total + seconds,
                         rest + (seconds if candidate.rest_only else 0), 1]
            else:
                rounds[index], frame[3] = 0, -1
                child = [index + 1, total, rest, 1]
            state = enter(child[0], child[1])
            if state == found:
                return rounds
            if state == open_:
                stack.append(child)
        return None
    except _SearchBudget:
        return None


def _in_order(chosen: list[_Candidate]) -> list[_Candidate]:
    """The routine's order: settle, the middle parts, finish; floor work kept together.

    The middle parts (mobility, release, strength) keep their order within two groups, on the
    floor and off it; the group that continues from the settle position (from standing, when
    there is no settle) comes first, so nobody gets up and down for nothing.
    """
    ordered = sorted(chosen, key=_routine_position)
    first = [c for c in ordered if c.role == "settle"]
    last = [c for c in ordered if c.role == "finish"]
    middle = [c for c in ordered if c.role not in ("settle", "finish")]
    start_off = not first or first[-1].form.position in OFF_FLOOR_POSITIONS
    same = [c for c in middle if (c.form.position in OFF_FLOOR_POSITIONS) == start_off]
    other = [c for c in middle if (c.form.position in OFF_FLOOR_POSITIONS) != start_off]
    return first + same + other + last


def _routine_position(candidate: _Candidate) -> tuple[int, int, str]:
    return (_ROLE_ORDER.index(candidate.role), _POSITION_FLOW.index(candidate.form.position),
            candidate.technique.id)


def _unused_reason(candidate: _Candidate, chosen: list[_Candidate], profile: Profile) -> str:
    same_role = [c.technique.name for c in chosen if c.role == candidate.role]
    if candidate.role in ("settle", "finish") and same_role:
        return f"choice: one {candidate.role} technique is enough ({same_role[0]})"
    if candidate.rest_only:
        return (f"time: lying still is kept to a short part of {profile.target_minutes} minutes, "
                "so the time goes on movement")
    return f"time: no room in {profile.target_minutes} minutes"


def _item(candidate: _Candidate, profile: Profile) -> RoutineItem:
    technique, variant = candidate.technique, candidate.form.variant
    why = f"{_ROLE_WHY[candidate.role]} {technique.benefit}"
    if variant is not None:
        for_stated = [c.replace("_", " ") for c in variant.for_conditions if c in profile.conditions]
        because = f" (because of {', '.join(for_stated)})" if for_stated else ""
        why += f" Done as '{variant.name}'{because}: {variant.summary}"
    return RoutineItem(
        technique=technique.id,
        name=variant.name if variant is not None else technique.name,
        role=candidate.role,
        position=candidate.form.position,
        equipment=candidate.equipment,
        intensity=candidate.form.intensity,
        variant=variant.id if variant is not None else None,
        rounds=candidate.rounds,
        seconds=candidate.seconds,
        why=why,
    )


def _advice(profile: Profile, total: int, short: bool, any_items: bool,
            rules: Any) -> list[str]:
    advice = condition_advice(profile.conditions, rules)
    if profile.gentle:
        advice.append(
            "Your pain is high today, so this routine keeps to gentle techniques. If pain this "
            "strong is new or is not settling, see your GP or a physiotherapist."
        )
    if profile.high_pain and profile.minutes > profile.target_minutes:
        advice.append(
            f"With pain this high, the routine is kept to about {profile.target_minutes} minutes "
            f"rather than {profile.minutes}: a short, gentle session you can repeat later in the "
            "day helps more than a long one. Use the rest of the time to walk a little and change "
            "position often."
        )
    if profile.no_floor:
        advice.append(
            "Everything here is done sitting or standing, as you asked. Use a sturdy chair "
            "without wheels, and keep something steady to hold nearby for standing work."
        )
    if not any_items:
        advice.append(
            "No technique in the library suits these choices today. Try another region or more "
            "equipment, or ask a physiotherapist for a plan that fits you."
        )
    elif short:
        advice.append(
            f"Only about {round(total / 60)} of the {profile.target_minutes} minutes you asked for can be "
            "filled with techniques that suit your choices, without going past a safe dose. A "
            "gentle walk is a good way to use the rest of the time."
        )
    advice.append(
        "Move slowly and only as far as is comfortable. Stop any movement that makes the pain "
        "worse or sends it down your leg."
    )
    return advice
