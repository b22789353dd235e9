"""Key poses as validated data: ``poses.yaml`` loaded through typed models.

A pose names a base posture (how the pelvis sits in the world: lying on the back, on all fours,
seated, ...), the joint angles that differ from neutral, the props and where they stand, which
body surfaces must touch which prop (the solver enforces it, the tests check it), the body
region that should feel the stretch, the point whose path the movement arrow follows, and a
text alternative. ``extends`` copies another pose and changes only what it lists.

A broken file fails with the pose id and the field, like content files do. It is read with the
one content loader (libyaml's C parser) and validated on the first run after it (or the code
that resolves it) changed; later runs read the resolved poses from the cache (core/content.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from backrelief.core.content import ContentError, cached, parse_yaml
from backrelief.figures.body import (
    ANGLE_KEYS,
    DOFS,
    LANDMARKS,
    LIMB_JOINTS,
    POINT_NAMES,
    REGION_JOINTS,
    range_for,
    split_surface,
)
from backrelief.figures.geometry import IDENTITY, Mat, Vec, mat_mul, rot_x, rot_y, rot_z
from backrelief.figures.props import PropSpec

if TYPE_CHECKING:
    from backrelief.figures.pose_models import PoseModel

Base = Literal["standing", "seated", "floor_sitting", "supine", "prone", "all_fours", "side_lying"]
PropKind = Literal["mat", "roller", "ball", "chair", "wall", "cushion"]
Region = Literal[
    "lower_back", "upper_back", "whole_back", "shoulder_blades", "glutes", "r_glute", "l_glute",
    "lower_back_r", "lower_back_l", "hip_flexors", "hamstrings", "chest", "neck", "waist_r", "waist_l",
    "belly",
]

# Where the pelvis starts before the solver settles it on its contacts, and which way it faces.
# Upright and all-fours figures face right; lying on the back has the head to the left (as if
# the person sat facing right and lay back); side-lying is on the left side, face away.
BASES: dict[str, tuple[Mat, Vec]] = {
    "standing": (IDENTITY, (0.0, 98.0, 0.0)),
    "seated": (IDENTITY, (0.0, 56.0, 0.0)),
    "floor_sitting": (IDENTITY, (0.0, 11.0, 0.0)),
    "supine": (rot_z(90.0), (0.0, 11.0, 0.0)),
    "prone": (rot_z(-90.0), (0.0, 11.0, 0.0)),
    "all_fours": (rot_z(-90.0), (0.0, 52.0, 0.0)),
    "side_lying": (mat_mul(rot_x(-90.0), rot_z(90.0)), (0.0, 16.0, 0.0)),
}

# Named camera directions (yaw, pitch) in degrees: see render.View.
VIEWS: dict[str, tuple[float, float]] = {
    "side": (0.0, 0.0),
    "front": (90.0, 0.0),
    "top": (90.0, 90.0),
    "head_end": (-90.0, 0.0),
    "feet_end": (90.0, 0.0),
}

PLURAL = {f"{joint}s": joint for joint in LIMB_JOINTS}


JointValue = float | dict[str, float]


@dataclass(frozen=True)
class Arrow:
    """The movement arrow follows these body points (their midpoint) into the pose."""

    points: tuple[str, ...]
    offset: tuple[float, float] = (0.0, 0.0)  # screen cm: right, up
    # A turn: the arrow is an arc round the upright axis through this body point (the spine, for
    # a twist), as far round as the points turn, drawn at ``radius`` cm from the axis, so a
    # rotation reads as one, not as a short slide across the chest.
    around: str | None = None
    radius: float = 30.0
    # A lift: a straight arrow this many cm upward from where the points start (plus the
    # offset), so a lift reads as one even when the points also slide along the body (the
    # bridge's hips travel towards the head as much as up).
    lift: float | None = None


ArrowModel = Arrow  # the name the renderer imports


@dataclass(frozen=True)
class Pose:
    """A key pose with everything resolved: full angles, props, contacts."""

    id: str
    label: str
    alt: str
    base: str
    view: tuple[float, float]
    origin: Vec
    orientation: Mat
    angles: dict[str, float]
    free: tuple[str, ...]
    root: tuple[str, ...]
    props: tuple[PropSpec, ...]
    contacts: tuple[tuple[str, str], ...]  # (body surface, prop surface)
    reach: tuple[tuple[str, str], ...]  # (body point, landmark)
    highlight: tuple[str, ...]
    moving: tuple[str, ...]
    arrow: Arrow | None
    ghost: bool
    inset: str | None
    side: str | None
    keep: tuple[str, ...]
    keep_from: str | None


class PoseError(ValueError):
    """poses.yaml is broken: names the pose and the field."""


def expand_joints(spec: dict[str, JointValue], where: str) -> dict[str, float]:
    """``{"knees": 90, "r_hip": {"flex": 45}}`` -> ``{"r_knee.flex": 90, "l_knee.flex": 90, ...}``."""
    out: dict[str, float] = {}
    for name, value in spec.items():
        dofs = value if isinstance(value, dict) else {"flex": value}
        if name in REGION_JOINTS:
            targets = [(name, name)]
        elif name in PLURAL:
            targets = [(f"r_{PLURAL[name]}", PLURAL[name]), (f"l_{PLURAL[name]}", PLURAL[name])]
        elif name[:2] in ("r_", "l_") and name[2:] in LIMB_JOINTS:
            targets = [(name, name[2:])]
        else:
            raise PoseError(f"{where}.joints.{name}: unknown joint")
        for prefix, joint in targets:
            for dof, angle in dofs.items():
                if dof not in DOFS[joint]:
                    raise PoseError(f"{where}.joints.{name}.{dof}: {joint} has {', '.join(DOFS[joint])}")
                out[f"{prefix}.{dof}"] = float(angle)
    return out


def expand_free(names: list[str], where: str) -> tuple[str, ...]:
    """``["knees", "r_hip.abduct", "lumbar"]`` -> angle keys (a bare joint means its flex)."""
    keys: list[str] = []
    for name in names:
        joint, _, dof = name.partition(".")
        for key in expand_joints({joint: {dof or "flex": 0.0}}, where):
            keys.append(key)
    return tuple(keys)


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    merged = dict(parent)
    for key, value in child.items():
        if key == "joints":
            merged["joints"] = {**parent.get("joints", {}), **value}
        elif key != "extends":
            merged[key] = value
    return merged


def _resolve(pose_id: str, raw: dict[str, PoseModel], seen: tuple[str, ...] = ()) -> dict[str, Any]:
    if pose_id in seen:
        raise PoseError(f"{pose_id}: extends itself through {' -> '.join(seen)}")
    model = raw[pose_id]
    data = model.model_dump(exclude_none=True, exclude_unset=True)
    data["joints"] = expand_joints(model.joints, pose_id)
    if model.extends is None:
        return data
    if model.extends not in raw:
        raise PoseError(f"{pose_id}.extends: unknown pose {model.extends!r}")
    merged = _merge(_resolve(model.extends, raw, (*seen, pose_id)), data)
    merged["parent"] = model.extends
    # What is kept is relative to the parent: a child does not inherit its parent's pins.
    for key in ("keep", "keep_from"):
        if key not in data:
            merged.pop(key, None)
    return merged


def _prop(value: Any) -> PropSpec:
    from backrelief.figures.pose_models import PropModel

    model = PropModel(kind=value) if isinstance(value, str) else PropModel.model_validate(value)
    fields = model.model_dump()
    fields["name"] = model.name or model.kind
    return PropSpec(**fields)


def _build(pose_id: str, data: dict[str, Any]) -> Pose:
    for required in ("label", "alt", "base"):
        if required not in data:
            raise PoseError(f"{pose_id}.{required}: missing (and not inherited)")
    angles = {key: 0.0 for key in ANGLE_KEYS}
    for key, value in data["joints"].items():
        low, high = range_for(key)
        if not low <= value <= high:
            raise PoseError(f"{pose_id}.joints: {key} = {value} is outside the human range {low}..{high}")
        angles[key] = value
    view = data.get("view", "side")
    if isinstance(view, str):
        if view not in VIEWS:
            raise PoseError(f"{pose_id}.view: unknown view {view!r}; known: {', '.join(VIEWS)}")
        view_angles = VIEWS[view]
    else:
        view_angles = (float(view["yaw"]), float(view["pitch"]))
    orientation, origin = BASES[data["base"]]
    rx, ry, rz = data.get("tilt", (0.0, 0.0, 0.0))
    orientation = mat_mul(mat_mul(mat_mul(rot_z(rz), rot_y(ry)), rot_x(rx)), orientation)
    props = tuple(_prop(value) for value in data.get("props", []))
    surfaces = {"floor"} | {p.name for p in props} | {f"{p.name}_back" for p in props if p.kind == "chair"}
    contacts: list[tuple[str, str]] = []
    for surface, body_parts in data.get("contacts", {}).items():
        if surface not in surfaces:
            raise PoseError(f"{pose_id}.contacts.{surface}: no such prop in this pose")
        for part in body_parts:
            try:
                contacts += [(single, surface) for single in split_surface(part)]
            except KeyError:
                raise PoseError(f"{pose_id}.contacts.{surface}: unknown body surface {part!r}") from None
    reach = tuple(data.get("reach", {}).items())
    for point, target in reach:
        if point not in POINT_NAMES:
            raise PoseError(f"{pose_id}.reach.{point}: unknown body point")
        if target not in LANDMARKS:
            known = ", ".join(LANDMARKS)
            raise PoseError(f"{pose_id}.reach.{point}: unknown landmark {target!r}; known: {known}")
    keep = tuple(data.get("keep", []))
    keep_from = data.get("keep_from", data.get("parent"))
    for point in keep:
        if point not in POINT_NAMES:
            raise PoseError(f"{pose_id}.keep: unknown body point {point!r}")
    if keep and keep_from is None:
        raise PoseError(f"{pose_id}.keep_from: needed when the pose extends nothing")
    arrow = _arrow(data.get("arrow"))
    if arrow is not None:
        for point in [*arrow.points, *([arrow.around] if arrow.around else [])]:
            if point not in POINT_NAMES:
                raise PoseError(f"{pose_id}.arrow: unknown body point {point!r}")
    return Pose(
        id=pose_id,
        label=data["label"],
        alt=data["alt"],
        base=data["base"],
        view=view_angles,
        origin=(float(data["at"][0]), float(data["at"][1]), float(data["at"][2])) if "at" in data else origin,
        orientation=orientation,
        angles=angles,
        free=expand_free(data.get("free", []), pose_id),
        root=tuple(data.get("root", ("tx", "ty", "rz"))),
        props=props,
        contacts=tuple(contacts),
        reach=reach,
        highlight=tuple(data.get("highlight", [])),
        moving=tuple(data.get("moving", [])),
        arrow=arrow,
        ghost=bool(data.get("ghost", True)),
        inset=data.get("inset"),
        side=data.get("side"),
        keep=keep,
        keep_from=keep_from,
    )


def _arrow(value: Any) -> Arrow | None:
    """The arrow as written (a point, a list of points, or points with an offset), checked."""
    from backrelief.figures.pose_models import ArrowModel as Checked

    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    checked = Checked(points=value) if isinstance(value, list) else Checked.model_validate(value)
    return Arrow(tuple(checked.points), (float(checked.offset[0]), float(checked.offset[1])),
                 around=checked.around, radius=float(checked.radius),
                 lift=None if checked.lift is None else float(checked.lift))


def parse_poses(text: str, label: str = "poses.yaml") -> dict[str, Pose]:
    """Validate and resolve every pose in a poses.yaml document (imports pydantic: only on the
    first run after a change, see :func:`pose_library`)."""
    from pydantic import ValidationError

    from backrelief.figures.pose_models import PoseFile

    try:
        document = PoseFile.model_validate(parse_yaml(text, label))
    except ContentError as exc:
        raise PoseError(str(exc)) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise PoseError(f"{label}: {where}: {first['msg']}") from None
    poses: dict[str, Pose] = {}
    for pose_id in document.poses:
        poses[pose_id] = _build(pose_id, _resolve(pose_id, document.poses))
    for pose in poses.values():
        if pose.keep_from is not None and pose.keep_from not in poses:
            raise PoseError(f"{pose.id}.keep_from: unknown pose {pose.keep_from!r}")
    return poses


@cache
def pose_library() -> dict[str, Pose]:
    """The shipped poses: validated once after a change, then read from the cache."""
    here = Path(__file__).resolve().parent
    path = here / "poses.yaml"
    code = [here / name for name in ("poses.py", "pose_models.py", "body.py", "props.py",
                                     "geometry.py")]
    return cached("poses", [path, *code], lambda: parse_poses(path.read_text(encoding="utf-8")))
