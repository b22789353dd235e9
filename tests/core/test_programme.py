"""core.programme: the schedule, progression by the pain response, doses, check-ins."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from backrelief.core.catalog import default_catalog
from backrelief.core.planner import Profile, plan_routine
from backrelief.core.programme import (
    ACCEPTABLE_PAIN,
    MAX_LEVEL,
    Checkin,
    ProgrammeError,
    ProgrammePlan,
    SessionResponse,
    WeekEvidence,
    check_checkin,
    dose_routine,
    first_dose,
    function_change,
    next_dose,
    parse_days,
    progression,
    schedule,
)
from backrelief.core.timeline import build_timeline

MONDAY = date(2026, 11, 2)


def ok(day: int, before: int = 4, during: int = 3, next_day: int | None = 3) -> SessionResponse:
    return SessionResponse(day=date(2026, 11, day), before=before, during=during, next_day=next_day)


def test_default_schedule_is_six_weeks_of_five_sessions_with_weekly_checkins() -> None:
    plan = ProgrammePlan(MONDAY)
    days = schedule(plan, ("stay-active", "heat-and-cold"))
    sessions = [d for d in days if d.kind == "session"]
    checkins = [d for d in days if d.kind == "checkin"]
    assert len(sessions) == 30
    assert all(d.day.weekday() < 5 for d in sessions)
    assert len(checkins) == 7  # one opening each week, and one closing the programme
    assert plan.end == date(2026, 12, 13)
    assert {d.week for d in sessions} == set(range(1, 7))
    assert [d.education for d in sessions if d.education] == [
        "stay-active", "heat-and-cold"] * 3


def test_a_programme_starting_midweek_keeps_its_weeks_of_seven_days() -> None:
    plan = ProgrammePlan(date(2026, 11, 4), weeks=2, days=(0, 2))  # a Wednesday
    sessions = [d for d in schedule(plan) if d.kind == "session"]
    assert [(d.day.isoformat(), d.week) for d in sessions] == [
        ("2026-11-04", 1), ("2026-11-09", 1), ("2026-11-11", 2), ("2026-11-16", 2)]


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"weeks": 0}, "weeks"), ({"weeks": 13}, "weeks"), ({"weeks": True}, "weeks"),
    ({"days": ()}, "days"), ({"days": (7,)}, "days"), ({"days": (-1,)}, "days"),
])
def test_bad_plans_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ProgrammeError) as caught:
        ProgrammePlan(MONDAY, **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_parse_days() -> None:
    assert parse_days("mon, Wed,fri,mon") == (0, 2, 4)
    assert parse_days("tuesday,sun") == (1, 6)
    for bad in ("", "mo", "funday", ","):
        with pytest.raises(ProgrammeError):
            parse_days(bad)


def test_pain_within_the_limit_that_settles_steps_up() -> None:
    dose = next_dose(first_dose(), [ok(2), ok(3, during=ACCEPTABLE_PAIN)], flare_up=False,
                     paused=False)
    assert (dose.week, dose.level, dose.change) == (2, 1, "up")
    assert "5/10 or less" in dose.reasons[0]


def test_pain_above_five_steps_back_and_says_why() -> None:
    previous = next_dose(first_dose(), [ok(2)], flare_up=False, paused=False)
    dose = next_dose(previous, [ok(9), ok(10, during=6)], flare_up=False, paused=False)
    assert (dose.level, dose.change) == (0, "down")
    assert "6/10" in dose.reasons[0] and "above 5/10" in dose.reasons[0]


def test_pain_worse_the_next_day_steps_back() -> None:
    dose = next_dose(first_dose(), [ok(2, before=3, during=3, next_day=5)], flare_up=False,
                     paused=False)
    assert dose.change == "down" and dose.level == -1 and dose.gentle_only
    assert "worse the day after" in dose.reasons[0]


def test_a_session_that_hurt_or_a_flare_up_steps_back() -> None:
    hurt = SessionResponse(date(2026, 11, 2), before=3, during=3, next_day=3, hurt=True)
    assert next_dose(first_dose(), [hurt], flare_up=False, paused=False).change == "down"
    flared = next_dose(first_dose(), [ok(2)], flare_up=True, paused=False)
    assert flared.change == "down" and "flare-up" in flared.reasons[0]


def test_see_professional_pauses_stepping_up_but_not_stepping_back() -> None:
    paused = next_dose(first_dose(), [ok(2)], flare_up=False, paused=True)
    assert (paused.level, paused.change) == (0, "paused")
    back = next_dose(first_dose(), [ok(2, during=7)], flare_up=False, paused=True)
    assert back.change == "down"


def test_no_sessions_or_no_next_day_rating_holds() -> None:
    assert next_dose(first_dose(), [], flare_up=False, paused=False).change == "hold"
    unknown = next_dose(first_dose(), [ok(2, next_day=None)], flare_up=False, paused=False)
    assert unknown.change == "hold" and "day after" in unknown.reasons[0]


def test_levels_stay_within_their_bounds() -> None:
    dose = first_dose()
    for week in range(8):
        dose = next_dose(dose, [ok(2 + week % 5)], flare_up=False, paused=False)
    assert dose.level == MAX_LEVEL == 5 and dose.change == "hold"
    for _ in range(6):
        dose = next_dose(dose, [ok(2, during=8)], flare_up=False, paused=False)
    assert dose.level == -1


def test_progression_decides_only_weeks_that_have_started() -> None:
    plan = ProgrammePlan(MONDAY, weeks=4)
    evidence = {1: WeekEvidence((ok(2), ok(3))), 2: WeekEvidence((ok(9, during=7),))}
    doses = progression(plan, evidence, date(2026, 11, 17), paused=False)  # week 3
    assert [(d.week, d.level, d.change, d.decided) for d in doses] == [
        (1, 0, "start", True), (2, 1, "up", True), (3, 0, "down", True), (4, 0, "hold", False)]
    paused = progression(plan, evidence, date(2026, 11, 10), paused=True)  # week 2
    assert paused[1].change == "paused"


def test_a_dose_adds_rounds_within_each_techniques_cap_and_the_timeline_agrees() -> None:
    catalog = default_catalog()
    profile = Profile(minutes=10)
    routine = plan_routine(profile, catalog)
    dose = next_dose(first_dose(), [ok(2)], flare_up=False, paused=False)
    assert (dose.level, dose.extra_rounds, dose.hold, dose.harder) == (1, 1, 0, 0)
    dosed = dose_routine(routine, dose, catalog, profile)
    for plain, item in zip(routine.items, dosed.items, strict=True):
        cap = catalog.technique(item.technique).max_rounds
        assert item.rounds == min(cap, plain.rounds + 1)
        assert item.hold == 0 and item.variant == plain.variant
    assert dosed.seconds > routine.seconds
    assert build_timeline(dosed, catalog)[-1].at == dosed.seconds  # the players play it as sized
    assert any("one more round" in line for line in dosed.advice)


def test_a_stepped_back_dose_never_drops_below_one_round() -> None:
    catalog = default_catalog()
    profile = Profile(minutes=20)
    routine = plan_routine(profile, catalog)
    lighter = next_dose(first_dose(), [ok(2, during=9)], flare_up=False, paused=False)
    dosed = dose_routine(routine, lighter, catalog, profile)
    assert all(item.rounds >= 1 for item in dosed.items)
    assert all(a.rounds == max(1, b.rounds - 1) for a, b in zip(dosed.items, routine.items,
                                                                  strict=True))
    assert build_timeline(dosed, catalog)[-1].at == dosed.seconds


def test_function_scale_and_meaningful_change() -> None:
    at = datetime(2026, 11, 2, tzinfo=UTC)
    first = Checkin(at, 1, {"putting on socks": 3, "sitting through a meeting": 4})
    later = Checkin(at, 3, {"putting on socks": 6, "sitting through a meeting": 5})
    assert first.function == 3.5
    assert function_change([first, later]) == (2.0, True)
    assert function_change([first, Checkin(at, 2, {"putting on socks": 4})]) == (0.5, False)
    assert function_change([first]) is None
    assert Checkin(at, 1, {}, sleep=3).function is None


@pytest.mark.parametrize(("activities", "sleep", "confidence", "field"), [
    ({"a": 1, "b": 2, "c": 3, "d": 4}, None, None, "activities"),
    ({"socks": 11}, None, None, "activities.socks"),
    ({"socks": True}, None, None, "activities.socks"),
    ({" ": 3}, None, None, "activities"),
    ({"x" * 81: 3}, None, None, "activities"),
    ({}, -1, None, "sleep"),
    ({}, None, "7", "confidence"),
])
def test_bad_checkins_name_the_field(activities: dict[str, object], sleep: object,
                                     confidence: object, field: str) -> None:
    with pytest.raises(ProgrammeError) as caught:
        check_checkin(activities, sleep, confidence)
    assert caught.value.field == field


def test_plan_time_defaults() -> None:
    plan = ProgrammePlan(MONDAY)
    assert plan.at == time(18, 0) and plan.days == (0, 1, 2, 3, 4) and plan.weeks == 6
    assert plan.week_of(date(2026, 11, 1)) is None and plan.week_of(date(2026, 11, 9)) == 2


def test_the_new_education_pages_exist_and_a_long_programme_schedules_every_page() -> None:
    catalog = default_catalog()
    for page in ("pain-relief", "sleep-and-positions", "work-and-sitting", "see-a-physiotherapist"):
        assert page in catalog.education
    days = schedule(ProgrammePlan(MONDAY, weeks=len(catalog.education)), tuple(catalog.education))
    scheduled = [d.education for d in days if d.education]
    assert sorted(scheduled) == sorted(catalog.education)
    assert scheduled[:2] == ["stay-active", "when-to-see-a-professional"]
