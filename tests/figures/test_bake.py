"""solved.json is current: whoever changes a pose or the solver re-bakes it."""

from __future__ import annotations

import json

from backrelief.figures.bake import _package_dir, baked, fingerprint, used_moves


def test_the_shipped_solutions_match_the_current_poses_and_solver() -> None:
    document = json.loads((_package_dir() / "solved.json").read_text(encoding="utf-8"))
    assert document["fingerprint"] == fingerprint(), "run: python -m backrelief.figures.bake"


def test_every_pose_and_every_move_the_steps_use_is_baked() -> None:
    from backrelief.figures.poses import pose_library

    stored = baked()
    assert set(stored.poses) == set(pose_library())
    assert set(used_moves()) <= set(stored.moves)
