"""2D drawing primitives for the SVG renderer: projection, outlines, number formatting.

Pure string building so the output is small and byte-for-byte deterministic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from backrelief.figures.geometry import Vec, cross, dot

Point = tuple[float, float]


@dataclass(frozen=True)
class View:
    """An orthographic camera: ``yaw`` turns it round the vertical, ``pitch`` raises it.

    yaw 0, pitch 0 looks from the figure's right side (the default side view); yaw 90 looks
    from +x (in front of a figure facing right); pitch 90 looks straight down.
    """

    yaw: float
    pitch: float

    @property
    def from_above(self) -> bool:
        """The camera looks down on the floor (no floor line to draw under the figure)."""
        return self.pitch > 1.0

    def axes(self) -> tuple[Vec, Vec, Vec]:
        yaw, pitch = math.radians(self.yaw), math.radians(self.pitch)
        u = (math.cos(yaw), 0.0, -math.sin(yaw))
        w = (math.sin(yaw) * math.cos(pitch), math.sin(pitch), math.cos(yaw) * math.cos(pitch))
        return u, cross(w, u), w

    def projector(self) -> Projector:
        return Projector(*self.axes())


@dataclass(frozen=True)
class Projector:
    u: Vec
    v: Vec
    w: Vec

    def point(self, p: Vec) -> Point:
        """SVG coordinates (y down) of a world point."""
        return (dot(p, self.u), -dot(p, self.v))

    def depth(self, p: Vec) -> float:
        """Larger is nearer the viewer."""
        return dot(p, self.w)


def num(value: float) -> str:
    """A coordinate with one decimal, without trailing zeros or a negative zero."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text in ("-0", "") else text


def pt(p: Point) -> str:
    return f"{num(p[0])} {num(p[1])}"


def circle_path(c: Point, r: float) -> str:
    """A circle as a closed path (same winding as capsule_path, so unions fill cleanly)."""
    start, opposite = (c[0] + r, c[1]), (c[0] - r, c[1])
    rr = num(r)
    return f"M{pt(start)}A{rr} {rr} 0 1 0 {pt(opposite)}A{rr} {rr} 0 1 0 {pt(start)}Z"


def capsule_path(a: Point, b: Point, ra: float, rb: float) -> str:
    """The outline of the hull of two circles (a tapered capsule seen from any side)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    d = math.hypot(dx, dy)
    if d + min(ra, rb) <= max(ra, rb) + 1e-6:
        return circle_path(a, ra) if ra >= rb else circle_path(b, rb)
    ex, ey = dx / d, dy / d
    c = (ra - rb) / d
    s = math.sqrt(max(0.0, 1 - c * c))
    n1 = (c * ex - s * ey, c * ey + s * ex)
    n2 = (c * ex + s * ey, c * ey - s * ex)
    theta = math.acos(max(-1.0, min(1.0, c)))
    large_b = 1 if 2 * theta > math.pi else 0
    large_a = 1 - large_b
    a1 = (a[0] + ra * n1[0], a[1] + ra * n1[1])
    b1 = (b[0] + rb * n1[0], b[1] + rb * n1[1])
    b2 = (b[0] + rb * n2[0], b[1] + rb * n2[1])
    a2 = (a[0] + ra * n2[0], a[1] + ra * n2[1])
    return (
        f"M{pt(a1)}L{pt(b1)}A{num(rb)} {num(rb)} 0 {large_b} 0 {pt(b2)}"
        f"L{pt(a2)}A{num(ra)} {num(ra)} 0 {large_a} 0 {pt(a1)}Z"
    )


def convex_hull(points: list[Point]) -> list[Point]:
    """Andrew's monotone chain."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def turn(o: Point, a: Point, b: Point) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[Point] = []
    for p in pts:
        while len(lower) >= 2 and turn(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[Point] = []
    for p in reversed(pts):
        while len(upper) >= 2 and turn(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def polygon_path(points: list[Point]) -> str:
    if not points:
        return ""
    return "M" + "L".join(pt(p) for p in points) + "Z"


def smooth_path(points: list[Point]) -> str:
    """A path through the points, rounded with quadratic curves at the inner points."""
    if len(points) < 3:
        return "M" + "L".join(pt(p) for p in points)
    out = f"M{pt(points[0])}"
    for i in range(1, len(points) - 1):
        mid = ((points[i][0] + points[i + 1][0]) / 2, (points[i][1] + points[i + 1][1]) / 2)
        out += f"Q{pt(points[i])} {pt(mid)}"
    return out + f"L{pt(points[-1])}"
