"""The pydantic models that check ``poses.yaml``: imported only when the file is validated.

Validation runs on the first use after the file (or the code that resolves it) changed; every
other run reads resolved :class:`backrelief.figures.poses.Pose` objects, plain dataclasses, from
the content cache, without importing pydantic (issue 16). See :mod:`backrelief.figures.poses`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from backrelief.figures.poses import Base, PropKind, Region


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PropModel(_Strict):
    kind: PropKind
    name: str | None = None
    x: float = 0.0
    y: float | None = None
    z: float = 0.0
    size: Literal["tennis", "lacrosse"] = "tennis"
    facing: Literal["right", "left"] = "right"
    length: float | None = Field(default=None, gt=0)
    width: float | None = Field(default=None, gt=0)
    dims: tuple[float, float, float] | None = None


class ViewModel(_Strict):
    yaw: float = Field(ge=-180, le=180)
    pitch: float = Field(ge=0, le=90)


class ArrowModel(_Strict):
    """The movement arrow follows these body points (their midpoint) into the pose."""

    points: list[str] = Field(min_length=1)
    offset: tuple[float, float] = (0.0, 0.0)  # screen cm: right, up
    around: str | None = None  # a turn round this point's upright axis (poses.Arrow)
    radius: float = Field(default=30.0, gt=0, le=80)
    lift: float | None = Field(default=None, gt=0, le=60)  # a straight lift, cm (poses.Arrow)


JointValue = float | dict[str, float]  # as in poses.py


class PoseModel(_Strict):
    extends: str | None = None
    label: Annotated[str, Field(min_length=3, max_length=80)] | None = None
    alt: Annotated[str, Field(min_length=10, max_length=400)] | None = None
    base: Base | None = None
    view: str | ViewModel | None = None
    at: tuple[float, float, float] | None = None
    tilt: tuple[float, float, float] | None = None  # extra world rotation about x, y, z
    root: list[Literal["tx", "ty", "tz", "rx", "ry", "rz"]] | None = None  # what the solver may move
    joints: dict[str, JointValue] = Field(default_factory=dict)
    free: list[str] | None = None
    props: list[PropKind | PropModel] | None = None
    contacts: dict[str, list[str]] | None = None
    reach: dict[str, str] | None = None  # body point -> landmark it rests on
    highlight: list[Region] | None = None
    arrow: str | list[str] | ArrowModel | None = None
    ghost: bool | None = None  # draw the previous key pose faintly behind this one
    # The limbs that make the movement, outlined in the arrow's colour: which arm opens, seen
    # from above, says which side is worked.
    moving: list[Literal["l_arm", "r_arm", "l_leg", "r_leg", "head"]] | None = None
    inset: Literal["lower_back", "buttock"] | None = None  # a close-up of the back, seen from behind
    # The side this pose works (the leg lifted, the way the knees roll, the buttock on the ball):
    # a step done on the other side shows the pose mirrored.
    side: Literal["left", "right"] | None = None
    keep: list[str] | None = None  # body points that stay where they were in keep_from
    keep_from: str | None = None  # defaults to the pose this one extends


class PoseFile(_Strict):
    poses: dict[str, PoseModel]
