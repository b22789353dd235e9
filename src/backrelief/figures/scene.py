"""Solved key poses and the in-between frames of a movement.

In-between frames interpolate the joint angles and the pelvis placement of two solved key poses
(never the drawn outlines, which would shrink limbs) and settle the result again on the contacts
both poses share (and out of the floor and props), so a knee roll keeps the shoulders on the
floor all the way across.

Solving takes a fraction of a second per pose in pure Python, so the results ship precomputed
in ``solved.json`` (see ``bake.py``); anything missing or out of date is solved live instead.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from backrelief.figures.geometry import distance, lerp, mat_to_quat, quat_to_mat, slerp
from backrelief.figures.poses import Pose, pose_library
from backrelief.figures.props import Primitive, PropSpec, build
from backrelief.figures.solver import Placement, Solved, measure, solve

FRAMES_PER_MOVE = 6


def props_of(specs: tuple[PropSpec, ...]) -> tuple[Primitive, ...]:
    return tuple(prim for spec in specs for prim in build(spec))


@cache
def solved_pose(pose_id: str) -> Solved:
    """A key pose from the library, settled on its contacts (cached per process)."""
    from backrelief.figures.bake import baked

    pose = pose_library()[pose_id]
    stored = baked().poses.get(pose_id)
    if stored is not None:
        return measure(stored, pose.contacts, pose.reach, props_of(pose.props))
    return solve_pose(pose)


def solve_pose(pose: Pose) -> Solved:
    """Settle one key pose; points it ``keep``s stay where its reference pose has them."""
    start = Placement(pose.origin, pose.orientation, dict(pose.angles))
    pins = []
    if pose.keep and pose.keep_from is not None:
        reference = solved_pose(pose.keep_from).skeleton.points
        pins = [(point, reference[point]) for point in pose.keep]
    return solve(start, pose.contacts, pose.free, props_of(pose.props), root=pose.root, reach=pose.reach,
                 pins=pins)


def _mix_props(a: tuple[PropSpec, ...], b: tuple[PropSpec, ...], t: float) -> tuple[PropSpec, ...]:
    """Props slide between key poses when both have the same ones (a roller moved up the back)."""
    if [p.name for p in a] != [p.name for p in b] or [p.kind for p in a] != [p.kind for p in b]:
        return a if t < 0.5 else b
    mixed = []
    for pa, pb in zip(a, b, strict=True):
        ya = pa.y if pa.y is not None else 0.0
        yb = pb.y if pb.y is not None else 0.0
        y = None if pa.y is None and pb.y is None else ya + (yb - ya) * t
        mixed.append(replace(pa, x=pa.x + (pb.x - pa.x) * t, y=y, z=pa.z + (pb.z - pa.z) * t))
    return tuple(mixed)


def blend(a: Pose, b: Pose, t: float) -> tuple[Placement, tuple[Primitive, ...], tuple[tuple[str, str], ...]]:
    """The unsettled frame a fraction ``t`` from ``a`` to ``b``: placement, props, shared contacts."""
    pa, pb = solved_pose(a.id).placement, solved_pose(b.id).placement
    angles = {key: value + (pb.angles[key] - value) * t for key, value in pa.angles.items()}
    orientation = quat_to_mat(slerp(mat_to_quat(pa.orientation), mat_to_quat(pb.orientation), t))
    start = Placement(lerp(pa.origin, pb.origin, t), orientation, angles)
    props = props_of(_mix_props(a.props, b.props, t))
    shared = tuple(c for c in a.contacts if c in b.contacts)
    return start, props, shared


# Contact surfaces that are a single point, and the skeleton point at their centre: when one
# touches the same spot in both key poses, it stays planted through the frames in between.
_PLANTED = {f"{side}_{name}": f"{side}_{point}" for side in ("r", "l") for name, point in (
    ("heel", "heel"), ("toes", "toe"), ("knee", "knee"), ("wrist", "wrist"), ("fingers", "hand"),
    ("elbow", "elbow"))}


def interpolate(a: Pose, b: Pose, t: float) -> Solved:
    """The frame a fraction ``t`` of the way from key pose ``a`` to key pose ``b``, settled."""
    start, props, shared = blend(a, b, t)
    sa, sb = solved_pose(a.id), solved_pose(b.id)
    pins = []
    for surface, _ in shared:
        point = _PLANTED.get(surface)
        if point is not None:
            pa_, pb_ = sa.skeleton.points[point], sb.skeleton.points[point]
            if distance(pa_, pb_) < 1.5:
                pins.append((point, lerp(pa_, pb_, 0.5)))
    root = tuple(dict.fromkeys(a.root + b.root))
    free = tuple(dict.fromkeys(a.free + b.free))
    return solve(start, shared, free, props, root=root, pins=pins, iterations=20)


def eased(k: int, count: int) -> float:
    """Where in-between frame ``k`` (1-based) of ``count`` sits: slow out, slow in."""
    u = k / (count + 1)
    return u * u * (3 - 2 * u)


@cache
def transition(a_id: str, b_id: str, count: int = FRAMES_PER_MOVE) -> tuple[Solved, ...]:
    """``count`` in-between frames from ``a`` to ``b``."""
    from backrelief.figures.bake import baked, decode

    library = pose_library()
    a, b = library[a_id], library[b_id]
    stored = baked().moves.get((a_id, b_id)) if count == FRAMES_PER_MOVE else None
    frames = []
    for k in range(1, count + 1):
        if stored is not None and len(stored) == count:
            start, props, shared = blend(a, b, eased(k, count))
            frames.append(measure(decode(stored[k - 1], start.angles), shared, (), props))
        else:
            frames.append(interpolate(a, b, eased(k, count)))
    return tuple(frames)
