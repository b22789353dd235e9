"""The timeline: one ordered cue list per routine, ending exactly at the routine's total."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import pytest

from backrelief.core.catalog import Catalog, Step
from backrelief.core.content import validate
from backrelief.core.planner import Profile, Routine, RoutineItem, plan_routine
from backrelief.core.timeline import (
    CHECK_IN_SECONDS,
    REP_TEMPO,
    REST_SECONDS,
    TECHNIQUE_LEAD,
    Cue,
    build_timeline,
    expand_technique,
    item_seconds,
    position_lead,
    step_lead,
    technique_durations,
    timeline_to_json,
)
from tests.core.test_conditions import make_technique, sample_catalog

KINDS = {"technique", "step", "breathe_in", "breathe_out", "hold", "countdown", "rep",
         "switch_side", "rest", "check_in", "end"}


def step(**fields: object) -> Step:
    return validate(Step, {"text": "Do it.", **fields}, "test step")


def single(technique_id: str, catalog: Catalog, rounds: int = 1) -> Routine:
    technique = catalog.technique(technique_id)
    # The only item: getting into position from standing (longer when that means the floor).
    lead = position_lead(None, technique.position) - TECHNIQUE_LEAD
    seconds = item_seconds(technique.steps, rounds) + lead
    item = RoutineItem(technique_id, technique.name, "mobility", technique.position,
                       (), technique.intensity, None, rounds, seconds, "test")
    return Routine((item,), seconds, (), ())


def test_routine_timeline_is_ordered_complete_and_ends_at_total() -> None:
    catalog = sample_catalog()
    routine = plan_routine(Profile(minutes=15, equipment=frozenset({"tennis_ball"})), catalog)
    cues = build_timeline(routine, catalog)
    assert [c.at for c in cues] == sorted(c.at for c in cues)
    assert cues[-1] == Cue(routine.seconds, "end", None, None, cues[-1].text, cues[-1].say)
    assert sum(c.kind == "end" for c in cues) == 1
    starts = [c.technique for c in cues if c.kind == "technique"]
    assert starts == [item.technique for item in routine.items]
    assert {c.kind for c in cues} <= KINDS
    assert all(c.at + c.duration <= routine.seconds for c in cues)


def test_a_hold_counts_down_3_2_1() -> None:
    cues = expand_technique("t", "T", [step(seconds=10)], 1)
    hold = next(c for c in cues if c.kind == "hold")
    countdown = [c for c in cues if c.kind == "countdown"]
    assert [(c.at - hold.at, c.say) for c in countdown] == [(7, "3"), (8, "2"), (9, "1")]
    short = expand_technique("t", "T", [step(seconds=4)], 1)
    assert not any(c.kind == "countdown" for c in short)


def test_long_holds_with_breathing_get_breath_cycles() -> None:
    cues = expand_technique("t", "T", [step(seconds=60, breath="steady")], 1)
    ins = [c for c in cues if c.kind == "breathe_in"]
    outs = [c for c in cues if c.kind == "breathe_out"]
    assert len(ins) == len(outs) >= 4
    assert ins[0].say == "Breathe in" and ins[1].say is None  # spoken once, then shown


def test_moving_reps_at_a_steady_tempo_with_breath_words() -> None:
    cues = expand_technique("t", "T", [step(reps=4, breath="out", say="Round your back")], 1)
    reps = [c for c in cues if c.kind == "rep"]
    assert [c.rep for c in reps] == [1, 2, 3, 4]
    assert {b.at - a.at for a, b in pairwise(reps)} == {REP_TEMPO}
    out = next(c for c in cues if c.kind == "breathe_out")
    assert out.say == "and round your back as you breathe out"
    first_in = next(c for c in cues if c.kind == "breathe_in")
    assert first_in.say == "Breathe in..."


def test_each_side_is_balanced_with_one_switch() -> None:
    cues = expand_technique("t", "T", [step(reps=3, seconds=5, side="each")], 1)
    sides = Counter(c.side for c in cues if c.kind == "rep")
    assert sides == {"left": 3, "right": 3}
    assert sum(c.kind == "switch_side" for c in cues) == 1
    assert "Left side first." in (next(c for c in cues if c.kind == "step").say or "")
    holds = Counter(c.side for c in cues if c.kind == "hold")
    assert holds == {"left": 3, "right": 3}


def test_alternating_sides_count_reps_per_side() -> None:
    cues = expand_technique("t", "T", [step(reps=2, side="alternate")], 1)
    assert [(c.rep, c.side) for c in cues if c.kind == "rep"] == [
        (1, "left"), (1, "right"), (2, "left"), (2, "right"),
    ]


def test_hold_only_sides() -> None:
    cues = expand_technique("t", "T", [step(seconds=20, side="each")], 1)
    assert [c.side for c in cues if c.kind == "hold"] == ["left", "right"]


def test_block_shape_and_seconds_agree() -> None:
    steps = [step(seconds=10, breath="in"), step(reps=5, seconds=3, breath="out")]
    for rounds in (1, 2, 3):
        cues = expand_technique("t", "T", steps, rounds, start=100)
        assert cues[0].kind == "technique" and cues[0].at == 100
        assert cues[-2].kind == "check_in" and cues[-1].kind == "rest"
        assert cues[-1].at + cues[-1].duration - 100 == item_seconds(steps, rounds)
    durations = technique_durations(steps, 3)
    assert durations == [item_seconds(steps, r) for r in (1, 2, 3)]
    lead = TECHNIQUE_LEAD + CHECK_IN_SECONDS + REST_SECONDS
    assert durations[1] - durations[0] == durations[0] - lead


def test_step_lead_follows_the_words() -> None:
    assert step_lead(step(seconds=5, say="Lie down.")) == 3
    long = "Breathe slowly. Each time you breathe out, let your back sink a little heavier"
    assert 5 <= step_lead(step(seconds=5, say=long)) <= 8


def test_each_technique_gets_a_check_in_and_rest() -> None:
    catalog = sample_catalog()
    routine = plan_routine(Profile(minutes=10), catalog)
    cues = build_timeline(routine, catalog)
    assert sum(c.kind == "check_in" for c in cues) == len(routine.items)
    assert sum(c.kind == "rest" for c in cues) == len(routine.items)


def test_mismatched_catalogue_is_refused() -> None:
    catalog = sample_catalog()
    routine = single("pelvic-tilt", catalog)
    changed = Catalog({"pelvic-tilt": make_technique(
        "pelvic-tilt", steps=[{"text": "Other.", "seconds": 99}])}, {}, {})
    with pytest.raises(ValueError, match="pelvic-tilt"):
        build_timeline(routine, changed)


def test_json_shape() -> None:
    catalog = sample_catalog()
    cues = timeline_to_json(build_timeline(single("knee-rolls", catalog, 2), catalog))
    assert all({"at", "kind", "technique", "step", "text", "say"} <= set(c) for c in cues)
    assert cues[-1]["kind"] == "end" and cues[-1]["technique"] is None
    assert any(c["round"] == 2 for c in cues)


def test_real_catalogue_expands_every_technique_and_variant() -> None:
    from backrelief.core.catalog import default_catalog

    for technique in default_catalog().ordered():
        for steps in [technique.steps, *(v.steps for v in technique.variants if v.steps)]:
            cues = expand_technique(technique.id, technique.name, steps, technique.max_rounds)
            assert [c.at for c in cues] == sorted(c.at for c in cues)
            assert all(c.say is None or len(c.say) <= 200 for c in cues)
