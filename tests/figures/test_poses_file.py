"""poses.yaml is validated data: a broken pose fails with its id and the field."""

from __future__ import annotations

import pytest

from backrelief.figures.poses import PoseError, parse_poses, pose_library

BASE = """
poses:
  lying:
    label: Lying down
    alt: A person lying on their back on the floor.
    base: supine
    contacts: {floor: [back]}
"""


def test_the_shipped_library_loads_and_every_pose_is_described() -> None:
    library = pose_library()
    assert len(library) >= 40
    for pose_id, pose in library.items():
        assert pose.label and len(pose.alt) >= 10, pose_id


def test_extends_inherits_and_overrides() -> None:
    poses = parse_poses(BASE + """
  knees-up:
    extends: lying
    label: Knees up
    joints: {knees: 90, r_hip: {flex: 45}}
""")
    child = poses["knees-up"]
    assert child.alt == poses["lying"].alt
    assert child.angles["r_knee.flex"] == 90 and child.angles["l_knee.flex"] == 90
    assert child.angles["r_hip.flex"] == 45 and child.angles["l_hip.flex"] == 0
    assert child.contacts == (("back", "floor"),)


@pytest.mark.parametrize(("extra", "message"), [
    ("    joints: {elbows: 170}\n", "outside the human range"),
    ("    joints: {tail: 10}\n", "unknown joint"),
    ("    joints: {knees: {rotate: 10}}\n", "knee has flex"),
    ("    contacts: {roller: [back]}\n", "no such prop"),
    ("    contacts: {floor: [wings]}\n", "unknown body surface"),
    ("    reach: {r_palm: moon}\n", "unknown landmark"),
    ("    view: upside\n", "unknown view"),
    ("    colour: red\n", "Extra inputs"),
])
def test_bad_poses_fail_with_the_pose_and_field(extra: str, message: str) -> None:
    with pytest.raises(PoseError, match=message):
        parse_poses(BASE + extra)


def test_extends_must_exist_and_must_not_loop() -> None:
    with pytest.raises(PoseError, match="unknown pose"):
        parse_poses(BASE + "  other:\n    extends: nowhere\n")
    with pytest.raises(PoseError, match="extends itself"):
        parse_poses(BASE + "  a:\n    extends: b\n  b:\n    extends: a\n")
