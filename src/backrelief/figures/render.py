"""SVG for key poses and movements: a still for each key pose and an animated loop between them.

The loop is a handful of pre-solved frames (joint angles interpolated, kinematics re-run) shown
one at a time by CSS opacity keyframes: articulated limbs cannot be tweened by CSS, but frames
can. With ``prefers-reduced-motion: reduce`` (or no CSS at all) only the still shows: the last
key pose, the earlier ones as a faint silhouette, and an arrow along the movement.

Colours are CSS variables with light and dark defaults (``prefers-color-scheme``); a page can
override them with ``--brfig-line``, ``--brfig-body`` and friends. Outline widths do not scale
with the figure (``vector-effect``), so every figure has the same line weight on screen. A page
player can pace the loop with ``--brfig-period`` (seconds per cycle) and pause it with
``--brfig-play: paused``; restarting the animation at a cue keeps it in step with the timeline.

Every figure's frame is shaped for it (see :func:`frame_shape` and :func:`frame_box`): one of a few
aspect ratios, from 1:2 for a person standing to 3:1 for one lying flat, the one the drawing
fills best, with the drawing centred and 5% of the frame's height clear round it. The root
carries the shape as ``data-frame`` ("1x2" ... "3x1"), so a page can give the figure a frame of
that shape before the image arrives; the still and the loop of a step always share one shape. The
floor line, a wall and a mat seen from the side (class ``bk``) are backdrop and run to the edge.
A figure for the left side of a sided step is the right-side one mirrored (``mirror``).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from itertools import pairwise

from backrelief.figures.body import Skeleton
from backrelief.figures.geometry import Vec, add, dot, scale, sub
from backrelief.figures.highlight import bands
from backrelief.figures.poses import ArrowModel, Pose, pose_library
from backrelief.figures.props import MAT_THICKNESS, Primitive
from backrelief.figures.scene import FRAMES_PER_MOVE, solved_pose, transition
from backrelief.figures.solver import Solved
from backrelief.figures.svg import (
    Point,
    Projector,
    View,
    capsule_path,
    circle_path,
    convex_hull,
    num,
    polygon_path,
    pt,
    smooth_path,
)

PX_PER_CM = 2.4
# The frame shapes a figure can have, by name (width x height). Few on purpose: a page sizes a
# frame by its shape's class, and a handful of shapes fills every drawing to at least a quarter
# of its frame (a person standing, the narrowest, is about 1:6 and fills a 1:2 frame to 0.26).
FRAME_SHAPES = {"1x2": 1 / 2, "3x4": 3 / 4, "1x1": 1.0, "4x3": 4 / 3, "2x1": 2.0, "3x1": 3.0}
FRAME_ASPECT = 4 / 3  # the shape of a frame with no figure in it (the pictogram)
FRAME_MARGIN = 0.05
MIN_ARROW = 16.0
MOVE_SECONDS = 1.4
FIRST_HOLD_SECONDS = 0.8
HOLD_SECONDS = 1.4

STYLE = (
    ".brfig{--l:var(--brfig-line,#34495e);--b:var(--brfig-body,#dbe5ee);--f:var(--brfig-far,#b4c4d2);"
    "--p:var(--brfig-prop,#e9dcc7);--s:var(--brfig-soft,#efe3f0);--y:var(--brfig-ball,#d5dc7c);"
    "--m:var(--brfig-mat,#c7ddd0);--w:var(--brfig-wall,#e8e4dc);--h:var(--brfig-highlight,#f0924c);"
    "--a:var(--brfig-arrow,#1f8a7d)}"
    "@media (prefers-color-scheme:dark){.brfig{--l:var(--brfig-line,#d3dee8);--b:var(--brfig-body,#3d5468);"
    "--f:var(--brfig-far,#2b3c4c);--p:var(--brfig-prop,#6b5f4d);--s:var(--brfig-soft,#5c4a5e);"
    "--y:var(--brfig-ball,#97a23f);--m:var(--brfig-mat,#35503f);--w:var(--brfig-wall,#4a4741);"
    "--h:var(--brfig-highlight,#f4a261);--a:var(--brfig-arrow,#5fd0c0)}}"
    ".brfig .bd,.brfig .fr{fill:var(--b);stroke:var(--l);stroke-width:2.8;paint-order:stroke;"
    "stroke-linejoin:round;vector-effect:non-scaling-stroke}"
    ".brfig .fr{fill:var(--f)}"
    ".brfig .pr,.brfig .sf,.brfig .bl,.brfig .wl{fill:var(--p);stroke:var(--l);stroke-width:1.4;"
    "stroke-linejoin:round;vector-effect:non-scaling-stroke}"
    ".brfig .sf{fill:var(--s)}.brfig .bl{fill:var(--y)}.brfig .wl{fill:var(--w)}"
    ".brfig .dt{fill:none;stroke:var(--l);stroke-width:1;vector-effect:non-scaling-stroke}"
    ".brfig .mt{fill:var(--m)}"
    ".brfig .fl{stroke:var(--l);stroke-width:1.6;vector-effect:non-scaling-stroke}"
    ".brfig .gh{fill:var(--l);fill-opacity:.13}"
    ".brfig .hl{fill:none;stroke:var(--h);stroke-linecap:round;stroke-linejoin:round;opacity:.75}"
    ".brfig .ar{fill:none;stroke:var(--a);stroke-width:3;stroke-linecap:round;"
    "vector-effect:non-scaling-stroke}"
    ".brfig .ah{fill:var(--a)}"
    ".brfig .mv{stroke:var(--a);stroke-width:3.4}"
    ".brfig .ib{fill:var(--brfig-inset,#fff);fill-opacity:.9}"
    # The earlier pose, light on dark, needs more ink to be seen at all than dark on light.
    "@media (prefers-color-scheme:dark){.brfig .ib{fill:var(--brfig-inset,#16212b)}"
    ".brfig .gh{fill-opacity:.24}}"
    ".brfig .io{fill:none;stroke:var(--l);stroke-width:1.4;vector-effect:non-scaling-stroke}"
    ".brfig .sp{fill:var(--l)}"
    ".brfig .lm{fill:none;stroke:var(--l);stroke-width:1;stroke-linecap:round;stroke-opacity:.6;"
    "vector-effect:non-scaling-stroke}"
    ".brfig .ld{fill:none;stroke:var(--l);stroke-width:1.2;stroke-dasharray:3 2;"
    "vector-effect:non-scaling-stroke}"
    ".brfig .sl{fill:none;stroke:var(--l);stroke-width:1.6;stroke-linecap:round;"
    "vector-effect:non-scaling-stroke}"
)


@dataclass
class Bounds:
    x0: float = math.inf
    y0: float = math.inf
    x1: float = -math.inf
    y1: float = -math.inf

    def add(self, p: Point, pad: float = 0.0) -> None:
        self.x0, self.x1 = min(self.x0, p[0] - pad), max(self.x1, p[0] + pad)
        self.y0, self.y1 = min(self.y0, p[1] - pad), max(self.y1, p[1] + pad)


@dataclass
class Drawing:
    """SVG fragments with their depth, collected for painter's-order output."""

    items: list[tuple[float, int, str]] = field(default_factory=list)

    def add(self, depth: float, rank: int, svg: str) -> None:
        self.items.append((depth, rank, svg))

    def svg(self) -> str:
        return "".join(svg for _, _, svg in sorted(self.items, key=lambda item: (item[0], item[1])))


def _parts(skeleton: Skeleton, proj: Projector, bounds: Bounds | None) -> dict[str, tuple[float, str]]:
    """Each body part as (depth, outline path of the union of its capsules)."""
    paths: dict[str, list[str]] = {}
    depths: dict[str, list[float]] = {}
    for capsule in skeleton.capsules:
        if capsule.part == "contact":
            continue
        a, b = proj.point(capsule.a), proj.point(capsule.b)
        paths.setdefault(capsule.part, []).append(capsule_path(a, b, capsule.ra, capsule.rb))
        if capsule.name not in ("nose", "jaw"):
            depths.setdefault(capsule.part, []).extend((proj.depth(capsule.a), proj.depth(capsule.b)))
        if bounds is not None:
            bounds.add(a, capsule.ra)
            bounds.add(b, capsule.rb)
    return {part: (sum(depths[part]) / len(depths[part]), "".join(paths[part])) for part in paths}


def _body(solved: Solved, proj: Projector, highlight: Sequence[str], bounds: Bounds,
          moving: Sequence[str] = ()) -> str:
    parts = _parts(solved.skeleton, proj, bounds)
    torso_depth = parts["torso"][0]
    glow = ""
    for region in highlight:
        for points, width in bands(solved.skeleton, region):
            d = smooth_path([proj.point(p) for p in points])
            glow += f'<path class="hl" stroke-width="{num(width)}" d="{d}"/>'
    drawing = Drawing()
    for part, (depth, d) in parts.items():
        klass = "fr" if depth < torso_depth - 4.0 and part not in ("torso", "head") else "bd"
        if part in moving:
            klass += " mv"
        rank = {"torso": 0, "head": 2}.get(part, 1)
        drawing.add(depth, rank, f'<path class="{klass}" d="{d}"/>')
    # Highlights go over every limb: where to feel it matters more than what is in front.
    return drawing.svg() + glow


def _ghost(solved: Solved, proj: Projector, bounds: Bounds) -> str:
    d = "".join(d for _, d in _parts(solved.skeleton, proj, bounds).values())
    return f'<path class="gh" d="{d}"/>'


def _box_corners(prim: Primitive) -> list[Vec]:
    cx, cy, cz = prim.a
    hx, hy, hz = prim.b
    return [(cx + sx * hx, cy + sy * hy, cz + sz * hz) for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)]


def _ring(centre: Vec, axis: Vec, radius: float, count: int = 20) -> list[Vec]:
    """Points round a circle in the plane perpendicular to ``axis``."""
    helper = (0.0, 1.0, 0.0) if abs(axis[1]) < 0.9 else (1.0, 0.0, 0.0)
    e1 = _unit(_cross(axis, helper))
    e2 = _unit(_cross(axis, e1))
    return [
        add(centre, add(scale(e1, radius * math.cos(2 * math.pi * k / count)),
                        scale(e2, radius * math.sin(2 * math.pi * k / count))))
        for k in range(count)
    ]


def _cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _unit(a: Vec) -> Vec:
    n = math.sqrt(dot(a, a))
    return scale(a, 1.0 / n)


def _props(props: Sequence[Primitive], proj: Projector, bounds: Bounds, view: View) -> str:
    drawing = Drawing()
    classes = {"prop": "pr", "soft": "sf", "ball": "bl", "mat": "mt", "wall": "wl"}
    for prim in props:
        klass = classes[prim.style]
        rank = -1 if prim.style in ("mat", "wall") else 0
        if prim.shape == "sphere":
            c = proj.point(prim.a)
            bounds.add(c, prim.radius)
            svg = f'<path class="{klass}" d="{circle_path(c, prim.radius)}"/>'
            drawing.add(proj.depth(prim.a), rank, svg)
            continue
        if prim.shape == "box":
            corners = _box_corners(prim)
            centre = prim.a
        else:
            axis = _unit(sub(prim.b, prim.a))
            corners = _ring(prim.a, axis, prim.radius) + _ring(prim.b, axis, prim.radius)
            centre = scale(add(prim.a, prim.b), 0.5)
        hull = convex_hull([proj.point(p) for p in corners])
        # In a side view the mat and the wall are backdrop: they may run off the edge of the
        # frame like the floor line. Seen from above, the mat is what says "on the floor".
        backdrop = prim.style == "wall" or (prim.style == "mat" and not view.from_above)
        if not backdrop:
            for p in hull:
                bounds.add(p)
        else:
            klass += " bk"
        svg = f'<path class="{klass}" d="{polygon_path(hull)}"/>'
        if prim.shape == "cylinder":
            svg += _cylinder_detail(prim, proj)
        depth = proj.depth(centre) if rank == 0 else -1e6
        drawing.add(depth, rank, svg)
    return drawing.svg()


def _cylinder_detail(prim: Primitive, proj: Projector) -> str:
    """The near end of a roller: its rim and core, so it reads as a roller from any side."""
    axis = _unit(sub(prim.b, prim.a))
    near = prim.b if proj.depth(prim.b) >= proj.depth(prim.a) else prim.a
    rim = [proj.point(p) for p in _ring(near, axis, prim.radius * 0.999)]
    core = [proj.point(p) for p in _ring(near, axis, prim.radius * 0.4)]
    return f'<path class="dt" d="{polygon_path(rim)}{polygon_path(core)}"/>'


INSET_RADIUS = 26.0  # cm of body shown either side of the inset's centre
INSET_CENTRES = {"lower_back": "L3", "buttock": "hip"}
# The spine drawn in the close-up: the bony bumps from the upper back down to the sacrum, then on
# to the tailbone, so the ball can be seen to sit beside the line and not on it.
SPINE_STATIONS = ("T8", "T12", "L3", "S1")
TAILBONE_CM = 9.0
# Landmarks a person can feel on their own back, so the close-up says where on the back it is:
# the lowest ribs sloping down and out from the spine, and the top rim of the pelvis (the crest
# the hands find at the waist). (station, [(cm across from the spine, cm up from the station)]).
INSET_LANDMARKS = (
    ("T12", ((3.0, 4.0), (8.0, 1.5), (13.0, -3.0))),
    ("S1", ((4.0, 2.0), (9.0, 6.5), (14.0, 5.0), (17.0, 0.5))),
)


def _inset(solved: Solved, kind: str | None, proj: Projector, bounds: Bounds, uid: str,
           mirror: bool) -> str:
    """A round close-up of the back seen from behind, to show where a ball sits: beside the
    spine (the line of bony bumps down to the tailbone), on the muscle, never on the midline.

    The lowest ribs and the rim of the pelvis place it on the back, and a dashed leader runs
    from the close-up to the ball in the main picture, so it also says where on the body."""
    if kind is None:
        return ""
    station = INSET_CENTRES[kind]
    frame = solved.skeleton.frames[station]
    # Looking at the back: right of the picture is the person's right, up is towards the head
    # (in a mirrored figure, the close-up is mirrored with it).
    across = scale(frame[2], -1.0) if mirror else frame[2]
    behind = Projector(across, frame[1], scale(frame[0], -1.0))
    centre = behind.point(solved.skeleton.points[station])
    anchor = proj.point(solved.skeleton.points[station])
    radius = INSET_RADIUS
    cx, cy = anchor[0], bounds.y0 - radius - 6.0
    dx, dy = cx - centre[0], cy - centre[1]

    def at(p: Vec) -> Point:
        x, y = behind.point(p)
        return (x + dx, y + dy)

    landmarks = ""
    for name, offsets in INSET_LANDMARKS:
        base, axes = solved.skeleton.points[name], solved.skeleton.frames[name]
        for sign in (-1.0, 1.0):
            line = [at(add(base, add(scale(axes[2], sign * across), scale(axes[1], up))))
                    for across, up in offsets]
            landmarks += f'<path class="lm" d="{smooth_path(line)}"/>'

    torso = "".join(
        capsule_path(at(c.a), at(c.b), c.ra, c.rb)
        for c in solved.skeleton.capsules
        if c.part == "torso" or c.name.endswith("thigh")
    )
    bumps = [_spinous(solved, name) for name in SPINE_STATIONS]
    down = _unit(sub(bumps[-1], bumps[-2]))
    line = [at(p) for p in [*bumps, add(bumps[-1], scale(down, TAILBONE_CM))]]
    spine = f'<path class="sl" d="{smooth_path(line)}"/>' + "".join(
        f'<path class="sp" d="{circle_path(at(p), 1.3)}"/>' for p in bumps
    )
    spheres = [p for p in solved.props if p.shape == "sphere"]
    balls = "".join(f'<path class="bl" d="{circle_path(at(p.a), p.radius)}"/>' for p in spheres)
    clip = f"{uid}-inset"
    bounds.add((cx, cy), radius + 1.5)
    # A leader from the close-up to the ball in the main picture: this is where it is.
    leaders = ""
    for ball in spheres:
        bx, by = proj.point(ball.a)
        length = math.hypot(bx - cx, by - cy)
        if length > radius + ball.radius:
            ux, uy = (bx - cx) / length, (by - cy) / length
            start = (cx + ux * radius, cy + uy * radius)
            end = (bx - ux * (ball.radius + 1.0), by - uy * (ball.radius + 1.0))
            leaders += f'<path class="ld" d="M{pt(start)}L{pt(end)}"/>'
    return (
        f'<g class="in">{leaders}<clipPath id="{clip}"><path d="{circle_path((cx, cy), radius)}"/></clipPath>'
        f'<path class="ib" d="{circle_path((cx, cy), radius)}"/>'
        f'<g clip-path="url(#{clip})"><path class="bd" d="{torso}"/>{landmarks}{spine}{balls}</g>'
        f'<path class="io" d="{circle_path((cx, cy), radius)}"/></g>'
    )


def _spinous(solved: Solved, station: str) -> Vec:
    """The bony bump of the spine at a station, on the back surface."""
    from backrelief.figures.body import TORSO_STATIONS

    forward, radius, half_width = TORSO_STATIONS[station]
    frame = solved.skeleton.frames[station]
    # Between the two halves of the back the surface dips: the bump sits at that dip.
    depth = forward - (radius * radius - half_width * half_width) ** 0.5
    return add(solved.skeleton.points[station], scale(frame[0], depth))


ARC_STEP_DEGREES = 3.0


def _arc_points(frames: Sequence[Solved], spec: ArrowModel, proj: Projector) -> list[Point]:
    """A turn's arrow: an arc round the upright axis through ``spec.around`` (where it is at
    the start, at its height plus the offset's "up"), from the turning points' first bearing
    round that axis to their last."""
    assert spec.around is not None
    axis = frames[0].skeleton.points[spec.around]
    height = axis[1] + spec.offset[1]
    bearings = []
    for solved in frames:
        pts = [solved.skeleton.points[name] for name in spec.points]
        mid = scale(_sum(pts), 1.0 / len(pts))
        bearings.append(math.atan2(mid[2] - axis[2], mid[0] - axis[0]))
    # Unwrapped, so a turn through the back of the circle is not taken the short way round.
    swept = [bearings[0]]
    for bearing in bearings[1:]:
        step = (bearing - swept[-1] + math.pi) % (2 * math.pi) - math.pi
        swept.append(swept[-1] + step)
    start, end = swept[0], swept[-1]
    count = max(2, math.ceil(abs(math.degrees(end - start)) / ARC_STEP_DEGREES) + 1)
    out = []
    for k in range(count):
        angle = start + (end - start) * k / (count - 1)
        point = (axis[0] + spec.radius * math.cos(angle), height, axis[2] + spec.radius * math.sin(angle))
        out.append(proj.point(point))
    return out


def _arrow_points(frames: Sequence[Solved], spec: ArrowModel, proj: Projector, mirror: bool) -> list[Point]:
    if spec.around is not None:
        return _arc_points(frames, spec, proj)
    out = []
    dx = -spec.offset[0] if mirror else spec.offset[0]
    if spec.lift is not None:
        pts = [frames[0].skeleton.points[name] for name in spec.points]
        x, y = proj.point(scale(_sum(pts), 1.0 / len(pts)))
        x, y = x + dx, y - spec.offset[1]
        return [(x, y), (x, y - spec.lift)]
    for solved in frames:
        pts = [solved.skeleton.points[name] for name in spec.points]
        mid = scale(_sum(pts), 1.0 / len(pts))
        x, y = proj.point(mid)
        out.append((x + dx, y - spec.offset[1]))
    return out


def _sum(points: Sequence[Vec]) -> Vec:
    total: Vec = (0.0, 0.0, 0.0)
    for p in points:
        total = add(total, p)
    return total


def _arrow_svg(points: list[Point], bounds: Bounds) -> str:
    """A curved arrow along ``points``, trimmed at both ends, with a filled head."""
    lengths = [0.0]
    for p, q in pairwise(points):
        lengths.append(lengths[-1] + math.dist(p, q))
    total = lengths[-1]
    if total < 1.0:
        return ""
    if total < MIN_ARROW:
        # A small movement still gets a readable arrow: straight, centred on the movement.
        (x0, y0), (x1, y1) = points[0], points[-1]
        span = math.hypot(x1 - x0, y1 - y0) or 1.0
        dx, dy = (x1 - x0) / span, (y1 - y0) / span
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        half = MIN_ARROW / 2
        points = [(mx - dx * half, my - dy * half), (mx + dx * half, my + dy * half)]
        lengths, total = [0.0, MIN_ARROW], MIN_ARROW
    start, end = total * 0.08, total - max(total * 0.06, 1.0)

    def at(s: float) -> Point:
        for i in range(1, len(lengths)):
            if lengths[i] >= s:
                span = lengths[i] - lengths[i - 1] or 1.0
                t = (s - lengths[i - 1]) / span
                p, q = points[i - 1], points[i]
                return (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t)
        return points[-1]

    samples = [at(start + (end - start) * k / 10) for k in range(11)]
    tip, before = samples[-1], samples[-2]
    dx, dy = tip[0] - before[0], tip[1] - before[1]
    norm = math.hypot(dx, dy) or 1.0
    dx, dy = dx / norm, dy / norm
    size = 5.0
    base = (tip[0] - dx * size, tip[1] - dy * size)
    left = (base[0] - dy * size * 0.6, base[1] + dx * size * 0.6)
    right = (base[0] + dy * size * 0.6, base[1] - dx * size * 0.6)
    shaft = [*samples[:-1], base]
    for p in samples:
        bounds.add(p)
    for p in (tip, left, right):
        bounds.add(p)
    return (
        f'<path class="ar" d="{smooth_path(shaft)}"/>'
        f'<path class="ah" d="M{pt(tip)}L{pt(left)}L{pt(right)}Z"/>'
    )


@dataclass(frozen=True)
class Timing:
    """Seconds for each part of one loop (the player may stretch the whole loop)."""

    first_hold: float = FIRST_HOLD_SECONDS
    hold: float = HOLD_SECONDS
    move: float = MOVE_SECONDS


def _uid(pose_ids: Sequence[str], animated: bool, period: float | None, mirror: bool) -> str:
    key = "|".join(pose_ids) + f"|{animated}|{period}" + ("|mirror" if mirror else "")
    digest = hashlib.sha1(key.encode()).hexdigest()
    return "bf" + digest[:8]


def render_poses(
    pose_ids: Sequence[str],
    *,
    title: str,
    description: str,
    animated: bool = True,
    timing: Timing | None = None,
    period: float | None = None,
    mirror: bool = False,
) -> str:
    """One figure for a sequence of key poses: a still, plus a loop when ``animated``.

    ``period`` sets the loop's length in seconds (default: a calm pace from ``timing``); the
    root element carries it as ``data-period`` and, as ``data-key-times``, the fraction of the
    loop at which each key pose is reached. ``mirror`` draws the picture flipped left to right:
    the same movement done on the other side of the body, seen from that side.
    """
    # The frame's shape comes from the still, so a page that shows the loop, or the still to
    # someone who asked for less motion, keeps one frame for the step.
    shape = None
    if animated:
        _, still_bounds = _render(pose_ids, title=title, description=description, animated=False,
                                  timing=timing, period=period, mirror=mirror, shape=None)
        shape = frame_shape(still_bounds)
    svg, _ = _render(pose_ids, title=title, description=description, animated=animated,
                     timing=timing, period=period, mirror=mirror, shape=shape)
    return svg


def _render(
    pose_ids: Sequence[str],
    *,
    title: str,
    description: str,
    animated: bool,
    timing: Timing | None,
    period: float | None,
    mirror: bool,
    shape: str | None,
) -> tuple[str, Bounds]:
    """The SVG of :func:`render_poses` in a frame of ``shape`` (None: the best for the drawing),
    and the bounds of what it draws."""
    library = pose_library()
    poses = [library[pose_id] for pose_id in pose_ids]
    if not poses:
        raise ValueError("a figure needs at least one pose")
    view = View(*poses[0].view)
    proj = view.projector()
    if mirror:
        proj = Projector(scale(proj.u, -1.0), proj.v, proj.w)
    uid = _uid(pose_ids, animated, period, mirror)
    bounds = Bounds()
    keys = [solved_pose(pose.id) for pose in poses]
    moves = [transition(a.id, b.id, FRAMES_PER_MOVE) for a, b in pairwise(poses)]

    # The still shows the last new pose of the sequence (in "kneel, lift, rest, lift" that is
    # the rest), the earlier ones as faint silhouettes, and the moves that lead up to it.
    shown = max(i for i, pose in enumerate(poses) if pose.id not in [p.id for p in poses[:i]])
    arrows = ""
    for index in range(1, shown + 1):
        pose = poses[index]
        if pose.arrow is not None:
            path = [keys[index - 1], *moves[index - 1], keys[index]]
            arrows += _arrow_svg(_arrow_points(path, pose.arrow, proj, mirror), bounds)

    final = keys[shown]
    ghosts: dict[str, Solved] = {}
    if poses[shown].ghost:
        for key, pose in zip(keys[:shown], poses[:shown], strict=True):
            if pose.id != poses[shown].id:
                ghosts.setdefault(pose.id, key)
    still = "".join(_ghost(key, proj, bounds) for key in ghosts.values())
    still += _body(final, proj, poses[shown].highlight, bounds, poses[shown].moving)

    frames_svg, css = "", ""
    animate = animated and len(poses) > 1
    shared_props = _same_props(poses) or not animate
    props_svg = _props(final.props, proj, bounds, view) if shared_props else ""
    if animate:
        frames_svg, css, loop, key_times = _animation(
            uid, poses, keys, proj, bounds, view, shared_props, timing or Timing(), period
        )
    floor = _floor_level(final.props, bounds, view)
    inset = _inset(final, poses[shown].inset, proj, bounds, uid, mirror)

    shape = shape or frame_shape(bounds)
    x0, y0, width, height = frame_box(bounds, FRAME_SHAPES[shape])
    ground = "" if floor is None else (
        f'<path class="fl bk" d="M{num(x0)} {num(floor)}H{num(x0 + width)}"/>'
    )
    attrs = [
        'xmlns="http://www.w3.org/2000/svg"',
        f'viewBox="{num(x0)} {num(y0)} {num(width)} {num(height)}"',
        f'width="{round(width * PX_PER_CM)}" height="{round(height * PX_PER_CM)}"',
        f'class="brfig {uid}"',
        'role="img"',
        f'aria-labelledby="{uid}-t {uid}-d"',
        f'data-poses="{" ".join(pose_ids)}"',
        f'data-frame="{shape}"',
    ]
    if mirror:
        attrs.append('data-mirrored="true"')
    if animate:
        attrs.append(f'data-period="{loop:.2f}"')
        attrs.append(f'data-key-times="{" ".join(f"{t:.3f}" for t in key_times)}"')
    head = (
        f"<svg {' '.join(attrs)}><title id=\"{uid}-t\">{escape(title)}</title>"
        f'<desc id="{uid}-d">{escape(description)}</desc><style>{STYLE}{css}</style>'
    )
    still_group = f'<g class="st">{still}</g>' if animate else still
    svg = head + ground + props_svg + frames_svg + still_group + arrows + inset + "</svg>"
    return svg, bounds


def frame_fill(bounds: Bounds, aspect: float) -> float:
    """How much of a frame of this aspect (width / height) the drawing's box covers."""
    _, _, width, height = frame_box(bounds, aspect)
    return (bounds.x1 - bounds.x0) * (bounds.y1 - bounds.y0) / (width * height)


def frame_shape(bounds: Bounds) -> str:
    """The name of the frame shape (``FRAME_SHAPES``) that this drawing fills the most of."""
    return max(FRAME_SHAPES, key=lambda name: frame_fill(bounds, FRAME_SHAPES[name]))


def frame_box(bounds: Bounds, aspect: float = FRAME_ASPECT) -> tuple[float, float, float, float]:
    """The viewBox (x, y, width, height) for a drawing with these bounds, ``aspect`` wide.

    The drawing is centred with at least ``FRAME_MARGIN`` of the frame's height clear all
    round, exactly that on the two sides it fills: it fills the frame's height or its width,
    and a page can show it in a frame of that shape without cropping it.
    """
    width, height = bounds.x1 - bounds.x0, bounds.y1 - bounds.y0
    frame_h = max(width / (aspect - 2 * FRAME_MARGIN), height / (1 - 2 * FRAME_MARGIN))
    frame_w = frame_h * aspect
    cx, cy = (bounds.x0 + bounds.x1) / 2, (bounds.y0 + bounds.y1) / 2
    return cx - frame_w / 2, cy - frame_h / 2, frame_w, frame_h


def _same_props(poses: Sequence[Pose]) -> bool:
    return all(pose.props == poses[0].props for pose in poses)


FLOOR_LINE_PITCH = 25.0  # up to this camera pitch, a figure with no mat stands on a floor line


def _floor_level(props: Sequence[Primitive], bounds: Bounds, view: View) -> float | None:
    """Where the floor line goes: under a side view at the floor (under the mat if there is
    one); under a front view from a little above, along the bottom of what rests on the floor.
    None when the camera looks down on a mat: the mat shows the floor instead."""
    mat = any(p.style == "mat" for p in props)
    if not view.from_above:
        y = MAT_THICKNESS if mat else 0.0
    elif not mat and view.pitch <= FLOOR_LINE_PITCH:
        y = bounds.y1
    else:
        return None
    bounds.add((bounds.x0, y))
    return y


def _animation(
    uid: str,
    poses: Sequence[Pose],
    keys: Sequence[Solved],
    proj: Projector,
    bounds: Bounds,
    view: View,
    shared_props: bool,
    timing: Timing,
    period_override: float | None = None,
) -> tuple[str, str, float, list[float]]:
    """Frame groups and the CSS that shows each in its time window.

    Returns the SVG, the CSS, the loop period in seconds and, for each key pose in order, the
    fraction of the loop at which it is reached (a player lines its cues up with these).
    """
    n = len(poses)
    groups: list[str] = []
    windows: list[list[tuple[float, float]]] = []
    clock = 0.0

    def group(solved: Solved, pose: Pose) -> int:
        body = _body(solved, proj, pose.highlight, bounds, pose.moving)
        props = "" if shared_props else _props(solved.props, proj, bounds, view)
        groups.append(props + body)
        windows.append([])
        return len(groups) - 1

    def show(index: int, seconds: float) -> None:
        nonlocal clock
        windows[index].append((clock, clock + seconds))
        clock += seconds

    # A pose that comes back (start, left, start, right) and a move that is undone (A to B, then
    # B to A) reuse the frames already drawn: smaller files, same picture.
    key_groups: dict[str, int] = {}
    move_groups: dict[tuple[str, str], list[int]] = {}

    def key_group(i: int) -> int:
        if poses[i].id not in key_groups:
            key_groups[poses[i].id] = group(keys[i], poses[i])
        return key_groups[poses[i].id]

    def move_group(i: int, j: int) -> list[int]:
        a, b = poses[i].id, poses[j].id
        if (a, b) not in move_groups:
            if (b, a) in move_groups:
                return list(reversed(move_groups[(b, a)]))
            frames = transition(a, b, FRAMES_PER_MOVE)
            move_groups[(a, b)] = [group(f, poses[i if k < len(frames) / 2 else j])
                                   for k, f in enumerate(frames)]
        return move_groups[(a, b)]

    per_frame = timing.move / FRAMES_PER_MOVE
    reached = []
    for i in range(n):
        reached.append(clock)
        show(key_group(i), timing.first_hold if i == 0 else timing.hold)
        for index in move_group(i, (i + 1) % n):
            show(index, per_frame)
    # Windows are kept as fractions of the loop, so any period keeps the same choreography.
    natural = clock
    key_times = [t / natural for t in reached]
    period = period_override or natural

    svg, css = "", []
    for index, body in enumerate(groups):
        svg += f'<g class="fm f{index}">{body}</g>'
        stops = []
        for start, end in windows[index]:
            stops.append(f"{_pct(start / natural)}{{opacity:1}}{_pct(end / natural)}{{opacity:0}}")
        if not windows[index] or windows[index][0][0] > 0:
            stops.insert(0, "0%{opacity:0}")
        css.append(f"@keyframes {uid}-{index}{{{''.join(stops)}}}")
    animation = "".join(
        f".{uid} .f{index}{{animation-name:{uid}-{index}}}" for index in range(len(groups))
    )
    css_text = (
        f".{uid} .fm{{opacity:0}}"
        f"@media (prefers-reduced-motion:no-preference){{.{uid} .st{{opacity:0}}"
        f".{uid} .fm{{animation-duration:var(--brfig-period,{period:.2f}s);"
        "animation-timing-function:step-end;animation-iteration-count:infinite;"
        f"animation-play-state:var(--brfig-play,running)}}{animation}}}" + "".join(css)
    )
    return svg, css_text, period, key_times


def _pct(fraction: float) -> str:
    text = f"{fraction * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"
