"""The articulated body: fixed segment lengths, joint ranges and forward kinematics.

The body is a 3D stick figure dressed in capsules (a segment swept by a sphere whose radius may
taper), so one model projects cleanly to any view: side for most steps, from the head end or
above where the movement is a rotation. Proportions follow standard anthropometric segment
ratios for a 170 cm adult (Winter, *Biomechanics and Motor Control of Human Movement*, table
4.1); units are centimetres.

Body frame (the pelvis, standing in anatomical position): x points forward (anterior), y up
(superior), z to the person's right. Positive angles:

- spine ``flex`` rounds forward, ``bend`` leans to the right, ``rotate`` turns the chest left;
- hip/shoulder ``flex`` swings the limb forward, ``abduct`` out to the side, ``rotate`` turns
  it outwards (external rotation); shoulder ``protract`` slides the shoulder blade forward
  round the chest (degrees about the neck); knee/elbow ``flex`` bends them; ankle ``flex`` lifts the toes
  (dorsiflexion; negative points the foot); wrist ``flex`` bends the palm forward.

Because every point is computed from fixed lengths and angles, limb lengths cannot change
between poses; the tests check it all the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from backrelief.figures.geometry import (
    Mat,
    Vec,
    add,
    mat_mul,
    mat_vec,
    rot_x,
    rot_y,
    rot_z,
    scale,
)

SIDES = ("r", "l")

# Segment lengths (cm).
PELVIS_TO_SACRUM: Vec = (-5.0, 9.0, 0.0)  # hip-joint centre to the top of the sacrum (S1)
HIP_HALF_WIDTH = 8.5
PUBIS: Vec = (9.0, -3.0, 0.0)  # hip-joint centre to the front of the pelvis (shows its tilt)
LUMBAR_SEGMENT = 9.0  # S1-L3, L3-T12
THORACIC_SEGMENT = 9.5  # T12-T8, T8-T4, T4-C7
NECK = 10.0  # C7 to the base of the skull
HEAD_CENTRE: Vec = (2.0, 7.0, 0.0)  # from the base of the skull, in the head frame
HEAD_RADIUS = 10.0
SHOULDER_OFFSET: Vec = (0.0, -5.0, 17.0)  # C7 to the right shoulder joint (z mirrored left)
UPPER_ARM = 30.0
FOREARM = 26.0
HAND = 14.0
THIGH = 42.0
SHIN = 42.0
HEEL: Vec = (-2.5, -3.8, 0.0)  # ankle joint to the centre of the heel pad
TOE: Vec = (15.0, -5.0, 0.0)  # ankle joint to the centre of the toe pad
INSTEP: Vec = (4.0, -3.2, 0.0)  # ankle joint to the middle of the foot

# The neutral curves of the spine, as the forward tilt of each segment from the one below it
# (degrees): lumbar lordosis, thoracic kyphosis, a forward neck and an upright head. With every
# joint angle at 0 the figure stands in a relaxed neutral posture.
REST_TILT = {"S1": 15.0, "L3": -25.0, "T12": 0.0, "T8": 10.0, "T4": 15.0, "C7": 5.0, "C0": -20.0}
LUMBAR_JOINTS = ("S1", "L3")
THORACIC_JOINTS = ("T12", "T8", "T4")

# Human ranges of motion (degrees), from AAOS normal values, widened a little where the position
# of the technique takes a joint passively further (deep knee bend in child's pose, pointed feet
# when kneeling, hip bend when hugging a knee, a wrist bent back under body weight). Spine
# ranges are totals over the region.
RANGES: dict[str, tuple[float, float]] = {
    "lumbar.flex": (-30.0, 50.0),
    "lumbar.bend": (-20.0, 20.0),
    "lumbar.rotate": (-10.0, 10.0),
    "thoracic.flex": (-25.0, 40.0),
    "thoracic.bend": (-20.0, 20.0),
    "thoracic.rotate": (-40.0, 40.0),
    "neck.flex": (-50.0, 50.0),
    "neck.bend": (-40.0, 40.0),
    "neck.rotate": (-70.0, 70.0),
    "head.flex": (-25.0, 25.0),
    "shoulder.flex": (-50.0, 180.0),
    "shoulder.abduct": (-45.0, 180.0),  # below 0: across the body (horizontal adduction)
    "shoulder.rotate": (-70.0, 90.0),
    "shoulder.protract": (-15.0, 25.0),  # the shoulder blade sliding forward round the chest
    "elbow.flex": (0.0, 150.0),
    "elbow.pronate": (0.0, 170.0),  # from palms forward (0) to palms back
    "wrist.flex": (-90.0, 80.0),  # -90: a flat palm on the floor under a vertical forearm
    "hip.flex": (-20.0, 135.0),
    "hip.abduct": (-30.0, 45.0),
    "hip.rotate": (-40.0, 45.0),
    "knee.flex": (0.0, 155.0),
    "ankle.flex": (-85.0, 25.0),  # with the midfoot: tops of the feet flat when kneeling
}

# Joint names a pose may set, expanded to (side-qualified) keys "r_hip.flex" and so on.
REGION_JOINTS = ("lumbar", "thoracic", "neck", "head")
LIMB_JOINTS = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")
DOFS: dict[str, tuple[str, ...]] = {
    "lumbar": ("flex", "bend", "rotate"),
    "thoracic": ("flex", "bend", "rotate"),
    "neck": ("flex", "bend", "rotate"),
    "head": ("flex",),
    "shoulder": ("flex", "abduct", "rotate", "protract"),
    "elbow": ("flex", "pronate"),
    "wrist": ("flex",),
    "hip": ("flex", "abduct", "rotate"),
    "knee": ("flex",),
    "ankle": ("flex",),
}


def all_angle_keys() -> list[str]:
    """Every angle a pose can set, e.g. ``lumbar.flex`` or ``r_knee.flex``."""
    keys = [f"{joint}.{dof}" for joint in REGION_JOINTS for dof in DOFS[joint]]
    for side in SIDES:
        keys += [f"{side}_{joint}.{dof}" for joint in LIMB_JOINTS for dof in DOFS[joint]]
    return keys


ANGLE_KEYS: tuple[str, ...] = tuple(all_angle_keys())

POINT_NAMES: frozenset[str] = frozenset(
    ["hip", "pubis", "S1", "L3", "T12", "T8", "T4", "C7", "C0", "head", "nose", "chin"]
    + [f"{side}_{name}" for side in ("r", "l") for name in (
        "shoulder", "elbow", "wrist", "hand", "palm", "hip", "knee", "ankle", "heel", "instep", "toe")]
)


def range_for(key: str) -> tuple[float, float]:
    """The human range of an angle key (side prefix ignored)."""
    joint = key.split("_", 1)[1] if key[:2] in ("r_", "l_") else key
    return RANGES[joint]


class Capsule(NamedTuple):
    """A body segment as drawn and tested: the hull of two spheres."""

    name: str  # e.g. "r_thigh", "torso.lower_back.r"
    part: str  # drawing group: "torso", "r_arm", "l_leg", ...
    a: Vec
    b: Vec
    ra: float
    rb: float


@dataclass(frozen=True)
class Skeleton:
    """Every joint position (world coordinates) and the capsules that dress them."""

    points: dict[str, Vec]
    frames: dict[str, Mat]
    capsules: tuple[Capsule, ...]

    def capsule(self, name: str) -> Capsule:
        for capsule in self.capsules:
            if capsule.name == name:
                return capsule
        raise KeyError(name)


# Torso cross-sections at each spine station: (forward offset of the twin capsules from the
# spine, their radius, their distance either side of the midline). Two capsules side by side
# give a torso deeper than a limb and wider than it is deep, in every view.
TORSO_STATIONS: dict[str, tuple[float, float, float]] = {
    "hip": (1.0, 10.5, 7.5),
    "S1": (8.0, 10.5, 6.5),
    "L3": (6.5, 10.5, 5.5),
    "T12": (7.5, 11.0, 5.5),
    "T8": (8.0, 11.5, 6.0),
    "T4": (6.5, 10.5, 6.0),
    "C7": (2.5, 6.5, 3.5),
}
# Which named region each stretch of torso belongs to (used for contacts and highlights).
TORSO_REGIONS = {
    ("hip", "S1"): "pelvis",
    ("S1", "L3"): "lower_back",
    ("L3", "T12"): "lower_back",
    ("T12", "T8"): "upper_back",
    ("T8", "T4"): "upper_back",
    ("T4", "C7"): "shoulder_blades",
}


def _angle(angles: Mapping[str, float], key: str) -> float:
    return angles.get(key, 0.0)


def _child(frame: Mat, flex: float, bend: float = 0.0, rotate: float = 0.0) -> Mat:
    """A spine-type joint: flex forward (about -z), bend right (about x), turn left (about y)."""
    frame = mat_mul(frame, rot_z(-flex))
    if bend:
        frame = mat_mul(frame, rot_x(bend))
    if rotate:
        frame = mat_mul(frame, rot_y(rotate))
    return frame


def _limb_root(frame: Mat, side: str, flex: float, abduct: float, rotate: float) -> Mat:
    """A ball joint (hip or shoulder) on one side; the left side mirrors the right."""
    sign = -1.0 if side == "r" else 1.0
    frame = mat_mul(frame, rot_z(flex))
    if abduct:
        frame = mat_mul(frame, rot_x(sign * abduct))
    if rotate:
        frame = mat_mul(frame, rot_y(sign * rotate))
    return frame


def forward_kinematics(angles: Mapping[str, float], origin: Vec, orientation: Mat) -> Skeleton:
    """Place every joint from the pelvis placement and the joint angles."""
    pts: dict[str, Vec] = {"hip": origin}
    frames: dict[str, Mat] = {"pelvis": orientation}

    def at(base: Vec, frame: Mat, local: Vec) -> Vec:
        return add(base, mat_vec(frame, local))

    # Spine: pelvis -> S1 -> L3 -> T12 -> T8 -> T4 -> C7, the motion shared out evenly.
    pts["S1"] = at(origin, orientation, PELVIS_TO_SACRUM)
    pts["pubis"] = at(origin, orientation, PUBIS)
    frame = orientation
    frames["hip"] = orientation
    chain = [("S1", "L3", "lumbar", 2), ("L3", "T12", "lumbar", 2)]
    chain += [("T12", "T8", "thoracic", 3), ("T8", "T4", "thoracic", 3), ("T4", "C7", "thoracic", 3)]
    for joint, top, region, count in chain:
        frame = _child(
            frame,
            REST_TILT[joint] + _angle(angles, f"{region}.flex") / count,
            _angle(angles, f"{region}.bend") / count,
            _angle(angles, f"{region}.rotate") / count,
        )
        frames[joint] = frame
        segment = LUMBAR_SEGMENT if region == "lumbar" else THORACIC_SEGMENT
        pts[top] = at(pts[joint], frame, (0.0, segment, 0.0))
    chest = frame
    frames["C7"] = chest  # the torso station at C7 follows the top thoracic segment

    neck = _child(
        chest,
        REST_TILT["C7"] + _angle(angles, "neck.flex"),
        _angle(angles, "neck.bend"),
        _angle(angles, "neck.rotate"),
    )
    frames["neck"] = neck
    pts["C0"] = at(pts["C7"], neck, (0.0, NECK, 0.0))
    head = _child(neck, REST_TILT["C0"] + _angle(angles, "head.flex"))
    frames["head"] = head
    pts["head"] = at(pts["C0"], head, HEAD_CENTRE)
    pts["nose"] = at(pts["head"], head, (HEAD_RADIUS * 0.95, -1.0, 0.0))
    pts["chin"] = at(pts["head"], head, (4.5, -7.0, 0.0))

    # The shoulders hang from the chest with the upper-back curve taken out, so that
    # ``shoulder.flex: 0`` means arms by the sides in any spine posture.
    shoulder_frame = mat_mul(chest, rot_z(sum(REST_TILT[j] for j in LUMBAR_JOINTS + THORACIC_JOINTS)))
    for side in SIDES:
        sign = 1.0 if side == "r" else -1.0
        sx, sy, sz = SHOULDER_OFFSET
        # Protraction slides the shoulder forward round the chest (reaching, arms together).
        girdle = mat_mul(shoulder_frame, rot_y(sign * _angle(angles, f"{side}_shoulder.protract")))
        shoulder = at(pts["C7"], girdle, (sx, sy, sz * sign))
        upper = _limb_root(
            shoulder_frame,
            side,
            _angle(angles, f"{side}_shoulder.flex"),
            _angle(angles, f"{side}_shoulder.abduct"),
            _angle(angles, f"{side}_shoulder.rotate"),
        )
        elbow = at(shoulder, upper, (0.0, -UPPER_ARM, 0.0))
        fore = mat_mul(
            mat_mul(upper, rot_z(_angle(angles, f"{side}_elbow.flex"))),
            rot_y(sign * _angle(angles, f"{side}_elbow.pronate")),
        )
        wrist = at(elbow, fore, (0.0, -FOREARM, 0.0))
        hand = mat_mul(fore, rot_z(_angle(angles, f"{side}_wrist.flex")))
        pts[f"{side}_shoulder"], pts[f"{side}_elbow"], pts[f"{side}_wrist"] = shoulder, elbow, wrist
        pts[f"{side}_hand"] = at(wrist, hand, (0.0, -HAND, 0.0))
        pts[f"{side}_palm"] = at(wrist, hand, (0.0, -HAND * 0.45, 0.0))
        frames[f"{side}_upper_arm"], frames[f"{side}_forearm"], frames[f"{side}_hand"] = upper, fore, hand

        hip = at(origin, orientation, (0.0, 0.0, HIP_HALF_WIDTH * sign))
        thigh = _limb_root(
            orientation,
            side,
            _angle(angles, f"{side}_hip.flex"),
            _angle(angles, f"{side}_hip.abduct"),
            _angle(angles, f"{side}_hip.rotate"),
        )
        knee = at(hip, thigh, (0.0, -THIGH, 0.0))
        shin = mat_mul(thigh, rot_z(-_angle(angles, f"{side}_knee.flex")))
        ankle = at(knee, shin, (0.0, -SHIN, 0.0))
        foot = mat_mul(shin, rot_z(_angle(angles, f"{side}_ankle.flex")))
        pts[f"{side}_hip"], pts[f"{side}_knee"], pts[f"{side}_ankle"] = hip, knee, ankle
        pts[f"{side}_heel"] = at(ankle, foot, HEEL)
        pts[f"{side}_instep"] = at(ankle, foot, INSTEP)
        pts[f"{side}_toe"] = at(ankle, foot, TOE)
        frames[f"{side}_thigh"], frames[f"{side}_shin"], frames[f"{side}_foot"] = thigh, shin, foot

    return Skeleton(points=pts, frames=frames, capsules=tuple(_dress(pts, frames)))


def _limb_capsules() -> list[tuple[str, str, str, str, float, float]]:
    table = [
        ("shoulders", "torso", "l_shoulder", "r_shoulder", 5.5, 5.5),
        ("neck", "torso", "C7", "C0", 5.5, 5.0),
        ("head", "head", "head", "head", HEAD_RADIUS, HEAD_RADIUS),
        ("nose", "head", "head", "nose", 2.0, 2.0),
        ("jaw", "head", "head", "chin", 8.0, 5.0),
    ]
    for side in SIDES:
        arm, leg = f"{side}_arm", f"{side}_leg"
        table += [
            (f"{side}_upper_arm", arm, f"{side}_shoulder", f"{side}_elbow", 5.0, 4.0),
            (f"{side}_forearm", arm, f"{side}_elbow", f"{side}_wrist", 4.0, 3.0),
            (f"{side}_hand", arm, f"{side}_wrist", f"{side}_hand", 3.2, 2.6),
            (f"{side}_thigh", leg, f"{side}_hip", f"{side}_knee", 8.0, 5.5),
            (f"{side}_shin", leg, f"{side}_knee", f"{side}_ankle", 5.5, 4.0),
            (f"{side}_rearfoot", leg, f"{side}_heel", f"{side}_instep", 3.2, 3.6),
            (f"{side}_foot", leg, f"{side}_instep", f"{side}_toe", 3.6, 2.0),
        ]
        # Contact-only spheres (not drawn): a flat sole touches at heel and toes, a flat palm
        # at the wrist and the fingers, a kneeling knee at the knee.
        for name, point, radius in (("heel", "heel", 3.2), ("toes", "toe", 2.0), ("knee", "knee", 5.5),
                                    ("wrist", "wrist", 3.0), ("fingers", "hand", 2.6),
                                    ("elbow", "elbow", 4.0)):
            table.append((f"{side}_{name}", "contact", f"{side}_{point}", f"{side}_{point}", radius, radius))
    return table


_LIMB_CAPSULES = _limb_capsules()
_STATIONS = list(TORSO_STATIONS)
_TORSO_CAPSULES = [
    (f"torso.{TORSO_REGIONS[(lower, upper)]}.{lower}.{side}", lower, upper, side)
    for lower, upper in pairwise(_STATIONS)
    for side in SIDES
]


def _dress(pts: dict[str, Vec], frames: dict[str, Mat]) -> list[Capsule]:
    ends: dict[tuple[str, str], Vec] = {}
    for station, (forward, _, half_width) in TORSO_STATIONS.items():
        frame, base = frames[station], pts[station]
        front = add(base, scale(frame[0], forward))
        ends[(station, "r")] = add(front, scale(frame[2], half_width))
        ends[(station, "l")] = add(front, scale(frame[2], -half_width))
    caps = [
        Capsule(name, "torso", ends[(lower, side)], ends[(upper, side)], TORSO_STATIONS[lower][1],
                TORSO_STATIONS[upper][1])
        for name, lower, upper, side in _TORSO_CAPSULES
    ]
    caps += [Capsule(name, part, pts[a], pts[b], ra, rb) for name, part, a, b, ra, rb in _LIMB_CAPSULES]
    return caps


def _torso(region: str | None = None, side: str | None = None) -> tuple[str, ...]:
    names = []
    for (lower, _), name in TORSO_REGIONS.items():
        for twin in SIDES:
            if (region is None or name == region) and (side is None or twin == side):
                names.append(f"torso.{name}.{lower}.{twin}")
    return tuple(names)


# Body surfaces that contacts name, as the capsules that make them up. A surface touches a prop
# when its nearest capsule does. Plural names ("hands") stand for each side touching.
SURFACES: dict[str, tuple[str, ...]] = {
    "head": ("head",),
    "pelvis": _torso("pelvis"),
    "r_buttock": _torso("pelvis", "r"),
    "l_buttock": _torso("pelvis", "l"),
    "lower_back": _torso("lower_back"),
    "lower_back_r": _torso("lower_back", "r"),
    "lower_back_l": _torso("lower_back", "l"),
    "upper_back": _torso("upper_back"),
    "shoulder_blades": (*_torso("shoulder_blades"), "shoulders"),
    "back": _torso("lower_back") + _torso("upper_back") + _torso("shoulder_blades"),
    "chest": _torso("upper_back") + _torso("shoulder_blades"),
    "belly": _torso("lower_back"),
    "r_side": (*_torso(side="r"),),
    "l_side": (*_torso(side="l"),),
}
for _side in SIDES:
    for _segment in ("upper_arm", "forearm", "hand", "thigh", "shin", "heel", "toes", "knee",
                     "wrist", "fingers", "elbow"):
        SURFACES[f"{_side}_{_segment}"] = (f"{_side}_{_segment}",)
    SURFACES[f"{_side}_foot"] = (f"{_side}_foot", f"{_side}_rearfoot")
PLURAL_SURFACES = {
    "buttocks": ("r_buttock", "l_buttock"),
    "hands": ("r_hand", "l_hand"),
    "forearms": ("r_forearm", "l_forearm"),
    "upper_arms": ("r_upper_arm", "l_upper_arm"),
    "thighs": ("r_thigh", "l_thigh"),
    "shins": ("r_shin", "l_shin"),
    "feet": ("r_foot", "l_foot"),
    "heels": ("r_heel", "l_heel"),
    "soles": ("r_heel", "r_toes", "l_heel", "l_toes"),
    "r_sole": ("r_heel", "r_toes"),
    "l_sole": ("l_heel", "l_toes"),
    "knees": ("r_knee", "l_knee"),
    "palms": ("r_wrist", "r_fingers", "l_wrist", "l_fingers"),
    "r_palm": ("r_wrist", "r_fingers"),
    "l_palm": ("l_wrist", "l_fingers"),
    "elbows": ("r_elbow", "l_elbow"),
}


def split_surface(name: str) -> tuple[str, ...]:
    """A surface name as the single surfaces that must each touch (KeyError if unknown)."""
    if name in PLURAL_SURFACES:
        return PLURAL_SURFACES[name]
    if name in SURFACES:
        return (name,)
    raise KeyError(name)


# Places on the body a hand (or the head) can be put: (anchor point, frame, offset in that frame).
# "reach" in a pose pulls a body point onto one of these, so hands land behind the head, on the
# belly or behind a thigh without hand-tuning every arm angle.
LANDMARKS: dict[str, tuple[str, str, Vec]] = {
    "forehead": ("head", "head", (HEAD_RADIUS + 2.5, 3.0, 0.0)),
    "belly": ("L3", "L3", (19.0, -3.0, 0.0)),
    "chest": ("T8", "T8", (21.0, 0.0, 0.0)),
    "breastbone": ("T4", "T4", (17.5, -2.0, 0.0)),
    # The far hand tucked under the edge of the lower back (pelvic tilt: feel the back press).
    "small_of_back_l": ("L3", "L3", (-2.0, 0.0, -21.0)),
    # The other palm, a hand's thickness to the person's right (palms together in side-lying).
    "l_palm_right": ("l_palm", "pelvis", (0.0, 0.0, 3.5)),
    # On top of the left knee when lying on the left side (knees stacked).
    "l_knee_right": ("l_knee", "pelvis", (0.0, 0.0, 11.0)),
}
for _side, _sign in (("r", 1.0), ("l", -1.0)):
    LANDMARKS[f"head_back_{_side}"] = ("head", "head", (-HEAD_RADIUS - 1.5, -1.0, 4.0 * _sign))
    LANDMARKS[f"under_forehead_{_side}"] = ("head", "head", (HEAD_RADIUS + 3.0, 1.0, 5.0 * _sign))
    LANDMARKS[f"belly_{_side}"] = ("L3", "L3", (18.5, -6.0, 7.0 * _sign))
    LANDMARKS[f"{_side}_shoulder_front"] = ("C7", "C7", (14.0, -8.0, 11.0 * _sign))
    LANDMARKS[f"{_side}_thigh_back"] = (f"{_side}_knee", f"{_side}_thigh", (-7.5, 11.0, 3.0 * _sign))
    LANDMARKS[f"{_side}_thigh_back_inner"] = (f"{_side}_knee", f"{_side}_thigh", (-7.5, 11.0, -3.0 * _sign))
    _thigh = (f"{_side}_knee", f"{_side}_thigh")
    LANDMARKS[f"{_side}_thigh_back_mid"] = (*_thigh, (-8.0, 27.0, 3.0 * _sign))
    LANDMARKS[f"{_side}_thigh_back_mid_inner"] = (*_thigh, (-8.0, 27.0, -3.0 * _sign))
    LANDMARKS[f"{_side}_thigh_top"] = (f"{_side}_knee", f"{_side}_thigh", (7.5, 12.0, 0.0))
    LANDMARKS[f"{_side}_thigh_mid_top"] = (f"{_side}_knee", f"{_side}_thigh", (8.0, 22.0, 0.0))
    LANDMARKS[f"{_side}_back_of_hip"] = ("S1", "S1", (-6.0, 2.0, 8.0 * _sign))
    # Elbows in front of the chest when the arms are folded across it.
    LANDMARKS[f"{_side}_elbow_front"] = ("T8", "T8", (27.0, -6.0, 9.0 * _sign))
    # Elbows wide, level with the ears, when the hands hold the back of the head.
    LANDMARKS[f"{_side}_elbow_wide"] = ("C0", "neck", (-9.0, 6.0, 34.0 * _sign))


def landmark(skeleton: Skeleton, name: str) -> Vec:
    """The world position of a named landmark on this posed body."""
    anchor, frame, offset = LANDMARKS[name]
    return add(skeleton.points[anchor], mat_vec(skeleton.frames[frame], offset))


# Segment lengths the tests hold constant: (from point, to point, length in cm).
def segment_lengths() -> list[tuple[str, str, float]]:
    """Every rigid link of the skeleton with its design length."""
    import math

    links = [
        ("hip", "S1", math.hypot(*PELVIS_TO_SACRUM)),
        ("S1", "L3", LUMBAR_SEGMENT),
        ("L3", "T12", LUMBAR_SEGMENT),
        ("T12", "T8", THORACIC_SEGMENT),
        ("T8", "T4", THORACIC_SEGMENT),
        ("T4", "C7", THORACIC_SEGMENT),
        ("C7", "C0", NECK),
        ("C0", "head", math.hypot(*HEAD_CENTRE)),
    ]
    for side in SIDES:
        links += [
            (f"{side}_shoulder", f"{side}_elbow", UPPER_ARM),
            (f"{side}_elbow", f"{side}_wrist", FOREARM),
            (f"{side}_wrist", f"{side}_hand", HAND),
            (f"{side}_hip", f"{side}_knee", THIGH),
            (f"{side}_knee", f"{side}_ankle", SHIN),
            (f"{side}_ankle", f"{side}_heel", math.hypot(*HEEL)),
            (f"{side}_ankle", f"{side}_toe", math.hypot(*TOE)),
            (f"{side}_ankle", f"{side}_instep", math.hypot(*INSTEP)),
            ("hip", f"{side}_hip", HIP_HALF_WIDTH),
        ]
    return links
