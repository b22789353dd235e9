"""Where a stretch or a release should be felt, as soft bands drawn on the body.

Each region is a list of short 3D polylines just inside the body surface (so they follow the
figure in any pose and view) with a band width in centimetres.
"""

from __future__ import annotations

from backrelief.figures.body import TORSO_STATIONS, Skeleton
from backrelief.figures.geometry import Vec, add, lerp, scale

Band = tuple[tuple[Vec, ...], float]


def _surface(skeleton: Skeleton, station: str, forward: float, side: float = 0.0, up: float = 0.0) -> Vec:
    """A point on the torso: ``forward`` -1 is the back surface, +1 the front, 0 the middle;
    ``side`` 1 is the middle of the right half, 2 just inside the right flank (-1, -2 left)."""
    offset, radius, half_width = TORSO_STATIONS[station]
    frame = skeleton.frames[station]
    depth = offset + forward * (radius - 4.0)
    lateral = side * half_width if abs(side) <= 1 else (side / abs(side)) * (half_width + radius - 4.0)
    moved = add(scale(frame[0], depth), scale(frame[2], lateral))
    return add(add(skeleton.points[station], moved), scale(frame[1], up))


def _along_back(
    skeleton: Skeleton, stations: tuple[str, ...], side: float = 0.0, forward: float = -1.0
) -> Band:
    return tuple(_surface(skeleton, s, forward, side) for s in stations), 7.0


def _limb(skeleton: Skeleton, side: str, segment: str, start: str, end: str, facing: float) -> Band:
    frame = skeleton.frames[f"{side}_{segment}"]
    a, b = skeleton.points[f"{side}_{start}"], skeleton.points[f"{side}_{end}"]
    offset = scale(frame[0], facing * 3.5)
    return (add(lerp(a, b, 0.2), offset), add(lerp(a, b, 0.75), offset)), 6.0


def bands(skeleton: Skeleton, region: str) -> list[Band]:
    """The highlight bands of one named region."""
    lumbar = ("S1", "L3", "T12")
    if region == "lower_back":
        return [_along_back(skeleton, lumbar)]
    if region in ("lower_back_r", "lower_back_l"):
        return [_along_back(skeleton, lumbar, 1.0 if region.endswith("r") else -1.0)]
    if region == "upper_back":
        return [_along_back(skeleton, ("T12", "T8", "T4"))]
    if region == "whole_back":
        return [_along_back(skeleton, ("S1", "L3", "T12", "T8", "T4"))]
    if region == "shoulder_blades":
        return [_along_back(skeleton, ("T8", "T4"), side) for side in (1.0, -1.0)]
    if region == "belly":
        return [_along_back(skeleton, lumbar, forward=1.0)]
    if region == "chest":
        return [_along_back(skeleton, ("T8", "T4"), forward=1.0)]
    if region in ("waist_r", "waist_l"):
        side = 2.0 if region.endswith("r") else -2.0
        return [(tuple(_surface(skeleton, s, 0.0, side) for s in ("S1", "L3", "T12")), 6.0)]
    if region in ("glutes", "r_glute", "l_glute"):
        sides = {"glutes": (1.0, -1.0), "r_glute": (1.0,), "l_glute": (-1.0,)}[region]
        return [
            ((_surface(skeleton, "hip", -1.0, side, -4.0), _surface(skeleton, "hip", -1.0, side, 5.0)), 8.0)
            for side in sides
        ]
    if region == "hip_flexors":
        return [_limb(skeleton, side, "thigh", "hip", "knee", 1.0) for side in ("r", "l")]
    if region == "hamstrings":
        return [_limb(skeleton, side, "thigh", "hip", "knee", -1.0) for side in ("r", "l")]
    if region == "neck":
        frame = skeleton.frames["neck"]
        back = scale(frame[0], -2.0)
        return [((add(skeleton.points["C7"], back), add(skeleton.points["C0"], back)), 5.0)]
    raise KeyError(region)
