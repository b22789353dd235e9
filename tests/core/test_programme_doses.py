"""core.programme doses: more rounds, then longer holds, then harder forms; and back again.

The properties restate the rules directly: holds never pass a step's ``max_seconds``, a step
back never makes any technique more demanding, and a harder form never appears for a condition
or a choice that rules it out (its own contraindications, a category rule, gentle only, no floor).
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backrelief.core.catalog import HOLD_STAGES, default_catalog
from backrelief.core.conditions import OFF_FLOOR_POSITIONS
from backrelief.core.planner import Profile, RoutineItem, plan_routine
from backrelief.core.programme import (
    MAX_LEVEL,
    MIN_LEVEL,
    WeekDose,
    dose_change,
    dose_rank,
    dose_routine,
    held_seconds,
    week_routine,
)
from backrelief.core.timeline import build_timeline
from backrelief.core.vocabulary import CONDITION_IDS, EQUIPMENT

CATALOG = default_catalog()
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
profiles = st.builds(
    Profile,
    region=st.sampled_from(["upper", "lower", "whole"]),
    equipment=st.frozensets(st.sampled_from(EQUIPMENT)),
    minutes=st.integers(3, 40),
    conditions=st.frozensets(st.sampled_from(CONDITION_IDS), max_size=3),
    pregnancy_weeks=st.none() | st.integers(0, 40),
    pain=st.none() | st.integers(0, 10),
    no_floor=st.booleans(),
)
levels = st.integers(MIN_LEVEL, MAX_LEVEL)


def dose(level: int) -> WeekDose:
    return WeekDose(2, level, "up", ("test",))


def week(profile: Profile, level: int) -> tuple[RoutineItem, ...]:
    """The week's routine as the programme makes it (gentle and capped when stepped back)."""
    return week_routine(profile, dose(level), CATALOG).items


def test_the_ladder_goes_rounds_then_holds_then_harder_forms() -> None:
    profile = Profile(region="lower", minutes=15)
    planned = {i.technique: i for i in plan_routine(profile, CATALOG).items}
    assert "bridge" in planned and planned["bridge"].variant is None
    bridges = {level: next(i for i in week(profile, level) if i.technique == "bridge")
               for level in range(0, MAX_LEVEL + 1)}
    base = planned["bridge"]
    cap = CATALOG.technique("bridge").max_rounds
    assert bridges[0] == base
    assert (bridges[1].rounds, bridges[1].hold) == (min(cap, base.rounds + 1), 0)
    assert held_seconds(bridges[2], CATALOG) == [8]  # half way from 5 s to the 10 s limit
    assert held_seconds(bridges[3], CATALOG) == [10]
    assert (bridges[4].variant, bridges[4].rounds) == ("bridge-staggered", base.rounds)
    assert bridges[5].variant == "bridge-single-leg"
    assert "harder form: Single-leg bridge" in dose_change(base, bridges[5], CATALOG)
    assert "holds 10 s (planned 5 s)" in dose_change(base, bridges[3], CATALOG)
    for level in range(0, MAX_LEVEL + 1):
        routine = dose_routine(plan_routine(profile, CATALOG), dose(level), CATALOG, profile)
        assert build_timeline(routine, CATALOG)[-1].at == routine.seconds


def test_a_condition_that_forbids_the_harder_form_keeps_the_standard_one() -> None:
    for condition in ("knee_problem", "acute_strain"):
        profile = Profile(region="lower", minutes=15, conditions=frozenset({condition}))
        forms = {i.variant for i in week(profile, MAX_LEVEL) if i.technique == "bridge"}
        assert "bridge-single-leg" not in forms
    knee = Profile(region="lower", minutes=15, conditions=frozenset({"knee_problem"}))
    assert any(i.variant == "bridge-staggered" for i in week(knee, 4) if i.technique == "bridge")


@SETTINGS
@given(profile=profiles, level=levels)
def test_holds_stay_in_range_and_the_timeline_agrees(profile: Profile, level: int) -> None:
    if level < 0:
        profile = replace(profile, gentle_only=True)
    routine = dose_routine(plan_routine(profile, CATALOG), dose(level), CATALOG, profile)
    assert build_timeline(routine, CATALOG)[-1].at == routine.seconds
    for item in routine.items:
        technique = CATALOG.technique(item.technique)
        assert 1 <= item.rounds <= technique.max_rounds
        assert 0 <= item.hold <= HOLD_STAGES
        steps = (technique.variant(item.variant).steps or technique.steps) if item.variant \
            else technique.steps
        for step, held in zip(steps, [s.held(item.hold) for s in steps], strict=True):
            if step.seconds is not None:
                assert step.seconds <= held.seconds <= (step.max_seconds or step.seconds)  # type: ignore[operator]


@settings(SETTINGS, max_examples=300)
@given(profile=profiles, level=st.integers(MIN_LEVEL + 1, MAX_LEVEL))
def test_a_step_back_never_increases_a_dose(profile: Profile, level: int) -> None:
    higher = {i.technique: i for i in week(profile, level)}
    for item in week(profile, level - 1):
        if item.technique in higher:
            assert dose_rank(item, CATALOG) <= dose_rank(higher[item.technique], CATALOG), item


@SETTINGS
@given(profile=profiles, level=levels)
def test_a_forbidden_harder_form_never_appears(profile: Profile, level: int) -> None:
    for item in week(profile, level):
        technique = CATALOG.technique(item.technique)
        harder = {form.id: form for form in technique.harder}
        if item.variant not in harder:
            continue
        form = harder[item.variant]
        assert level >= 4 and not profile.gentle
        assert not set(form.contraindications) & profile.conditions
        assert not set(technique.contraindications) & profile.conditions
        if "pregnancy" in profile.conditions:
            assert item.position not in ("prone", "supine")  # the rules file's pregnancy rules
        if profile.no_floor:
            assert item.position in OFF_FLOOR_POSITIONS
        assert set(item.equipment) <= profile.equipment


def test_the_planner_never_chooses_a_harder_form() -> None:
    for technique in CATALOG.ordered():
        assert not {form.id for form in technique.harder} & {v.id for v in technique.variants}
    profile = Profile(minutes=30, conditions=frozenset(CONDITION_IDS[:3]))
    for item in plan_routine(profile, CATALOG).items:
        technique = CATALOG.technique(item.technique)
        assert item.variant not in {form.id for form in technique.harder}
