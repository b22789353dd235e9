"""Settle a posed body on its contacts: the floor, a roller, a ball, a chair, a wall.

A pose gives joint angles and a rough pelvis placement. The solver moves and tilts the whole
body, and may nudge the joints a pose marks as ``free`` (within human ranges), until every
declared contact touches and nothing sinks into the floor or a prop. It is a small
Levenberg-Marquardt least-squares fit with a numerical Jacobian: a dozen unknowns at most, so
pure Python is fast enough, and the result is deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from backrelief.figures.body import (
    SURFACES,
    Capsule,
    Skeleton,
    forward_kinematics,
    landmark,
    range_for,
)
from backrelief.figures.geometry import (
    Mat,
    Vec,
    add,
    closest_on_segment,
    distance,
    lerp,
    mat_mul,
    rot_x,
    rot_y,
    rot_z,
    sub,
)
from backrelief.figures.props import FAR, Primitive, floor_gap, gap

# Contacts closer than this count as touching; a body part may press this far into a surface
# (soft tissue, a cushion) before it counts as going through it.
CONTACT_TOLERANCE = 1.0
PENETRATION_TOLERANCE = 0.6
ROOT_DOFS = ("tx", "ty", "tz", "rx", "ry", "rz")
# Landmarks that only say which way a limb should point (elbows out wide): a gentle pull, so
# they never stop the hand reaching where it must.
SOFT_LANDMARKS = frozenset(
    {"r_elbow_wide", "l_elbow_wide", "r_elbow_front", "l_elbow_front", "small_of_back_l"}
)
SOFT_REACH = 0.3


@dataclass(frozen=True)
class Placement:
    """Where the pelvis is, which way it faces, and every joint angle."""

    origin: Vec
    orientation: Mat
    angles: dict[str, float]


@dataclass(frozen=True)
class Solved:
    """A posed, settled body with the props it uses and how well its contacts hold."""

    placement: Placement
    skeleton: Skeleton
    props: tuple[Primitive, ...]
    contacts: tuple[tuple[str, str], ...]
    contact_gaps: dict[tuple[str, str], float]
    clearance: float  # smallest gap of any body part to the floor or a prop (negative = inside)
    clearance_at: str  # which body part and surface that is
    reach_misses: dict[tuple[str, str], float]  # how far each "reach" point is from its landmark


def _gaps(skeleton: Skeleton, body_surface: str, surface: str, props: Sequence[Primitive]) -> list[float]:
    names = SURFACES[body_surface]
    capsules = [c for c in skeleton.capsules if c.name in names]
    if surface == "floor":
        return [v for c in capsules for v in (c.a[1] - c.ra, c.b[1] - c.rb)]
    targets = [p for p in props if p.surface == surface]
    return [gap(c, p) for c in capsules for p in targets]


def surface_gap(skeleton: Skeleton, body_surface: str, surface: str, props: Sequence[Primitive]) -> float:
    """The gap between a named body surface and a named prop surface (0 = touching)."""
    return min(_gaps(skeleton, body_surface, surface, props))


def _soft_min(values: Sequence[float], softness: float) -> float:
    """A smooth minimum: every candidate point keeps a say, so the fit is not stuck when the
    nearest point cannot move (an upper arm whose shoulder end is pinned above the floor)."""
    low = min(values)
    return low - softness * math.log(sum(math.exp((low - v) / softness) for v in values))


def clearance(skeleton: Skeleton, props: Sequence[Primitive]) -> tuple[float, str]:
    """The deepest any capsule goes into the floor or a solid prop (the mat counts as floor)."""
    worst, where = FAR, ""
    solids = [p for p in props if p.style != "mat"]
    for capsule in skeleton.capsules:
        value = floor_gap(capsule)
        if value < worst:
            worst, where = value, f"{capsule.name} / floor"
        for prim in solids:
            value = gap(capsule, prim, margin=2.0)
            if value < worst:
                worst, where = value, f"{capsule.name} / {prim.surface}"
    return worst, where


def _penetrations(capsules: Sequence[Capsule], solids: Sequence[Primitive]) -> list[float]:
    out = []
    for capsule in capsules:
        value = floor_gap(capsule)
        for prim in solids:
            value = min(value, gap(capsule, prim, margin=2.0, precise=False))
        out.append(min(0.0, value))
    return out


def _through_trunk(skeleton: Skeleton, limbs: Sequence[Capsule]) -> list[float]:
    torso = [c for c in skeleton.capsules if c.name.startswith("torso.")]
    out = []
    for limb in limbs:
        if not limb.name.endswith(("upper_arm", "forearm")):
            continue
        worst = 0.0
        for k in (0.4, 0.6, 0.8):
            point = lerp(limb.a, limb.b, k)
            for part in torso:
                t = closest_on_segment(point, part.a, part.b)
                depth = part.ra + (part.rb - part.ra) * t - distance(point, lerp(part.a, part.b, t))
                worst = max(worst, depth - 2.0)
        out.append(-worst)
    return out


def _solve_linear(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the systems here are at most ~12 x 12)."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        if abs(m[col][col]) < 1e-12:
            continue
        for row in range(col + 1, n):
            factor = m[row][col] / m[col][col]
            if factor:
                for k in range(col, n + 1):
                    m[row][k] -= factor * m[col][k]
    x = [0.0] * n
    for row in range(n - 1, -1, -1):
        if abs(m[row][row]) < 1e-12:
            continue
        total = m[row][n] - sum(m[row][k] * x[k] for k in range(row + 1, n))
        x[row] = total / m[row][row]
    return x


def solve(
    start: Placement,
    contacts: Sequence[tuple[str, str]],
    free: Sequence[str],
    props: Sequence[Primitive],
    *,
    root: Sequence[str] = ("tx", "ty", "rz"),
    reach: Sequence[tuple[str, str]] = (),
    pins: Sequence[tuple[str, Vec]] = (),
    iterations: int = 40,
) -> Solved:
    """Move, tilt and (for ``free`` joints) bend the body until its contacts hold.

    ``root`` lists which of the pelvis's translations (tx, ty, tz) and rotations about the world
    axes (rx, ry, rz) the fit may change; by default it stays in the plane of a side view.

    Arms that ``reach`` for a place on the body are fitted afterwards, one at a time, with the
    body held still: small separate problems converge far more reliably than one big one.
    """
    reaching = sorted({p[0] for p, _ in reach if p[:2] in ("r_", "l_") and p[2:] in ARM_POINTS})
    # A reaching arm is placed by its reach: its shoulder and elbow are solved whatever ``free``
    # says (its wrist, forearm turn or shoulder-blade slide too when listed).
    arm_keys = {
        side: list(dict.fromkeys(
            [f"{side}_shoulder.{dof}" for dof in ("flex", "abduct", "rotate")]
            + [f"{side}_elbow.flex"]
            + [k for k in free if k.split(".")[0] in ARM_JOINTS[side]]
        ))
        for side in reaching
    }
    arm_capsules = {side: ARM_CAPSULES[side] for side in reaching}
    held = {name for names in arm_capsules.values() for name in names}

    def arm_side(surface: str) -> str | None:
        for side, names in arm_capsules.items():
            if set(SURFACES[surface]) <= names:
                return side
        return None

    body_keys = [k for k in free if not any(k in keys for keys in arm_keys.values())]
    body_contacts = [c for c in contacts if arm_side(c[0]) is None]
    body_reach = [r for r in reach if r[0][:2] not in tuple(f"{side}_" for side in reaching)]
    def not_held(name: str) -> bool:
        return name not in held

    placement, _ = _fit(start, root, body_keys, body_contacts, body_reach, pins, props, not_held, iterations)
    for side in reaching:
        # An arm can wind round its shoulder more than one way: try a few turns of the upper arm
        # and keep the best fit (cheap, since only the arm's few angles move).
        best: tuple[float, Placement] | None = None
        for turn in ARM_TURNS:
            trial = placement
            key = f"{side}_shoulder.rotate"
            if turn and key in arm_keys[side]:
                low, high = range_for(key)
                angles = dict(placement.angles)
                angles[key] = max(low, min(high, angles[key] + turn))
                trial = Placement(placement.origin, placement.orientation, angles)
            elif turn:
                continue
            fitted, cost = _fit(
                trial, (), arm_keys[side], [c for c in contacts if arm_side(c[0]) == side],
                [r for r in reach if r[0].startswith(f"{side}_")], (), props,
                arm_capsules[side].__contains__, iterations,
            )
            if best is None or cost < best[0] - 1e-6:
                best = (cost, fitted)
        assert best is not None
        placement = best[1]
    return measure(placement, contacts, reach, props)


def measure(
    placement: Placement,
    contacts: Sequence[tuple[str, str]],
    reach: Sequence[tuple[str, str]],
    props: Sequence[Primitive],
) -> Solved:
    """Pose the body as placed and measure how well its contacts and reaches hold."""
    skeleton = forward_kinematics(placement.angles, placement.origin, placement.orientation)
    gaps = {(body, surface): surface_gap(skeleton, body, surface, props) for body, surface in contacts}
    worst, where = clearance(skeleton, props)
    misses = {(point, target): distance(skeleton.points[point], landmark(skeleton, target))
              for point, target in reach}
    return Solved(placement, skeleton, tuple(props), tuple(contacts), gaps, worst, where, misses)


ARM_TURNS = (0.0, 60.0, -60.0, 120.0)
ARM_POINTS = frozenset({"shoulder", "elbow", "wrist", "hand", "palm"})
ARM_JOINTS = {side: {f"{side}_shoulder", f"{side}_elbow", f"{side}_wrist"} for side in ("r", "l")}
ARM_CAPSULES = {
    side: {f"{side}_{name}" for name in ("upper_arm", "forearm", "hand", "wrist", "fingers", "elbow")}
    for side in ("r", "l")
}


def _fit(
    start: Placement,
    root: Sequence[str],
    free: Sequence[str],
    contacts: Sequence[tuple[str, str]],
    reach: Sequence[tuple[str, str]],
    pins: Sequence[tuple[str, Vec]],
    props: Sequence[Primitive],
    checked: Callable[[str], bool],
    iterations: int,
) -> tuple[Placement, float]:
    """One least-squares fit over some root moves and some joint angles."""
    solids = [p for p in props if p.style != "mat"]
    bounds = [range_for(key) for key in free]
    slots = [ROOT_DOFS.index(name) for name in root]
    count = len(slots)

    def place(params: Sequence[float]) -> Placement:
        full = [0.0] * 6
        for slot, value in zip(slots, params[:count], strict=True):
            full[slot] = value
        tx, ty, tz, rx, ry, rz = full
        angles = dict(start.angles)
        for key, value in zip(free, params[count:], strict=True):
            angles[key] = value
        turn = mat_mul(mat_mul(rot_z(rz), rot_y(ry)), rot_x(rx))
        return Placement(add(start.origin, (tx, ty, tz)), mat_mul(turn, start.orientation), angles)

    sharpness = {"softness": 1.5}

    def residuals(params: Sequence[float]) -> list[float]:
        placed = place(params)
        skeleton = forward_kinematics(placed.angles, placed.origin, placed.orientation)
        softness = sharpness["softness"]
        if softness:
            out = [_soft_min(_gaps(skeleton, body, surface, props), softness) for body, surface in contacts]
        else:
            out = [surface_gap(skeleton, body, surface, props) for body, surface in contacts]
        capsules = [c for c in skeleton.capsules if checked(c.name)]
        out += [4.0 * value for value in _penetrations(capsules, solids)]
        if not root:
            # Fitting a limb on its own: keep it out of the trunk (an arm folds over the chest,
            # it does not pass through it).
            out += [2.0 * value for value in _through_trunk(skeleton, capsules)]
        for point, target in reach:
            weight = SOFT_REACH if target in SOFT_LANDMARKS else 1.0
            out += [weight * v for v in sub(skeleton.points[point], landmark(skeleton, target))]
        for point, where in pins:
            out += list(sub(skeleton.points[point], where))
        # Weak priors keep whatever the contacts leave undetermined where the pose put it.
        out += [(0.01 if name.startswith("t") else 0.02) * v for name, v in zip(root, params, strict=False)]
        out += [0.01 * (v - start.angles[key]) for key, v in zip(free, params[count:], strict=True)]
        return out

    params = [0.0] * count + [start.angles[key] for key in free]
    if not params:
        return start, 0.0
    # First with soft contacts (to find the way), then sharper ones (to land on the surface).
    for softness in (1.5, 0.3, 0.0):
        sharpness["softness"] = softness
        params = _levenberg_marquardt(residuals, params, count, bounds, iterations // 2)
    return place(params), sum(r * r for r in residuals(params))


def _levenberg_marquardt(
    residuals: Callable[[Sequence[float]], list[float]],
    params: list[float],
    count: int,
    bounds: Sequence[tuple[float, float]],
    iterations: int,
) -> list[float]:
    def clamp(values: list[float]) -> list[float]:
        out = values[:count]
        for value, (low, high) in zip(values[count:], bounds, strict=True):
            out.append(max(low, min(high, value)))
        return out

    current = residuals(params)
    cost = sum(r * r for r in current)
    damping = 1e-2
    step = 1e-3
    converged = False
    for _ in range(iterations):
        if cost < 1e-8:
            break
        columns = []
        for i in range(len(params)):
            nudged = params[:]
            nudged[i] += step
            columns.append([(b - a) / step for a, b in zip(current, residuals(nudged), strict=True)])
        n = len(params)
        jtj = [[sum(p * q for p, q in zip(columns[i], columns[j], strict=True)) for j in range(n)]
               for i in range(n)]
        jtr = [sum(p * r for p, r in zip(columns[i], current, strict=True)) for i in range(n)]
        improved = False
        for _attempt in range(6):
            lhs = [row[:] for row in jtj]
            for i in range(n):
                lhs[i][i] += damping * (jtj[i][i] + 1e-6)
            delta = _solve_linear(lhs, [-g for g in jtr])
            trial = clamp([p + d for p, d in zip(params, delta, strict=True)])
            trial_residuals = residuals(trial)
            trial_cost = sum(r * r for r in trial_residuals)
            if trial_cost < cost:
                params, current = trial, trial_residuals
                converged = cost - trial_cost < 1e-4 * (1 + cost)
                cost = trial_cost
                damping = max(damping / 3, 1e-7)
                improved = True
                break
            damping *= 4
        if not improved or converged or math.sqrt(sum(d * d for d in delta)) < 1e-5:
            break
    return params
