"""The body model: fixed limb lengths, joint conventions and human ranges."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from backrelief.figures.body import ANGLE_KEYS, forward_kinematics, range_for, segment_lengths
from backrelief.figures.geometry import IDENTITY, distance, rot_z

ORIGIN = (0.0, 100.0, 0.0)


def _pose(**angles: float) -> dict[str, float]:
    return {key.replace("__", "."): value for key, value in angles.items()}


def test_standing_figure_is_adult_sized_and_upright() -> None:
    body = forward_kinematics({}, ORIGIN, IDENTITY)
    top_of_head = body.points["head"][1] + 10.0
    sole = body.points["r_heel"][1] - 3.2
    assert 165 <= top_of_head - sole <= 180
    # Head above the pelvis, feet below it, facing +x (nose ahead of the head centre).
    assert abs(body.points["head"][0] - body.points["hip"][0]) < 8
    assert body.points["nose"][0] > body.points["head"][0]
    assert body.points["r_hip"][2] > 0 > body.points["l_hip"][2]  # z is the person's right


def test_joint_conventions() -> None:
    flexed = forward_kinematics(_pose(r_hip__flex=90), ORIGIN, IDENTITY)
    assert flexed.points["r_knee"][0] > 35  # hip flexion swings the thigh forward
    bent = forward_kinematics(_pose(r_knee__flex=90), ORIGIN, IDENTITY)
    assert bent.points["r_ankle"][0] < -35  # knee flexion folds the shin back
    rounded = forward_kinematics(_pose(thoracic__flex=30, lumbar__flex=30), ORIGIN, IDENTITY)
    assert rounded.points["C7"][0] > forward_kinematics({}, ORIGIN, IDENTITY).points["C7"][0] + 10
    turned = forward_kinematics(_pose(thoracic__rotate=40), ORIGIN, IDENTITY)
    assert turned.points["r_shoulder"][0] > 5  # turning left brings the right shoulder forward
    raised = forward_kinematics(_pose(r_shoulder__flex=180), ORIGIN, IDENTITY)
    assert raised.points["r_hand"][1] > raised.points["head"][1]


def test_every_range_is_a_real_interval() -> None:
    for key in ANGLE_KEYS:
        low, high = range_for(key)
        assert low < high, key
        assert low <= 0 <= high, f"{key}: neutral standing must be inside the range"


angle_strategy = st.fixed_dictionaries(
    {key: st.floats(*range_for(key), allow_nan=False) for key in ANGLE_KEYS}
)


@settings(max_examples=60, deadline=None)
@given(angles=angle_strategy, turn=st.floats(-180, 180))
def test_limb_lengths_do_not_depend_on_the_pose(angles: dict[str, float], turn: float) -> None:
    body = forward_kinematics(angles, (12.0, 40.0, -3.0), rot_z(turn))
    for start, end, length in segment_lengths():
        measured = distance(body.points[start], body.points[end])
        assert math.isclose(measured, length, abs_tol=1e-6), (start, end)
