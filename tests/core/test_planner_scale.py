"""Planning over a large synthetic catalogue (issue 16): it completes, stays safe and keeps to
the time rules. Speed itself is measured by bench/bench_planner.py, never here."""

from __future__ import annotations

import random
from dataclasses import fields
from functools import cache

from hypothesis import given
from hypothesis import strategies as st

from backrelief.core.catalog import Catalog, Technique
from backrelief.core.planner import FIT_TOLERANCE, HIGH_PAIN_MAX_MINUTES, Profile, plan_routine
from backrelief.core.vocabulary import CONDITION_IDS, EQUIPMENT, POSITIONS
from tests.core.test_conditions import _variant, make_technique
from tests.core.test_planner_properties import PROPERTY_SETTINGS, _check_safe, profiles

SIZE = 1500
ROLE_SETS = (["settle", "finish"], ["mobility"], ["mobility", "finish"], ["release"],
             ["strength"], ["mobility", "release"])


def _synthetic(index: int, rng: random.Random) -> Technique:
    roles = rng.choice(ROLE_SETS)
    kit = rng.sample(EQUIPMENT, rng.choice([0, 0, 1, 2])) if "release" not in roles else \
        rng.sample(["foam_roller", "tennis_ball", "lacrosse_ball"], 1)
    dose: dict[str, object] = rng.choice([
        {"reps": rng.randint(3, 10), "breath": "out"},
        {"seconds": rng.choice([20, 30, 45, 60]), "breath": "steady"},
        {"reps": rng.randint(3, 6), "seconds": rng.randint(2, 6), "side": "each"},
    ])
    variants = []
    if rng.random() < 0.3:
        variants.append(_variant(f"v{index}", rng.sample(CONDITION_IDS, rng.randint(1, 3)),
                                 position=rng.choice(["seated", "standing"]), equipment=[]))
    return make_technique(
        f"t{index:04d}",
        regions=rng.choice([["upper"], ["lower"], ["upper", "lower"]]),
        position=rng.choice(POSITIONS),
        equipment=kit,
        intensity=rng.choice(["gentle", "moderate"]),
        roles=roles,
        max_rounds=rng.randint(1, 6),
        steps=[{"text": "Move slowly.", **dose}],
        contraindications=rng.sample(CONDITION_IDS, rng.choice([0, 0, 1, 2])),
        variants=variants,
    )


@cache
def big_catalog() -> Catalog:
    rng = random.Random(16)
    techniques = {t.id: t for t in (_synthetic(i, rng) for i in range(SIZE))}
    return Catalog(techniques, {}, {})


@PROPERTY_SETTINGS
@given(profile=profiles, avoid=st.frozensets(st.sampled_from([f"t{i:04d}" for i in range(50)]),
                                            max_size=5))
def test_a_1500_technique_catalogue_plans_safely_within_the_time_rules(
        profile: Profile, avoid: frozenset[str]) -> None:
    catalog = big_catalog()
    routine = plan_routine(profile, catalog, avoid=avoid)
    _check_safe(profile, routine, catalog, avoid)
    target = min(profile.minutes, HIGH_PAIN_MAX_MINUTES if (profile.pain or 0) >= 7 else 60) * 60
    assert routine.seconds <= target * (1 + FIT_TOLERANCE)
    if not routine.short:
        assert routine.seconds >= target * (1 - FIT_TOLERANCE)
    assert len(routine.items) + len(routine.excluded) == SIZE


def test_a_large_catalogue_of_techniques_too_long_for_the_time_plans_nothing_gracefully() -> None:
    # Every technique is longer than a 3-minute routine allows, so the search looks at each one
    # in turn: 1,500 levels deep, past Python's recursion limit if it recursed.
    techniques = {
        f"long{i:04d}": make_technique(f"long{i:04d}", steps=[{"text": "Hold.", "seconds": 300}])
        for i in range(SIZE)
    }
    routine = plan_routine(Profile(minutes=3), Catalog(techniques, {}, {}))
    assert routine.items == () and routine.short
    assert any("No technique" in line for line in routine.advice)
    assert all(e.reasons for e in routine.excluded) and len(routine.excluded) == SIZE


class _Uncomparable(Technique):
    """A technique that refuses ``==``: finding a candidate by equality (``list.index``, ``in``
    over models) costs a comparison of every field per step, the quadratic trap of issue 16."""

    def __eq__(self, other: object) -> bool:
        raise AssertionError("the planner compared two techniques")

    __hash__ = None  # type: ignore[assignment]


def test_planning_never_compares_techniques_field_by_field() -> None:
    techniques = {
        t.id: _Uncomparable(**{f.name: getattr(t, f.name) for f in fields(t)})
        for t in list(big_catalog().techniques.values())[:300]
    }
    catalog = Catalog(techniques, {}, {})
    for profile in (Profile(minutes=3), Profile(minutes=25, region="lower"),
                    Profile(minutes=60, equipment=frozenset({"foam_roller", "chair"}))):
        routine = plan_routine(profile, catalog)
        assert routine.items and len(routine.items) + len(routine.excluded) == len(techniques)
