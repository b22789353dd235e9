"""Small 3D vector, rotation and distance helpers (pure Python: no numpy in the wheel).

Matrices are stored column-major as three column vectors, so ``m[0]`` is the local x axis of a
frame expressed in world coordinates. Angles are in degrees everywhere in this package.
"""

from __future__ import annotations

import math

Vec = tuple[float, float, float]
Mat = tuple[Vec, Vec, Vec]

IDENTITY: Mat = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))


def add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def scale(a: Vec, k: float) -> Vec:
    return (a[0] * k, a[1] * k, a[2] * k)


def dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def length(a: Vec) -> float:
    return math.sqrt(dot(a, a))


def distance(a: Vec, b: Vec) -> float:
    return length(sub(a, b))


def lerp(a: Vec, b: Vec, t: float) -> Vec:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t)


def mat_vec(m: Mat, v: Vec) -> Vec:
    """``m @ v``: a local vector expressed in the frame's parent coordinates."""
    x, y, z = m
    return (
        x[0] * v[0] + y[0] * v[1] + z[0] * v[2],
        x[1] * v[0] + y[1] * v[1] + z[1] * v[2],
        x[2] * v[0] + y[2] * v[1] + z[2] * v[2],
    )


def mat_mul(a: Mat, b: Mat) -> Mat:
    (a00, a10, a20), (a01, a11, a21), (a02, a12, a22) = a
    (b00, b10, b20), (b01, b11, b21), (b02, b12, b22) = b
    # Written out in full: this is the inner loop of the solver.
    return (
        (a00 * b00 + a01 * b10 + a02 * b20,
         a10 * b00 + a11 * b10 + a12 * b20,
         a20 * b00 + a21 * b10 + a22 * b20),
        (a00 * b01 + a01 * b11 + a02 * b21,
         a10 * b01 + a11 * b11 + a12 * b21,
         a20 * b01 + a21 * b11 + a22 * b21),
        (a00 * b02 + a01 * b12 + a02 * b22,
         a10 * b02 + a11 * b12 + a12 * b22,
         a20 * b02 + a21 * b12 + a22 * b22),
    )


def rot_x(degrees: float) -> Mat:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return ((1.0, 0.0, 0.0), (0.0, c, s), (0.0, -s, c))


def rot_y(degrees: float) -> Mat:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return ((c, 0.0, -s), (0.0, 1.0, 0.0), (s, 0.0, c))


def rot_z(degrees: float) -> Mat:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return ((c, s, 0.0), (-s, c, 0.0), (0.0, 0.0, 1.0))


# Quaternions (w, x, y, z) only serve to interpolate root orientations between key poses.
Quat = tuple[float, float, float, float]


def mat_to_quat(m: Mat) -> Quat:
    (m00, m10, m20), (m01, m11, m21), (m02, m12, m22) = m
    trace = m00 + m11 + m22
    if trace > 0:
        s = math.sqrt(trace + 1.0) * 2
        q = (0.25 * s, (m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s)
    elif m00 > m11 and m00 > m22:
        s = math.sqrt(1.0 + m00 - m11 - m22) * 2
        q = ((m21 - m12) / s, 0.25 * s, (m01 + m10) / s, (m02 + m20) / s)
    elif m11 > m22:
        s = math.sqrt(1.0 + m11 - m00 - m22) * 2
        q = ((m02 - m20) / s, (m01 + m10) / s, 0.25 * s, (m12 + m21) / s)
    else:
        s = math.sqrt(1.0 + m22 - m00 - m11) * 2
        q = ((m10 - m01) / s, (m02 + m20) / s, (m12 + m21) / s, 0.25 * s)
    return q


def quat_to_mat(q: Quat) -> Mat:
    w, x, y, z = q
    return (
        (1 - 2 * (y * y + z * z), 2 * (x * y + w * z), 2 * (x * z - w * y)),
        (2 * (x * y - w * z), 1 - 2 * (x * x + z * z), 2 * (y * z + w * x)),
        (2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y)),
    )


def slerp(a: Quat, b: Quat, t: float) -> Quat:
    cosine = sum(p * q for p, q in zip(a, b, strict=True))
    if cosine < 0:
        b, cosine = (-b[0], -b[1], -b[2], -b[3]), -cosine
    if cosine > 0.9995:
        mixed = tuple(p + (q - p) * t for p, q in zip(a, b, strict=True))
    else:
        theta = math.acos(cosine)
        sa, sb = math.sin((1 - t) * theta), math.sin(t * theta)
        mixed = tuple((p * sa + q * sb) / math.sin(theta) for p, q in zip(a, b, strict=True))
    norm = math.sqrt(sum(c * c for c in mixed))
    w, x, y, z = (c / norm for c in mixed)
    return (w, x, y, z)


def closest_on_segment(p: Vec, a: Vec, b: Vec) -> float:
    """The parameter t in [0, 1] of the point of segment ab nearest to p."""
    ab = sub(b, a)
    denominator = dot(ab, ab)
    if denominator == 0:
        return 0.0
    return max(0.0, min(1.0, dot(sub(p, a), ab) / denominator))


def closest_between_segments(p1: Vec, q1: Vec, p2: Vec, q2: Vec) -> tuple[float, float]:
    """Parameters (s, t) of the closest points of segments p1q1 and p2q2 (Ericson, RTCD 5.1.9)."""
    d1, d2, r = sub(q1, p1), sub(q2, p2), sub(p1, p2)
    a, e, f = dot(d1, d1), dot(d2, d2), dot(d2, r)
    if a <= 1e-12 and e <= 1e-12:
        return 0.0, 0.0
    if a <= 1e-12:
        return 0.0, max(0.0, min(1.0, f / e))
    c = dot(d1, r)
    if e <= 1e-12:
        return max(0.0, min(1.0, -c / a)), 0.0
    b = dot(d1, d2)
    denominator = a * e - b * b
    s = max(0.0, min(1.0, (b * f - c * e) / denominator)) if denominator > 1e-12 else 0.0
    t = (b * s + f) / e
    if t < 0:
        t, s = 0.0, max(0.0, min(1.0, -c / a))
    elif t > 1:
        t, s = 1.0, max(0.0, min(1.0, (b - c) / a))
    return s, t
