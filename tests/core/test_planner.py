"""The planner: structure, time fit, exclusions with reasons, determinism, bad profiles."""

from __future__ import annotations

from typing import Any

import pytest

from backrelief.core.catalog import Catalog
from backrelief.core.planner import (
    FIT_TOLERANCE,
    Profile,
    ProfileError,
    Routine,
    plan_routine,
)
from backrelief.core.timeline import build_timeline
from tests.core.test_conditions import make_technique, sample_catalog

ALL_KIT = frozenset({"foam_roller", "tennis_ball", "lacrosse_ball", "chair", "wall"})


def plan(catalog: Catalog | None = None, **fields: Any) -> Routine:
    return plan_routine(Profile(**fields), catalog or sample_catalog())


def reasons_for(routine: Routine, technique_id: str) -> list[str]:
    for exclusion in routine.excluded:
        if exclusion.technique == technique_id:
            return list(exclusion.reasons)
    raise AssertionError(f"{technique_id} was not excluded")


def within(routine: Routine, minutes: int) -> bool:
    return abs(routine.seconds - minutes * 60) <= minutes * 60 * FIT_TOLERANCE


@pytest.mark.parametrize("minutes", [3, 5, 10, 15, 20, 30, 45, 60])
def test_total_within_10_percent(minutes: int) -> None:
    routine = plan(minutes=minutes, equipment=ALL_KIT)
    assert within(routine, minutes), (routine.seconds, minutes)
    assert routine.seconds == sum(item.seconds for item in routine.items)


def test_shape_settle_mobility_release_finish() -> None:
    routine = plan(minutes=15, equipment=frozenset({"tennis_ball"}))
    roles = [item.role for item in routine.items]
    assert roles[0] == "settle" and roles[-1] == "finish"
    assert "mobility" in roles and "release" in roles
    order = ["settle", "mobility", "release", "strength", "finish"]
    for on_floor in (True, False):  # the middle parts keep their order within floor work
        group = [i.role for i in routine.items if (i.position not in ("seated", "standing"))
                 == on_floor]
        assert group == sorted(group, key=order.index)
    release = next(item for item in routine.items if item.role == "release")
    assert release.equipment == ("tennis_ball",)


def test_no_tools_no_release() -> None:
    routine = plan(minutes=20)
    assert all(item.role != "release" for item in routine.items)
    assert reasons_for(routine, "thoracic-foam-roll") == ["equipment: needs a foam roller"]


def test_region_choice_is_a_reason() -> None:
    routine = plan(minutes=10, region="upper")
    assert reasons_for(routine, "pelvic-tilt") == [
        "region: works the lower back, not the upper back you chose"]
    assert all("upper" in sample_catalog().technique(i.technique).regions for i in routine.items)


def test_pain_seven_or_more_keeps_gentle_only() -> None:
    routine = plan(minutes=30, pain=7, equipment=ALL_KIT)
    assert all(item.intensity == "gentle" for item in routine.items)
    assert reasons_for(routine, "bridge") == ["pain 7+: gentle techniques only"]
    assert any("pain is high" in line for line in routine.advice)
    assert any(i.intensity == "moderate" for i in plan(minutes=30, pain=6).items)


def test_avoid_leaves_out_diary_flagged_techniques() -> None:
    routine = plan_routine(Profile(minutes=30), sample_catalog(), avoid={"cat-cow"})
    assert "cat-cow" not in {item.technique for item in routine.items}
    assert reasons_for(routine, "cat-cow") == ["avoid: made pain worse last time"]


def test_variant_reported_with_its_position_and_equipment() -> None:
    routine = plan(minutes=10, conditions=frozenset({"pregnancy"}), pregnancy_weeks=20)
    hook = next(item for item in routine.items if item.technique == "hook-lying-rest")
    assert hook.variant == "side-lying-rest" and hook.position == "side_lying"
    assert "because of pregnancy" in hook.why
    data = routine.to_json()
    assert set(data) == {"items", "seconds", "excluded", "advice"}
    item = next(i for i in data["items"] if i["technique"] == "hook-lying-rest")
    assert item["variant"] == "side-lying-rest" and item["position"] == "side_lying"
    assert {"technique", "name", "position", "equipment", "seconds", "variant", "rounds",
            "why"} <= set(item)


def test_pregnancy_weeks_imply_pregnancy() -> None:
    profile = Profile(pregnancy_weeks=10)
    assert "pregnancy" in profile.conditions
    routine = plan_routine(profile, sample_catalog())
    assert reasons_for(routine, "prone-press-up") == ["pregnancy: no lying face down"]


def test_every_stated_condition_gets_advice() -> None:
    routine = plan(conditions=frozenset({"stenosis", "sciatica"}))
    assert any("stenosis" in line for line in routine.advice)
    assert any("sciatica" in line for line in routine.advice)


def test_unused_techniques_are_reported_as_a_time_choice() -> None:
    routine = plan(minutes=3)
    planned = {item.technique for item in routine.items}
    excluded = {exclusion.technique for exclusion in routine.excluded}
    assert planned | excluded == set(sample_catalog().techniques)
    assert not planned & excluded
    assert any(r.startswith(("time:", "choice:")) for e in routine.excluded for r in e.reasons)


def test_deterministic_and_seed_varies_only_between_equals() -> None:
    first = plan(minutes=20, equipment=ALL_KIT)
    assert first == plan(minutes=20, equipment=ALL_KIT)
    seeded = [plan_routine(Profile(minutes=20, equipment=ALL_KIT), sample_catalog(), seed=s)
              for s in range(8)]
    assert seeded[0] == plan_routine(Profile(minutes=20, equipment=ALL_KIT), sample_catalog(),
                                     seed=0)
    assert len({tuple(i.technique for i in r.items) for r in seeded}) > 1
    for routine in seeded:
        assert within(routine, 20)


def test_short_when_safe_techniques_cannot_fill_the_time() -> None:
    catalog = Catalog(
        techniques={"only": make_technique("only", roles=["settle", "mobility"], max_rounds=2)},
        education={}, sources={},
    )
    routine = plan_routine(Profile(minutes=30), catalog)
    assert routine.short and len(routine.items) == 1 and routine.items[0].rounds == 2
    assert any("minutes you asked for" in line for line in routine.advice)


def test_nothing_possible_gives_an_empty_routine_with_advice() -> None:
    routine = plan_routine(Profile(minutes=10), sample_catalog(),
                           avoid=set(sample_catalog().techniques))
    assert routine.items == () and routine.seconds == 0
    assert any("No technique" in line for line in routine.advice)
    assert build_timeline(routine, sample_catalog())[-1].kind == "end"


def test_whole_back_mixes_upper_and_lower() -> None:
    routine = plan(minutes=20, equipment=ALL_KIT)
    catalog = sample_catalog()
    regions = [set(catalog.technique(i.technique).regions) for i in routine.items]
    assert any(r == {"upper"} for r in regions) and any(r == {"lower"} for r in regions)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"region": "middle"}, "region"),
        ({"equipment": frozenset({"kettlebell"})}, "equipment"),
        ({"conditions": frozenset({"flu"})}, "condition"),
        ({"minutes": 2}, "minutes"),
        ({"minutes": 61}, "minutes"),
        ({"minutes": 10.5}, "minutes"),
        ({"minutes": True}, "minutes"),
        ({"pain": -1}, "pain"),
        ({"pain": 11}, "pain"),
        ({"pregnancy_weeks": 46}, "pregnancy_weeks"),
        ({"pregnancy_weeks": -1}, "pregnancy_weeks"),
    ],
)
def test_bad_profiles_name_the_field(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(ProfileError) as caught:
        Profile(**fields)
    assert caught.value.field == field
