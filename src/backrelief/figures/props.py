"""Props drawn to scale (mat, foam roller, balls, chair, wall, cushion) and body-to-prop gaps.

The floor is the plane y = 0 (the top of the mat when there is one). Each prop is built from a
few solid primitives (boxes, spheres, cylinders) that serve both to draw it and to measure how
far a body capsule is from it: positive gap = clear, zero = touching, negative = inside.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from backrelief.figures.body import Capsule
from backrelief.figures.geometry import (
    Vec,
    closest_between_segments,
    closest_on_segment,
    distance,
    lerp,
)

Shape = Literal["box", "sphere", "cylinder"]

# Real sizes (cm). A standard foam roller is 15 cm across and 90 cm long; a tennis ball is
# 6.7 cm and a lacrosse ball 6.3 cm across; a dining chair seat is about 46 cm high.
ROLLER_RADIUS = 7.5
ROLLER_LENGTH = 90.0
BALL_RADIUS = {"tennis": 3.35, "lacrosse": 3.15}
SEAT_HEIGHT = 46.0
SEAT_DEPTH = 42.0
SEAT_WIDTH = 44.0
MAT_THICKNESS = 1.2
MAT_WIDTH = 64.0  # an ordinary exercise mat; a pose with arms out on the floor may ask for more


@dataclass(frozen=True)
class Primitive:
    """One solid piece of a prop."""

    shape: Shape
    surface: str  # the name contacts use: "roller", "ball", "chair", "wall", ...
    style: str  # drawing style: "prop", "soft", "ball", "mat", "wall"
    a: Vec  # box: centre; sphere: centre; cylinder: one end of the axis
    b: Vec  # box: half sizes; sphere: centre; cylinder: the other end
    radius: float = 0.0


@dataclass(frozen=True)
class PropSpec:
    """A prop as a pose places it (see poses.yaml); sizes default to the real thing."""

    kind: Literal["mat", "roller", "ball", "chair", "wall", "cushion"]
    name: str
    x: float = 0.0
    y: float | None = None
    z: float = 0.0
    size: Literal["tennis", "lacrosse"] = "tennis"
    facing: Literal["right", "left"] = "right"
    length: float | None = None
    width: float | None = None  # mat: across (z); the body rests on it, so seen from above it shows
    dims: tuple[float, float, float] | None = None  # cushion: full size along x, y, z


def build(spec: PropSpec) -> list[Primitive]:
    """The primitives of one placed prop, in world coordinates."""
    if spec.kind == "mat":
        half = (spec.length or 200.0) / 2
        return [Primitive("box", spec.name, "mat", (spec.x, -MAT_THICKNESS / 2, spec.z),
                          (half, MAT_THICKNESS / 2, (spec.width or MAT_WIDTH) / 2))]
    if spec.kind == "roller":
        y = ROLLER_RADIUS if spec.y is None else spec.y
        half = (spec.length or ROLLER_LENGTH) / 2
        return [Primitive("cylinder", spec.name, "prop", (spec.x, y, spec.z - half),
                          (spec.x, y, spec.z + half), ROLLER_RADIUS)]
    if spec.kind == "ball":
        radius = BALL_RADIUS[spec.size]
        centre = (spec.x, radius if spec.y is None else spec.y, spec.z)
        return [Primitive("sphere", spec.name, "ball", centre, centre, radius)]
    if spec.kind == "cushion":
        dx, dy, dz = spec.dims or (32.0, 5.0, 44.0)
        y = dy / 2 if spec.y is None else spec.y
        return [Primitive("box", spec.name, "soft", (spec.x, y, spec.z), (dx / 2, dy / 2, dz / 2))]
    if spec.kind == "wall":
        # The wall's face is at x; it extends away from the person (``facing`` is where it faces).
        thickness = 8.0
        centre_x = spec.x + (thickness / 2 if spec.facing == "left" else -thickness / 2)
        return [Primitive("box", spec.name, "wall", (centre_x, 110.0, spec.z), (thickness / 2, 110.0, 60.0))]
    return _chair(spec)


def _chair(spec: PropSpec) -> list[Primitive]:
    """A plain chair: the seat is centred on x, the backrest behind the sitter."""
    back = -1.0 if spec.facing == "right" else 1.0
    seat_top = SEAT_HEIGHT if spec.y is None else spec.y
    half_depth, half_width = SEAT_DEPTH / 2, SEAT_WIDTH / 2
    parts = [
        Primitive("box", spec.name, "prop", (spec.x, seat_top - 2.0, spec.z), (half_depth, 2.0, half_width)),
        Primitive("box", f"{spec.name}_back", "prop",
                  (spec.x + back * (half_depth - 1.5), seat_top + 22.0, spec.z), (1.5, 18.0, half_width)),
    ]
    for along in (-1.0, 1.0):
        for across in (-1.0, 1.0):
            leg_x = spec.x + along * (half_depth - 2.0)
            height = seat_top - 4.0
            if along == back:
                height = seat_top + 40.0  # the back legs carry the backrest
            parts.append(Primitive("box", f"{spec.name}_leg", "prop",
                                   (leg_x, height / 2, spec.z + across * (half_width - 2.0)),
                                   (1.6, height / 2, 1.6)))
    return parts


def _box_sdf(p: Vec, centre: Vec, half: Vec) -> float:
    qx = abs(p[0] - centre[0]) - half[0]
    qy = abs(p[1] - centre[1]) - half[1]
    qz = abs(p[2] - centre[2]) - half[2]
    outside = math.sqrt(max(qx, 0.0) ** 2 + max(qy, 0.0) ** 2 + max(qz, 0.0) ** 2)
    return outside + min(max(qx, qy, qz), 0.0)


def floor_gap(capsule: Capsule) -> float:
    """How far the capsule's lowest point is above the floor."""
    return min(capsule.a[1] - capsule.ra, capsule.b[1] - capsule.rb)


def _near(capsule: Capsule, prim: Primitive, margin: float) -> bool:
    """Cheap bounding-box test: is the capsule anywhere near the primitive?"""
    r = max(capsule.ra, capsule.rb) + margin
    if prim.shape == "box":
        lo = [prim.a[i] - prim.b[i] for i in range(3)]
        hi = [prim.a[i] + prim.b[i] for i in range(3)]
    else:
        lo = [min(prim.a[i], prim.b[i]) - prim.radius for i in range(3)]
        hi = [max(prim.a[i], prim.b[i]) + prim.radius for i in range(3)]
    for i in range(3):
        if min(capsule.a[i], capsule.b[i]) - r > hi[i] or max(capsule.a[i], capsule.b[i]) + r < lo[i]:
            return False
    return True


FAR = 1000.0


def gap(capsule: Capsule, prim: Primitive, margin: float = 30.0, precise: bool = True) -> float:
    """Signed distance between a body capsule and a prop primitive (FAR when far apart).

    ``precise=False`` measures boxes at a few points only: enough to notice a limb going
    through a chair, and much cheaper inside the solver's loop.
    """
    if not _near(capsule, prim, margin):
        return FAR
    if prim.shape == "sphere":
        t = closest_on_segment(prim.a, capsule.a, capsule.b)
        radius = capsule.ra + (capsule.rb - capsule.ra) * t
        return distance(prim.a, lerp(capsule.a, capsule.b, t)) - radius - prim.radius
    if prim.shape == "cylinder":
        s, t = closest_between_segments(capsule.a, capsule.b, prim.a, prim.b)
        radius = capsule.ra + (capsule.rb - capsule.ra) * s
        return distance(lerp(capsule.a, capsule.b, s), lerp(prim.a, prim.b, t)) - radius - prim.radius
    return _box_gap(capsule, prim, 8 if precise else 4, 6 if precise else 0)


def _box_gap(capsule: Capsule, prim: Primitive, samples: int, refinements: int) -> float:
    def at(t: float) -> float:
        radius = capsule.ra + (capsule.rb - capsule.ra) * t
        return _box_sdf(lerp(capsule.a, capsule.b, t), prim.a, prim.b) - radius

    values = [at(i / samples) for i in range(samples + 1)]
    best = min(range(samples + 1), key=values.__getitem__)
    lo, hi = max(0, best - 1) / samples, min(samples, best + 1) / samples
    # The distance to a box is convex along a line outside it: a short ternary search refines.
    if not refinements:
        return values[best]
    for _ in range(refinements):
        m1, m2 = lo + (hi - lo) / 3, hi - (hi - lo) / 3
        if at(m1) < at(m2):
            hi = m2
        else:
            lo = m1
    return min(values[best], at((lo + hi) / 2))
