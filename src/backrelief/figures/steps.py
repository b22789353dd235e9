"""Figures for technique steps: which key poses a step shows, its title and text alternative.

Each step in a technique YAML names its key poses (``poses:``). A step of a safer variant with
its own steps uses those; a variant without steps uses the technique's.

A step done on each side (``side: each`` or ``alternate``) can be drawn for one side: the side
being worked is the side shown. Poses that work one side say so (``side:`` in poses.yaml). The
figure for a side uses the step's right-side poses (a sequence that visits both sides keeps only
its right half) and, for the left side, mirrors the picture. Mirroring rather than drawing the
left-side pose keeps the worked limb nearest the viewer in a side view, where the left pose
seen from the right would hide it behind the body.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import get_args

from backrelief.core.catalog import Catalog, Step, Technique, default_catalog
from backrelief.core.timeline import SideName
from backrelief.figures.poses import Pose, pose_library

SIDES: tuple[str, ...] = get_args(SideName)


class FigureError(LookupError):
    """No figure for this request: names what was asked for and what exists."""


@dataclass(frozen=True)
class StepFigure:
    """What one step's figure shows."""

    technique_id: str
    variant_id: str | None
    step_index: int  # 0-based
    poses: tuple[str, ...]
    title: str
    description: str
    side: str | None = None  # the side drawn, when the step is drawn for one side
    mirrored: bool = False  # drawn flipped left to right (the other side of the body)

    @property
    def slug(self) -> str:
        """``<technique>-<step>`` (1-based step), or ``<technique>-<variant>-<step>``, then
        ``-left`` or ``-right`` for a figure drawn for one side."""
        middle = f"-{self.variant_id}" if self.variant_id else ""
        end = f"-{self.side}" if self.side else ""
        return f"{self.technique_id}{middle}-{self.step_index + 1}{end}"


def steps_of(technique: Technique, variant_id: str | None = None) -> list[Step]:
    """The steps a technique is done with, in its standard form, a safer variant or a harder
    form."""
    if variant_id is None:
        return list(technique.steps)
    try:
        variant = technique.variant(variant_id)
    except KeyError:
        valid = ", ".join(v.id for v in (*technique.variants, *technique.harder)) or "none"
        raise FigureError(f"{technique.id} has no variant {variant_id!r}; variants: {valid}") from None
    return list(variant.steps or technique.steps)


def figure_for_step(
    technique_id: str,
    step_index: int,
    catalog: Catalog | None = None,
    variant_id: str | None = None,
    side: str | None = None,
) -> StepFigure:
    """The key poses, title and text alternative of one step's figure (0-based index).

    ``side`` (``"left"`` or ``"right"``) draws a step done on each side for that side; a step
    not done on one side, or poses that work both sides alike, ignore it.
    """
    if side is not None and side not in SIDES:
        raise FigureError(f"side: {side!r} is not one of {', '.join(SIDES)}")
    catalog = catalog or default_catalog()
    if technique_id not in catalog.techniques:
        raise FigureError(f"unknown technique {technique_id!r}")
    technique = catalog.techniques[technique_id]
    steps = steps_of(technique, variant_id)
    if not 0 <= step_index < len(steps):
        raise FigureError(f"{technique_id} has steps 0..{len(steps) - 1}, not {step_index}")
    step = steps[step_index]
    if not step.poses:
        raise FigureError(f"{technique_id} step {step_index + 1} names no poses")
    library = pose_library()
    missing = [pose for pose in step.poses if pose not in library]
    if missing:
        raise FigureError(f"{technique_id} step {step_index + 1}: unknown poses {', '.join(missing)}")
    poses = [library[pose_id] for pose_id in step.poses]
    mirrored = False
    if side is not None and step.side is not None:
        poses, mirrored = for_side(poses, side)
    else:
        side = None
    name = technique.name
    if variant_id is not None:
        name = f"{name} ({technique.variant(variant_id).name})"
    title = f"{name}, step {step_index + 1}: " + " / ".join(_unique(p.label for p in poses))
    if len(poses) == 1:
        description = poses[0].alt
    else:
        labels = _unique(p.alt for p in poses)
        description = "Moving between these positions. " + " Then: ".join(labels)
    if side is not None and any(p.side for p in poses):
        title += f" ({side} side)"
        description += f" Shown for the {side} side."
    return StepFigure(technique_id, variant_id, step_index, tuple(p.id for p in poses), title,
                      description, side, mirrored)


def for_side(poses: Sequence[Pose], side: str) -> tuple[list[Pose], bool]:
    """The poses to draw for one side, and whether to mirror them (see the module docstring)."""
    sides = {pose.side for pose in poses if pose.side}
    if not sides:
        return list(poses), False
    if len(sides) == 1:
        (drawn,) = sides
        return list(poses), drawn != side
    # A loop through both sides ("start, left, start, right"): its right half, mirrored for the
    # left. Consecutive repeats collapse, and so does a return to the first pose at the end.
    kept: list[Pose] = []
    for pose in poses:
        if pose.side in (None, "right") and (not kept or kept[-1].id != pose.id):
            kept.append(pose)
    if len(kept) > 2 and kept[-1].id == kept[0].id:
        kept.pop()
    return kept, side == "left"


def _unique(items: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def every_step(catalog: Catalog | None = None) -> list[tuple[str, str | None, int]]:
    """(technique, variant or None, step index) for every step that has a figure to draw."""
    catalog = catalog or default_catalog()
    out: list[tuple[str, str | None, int]] = []
    for technique in catalog.ordered():
        out += [(technique.id, None, index) for index in range(len(technique.steps))]
        for variant in (*technique.variants, *technique.harder):
            if variant.steps:
                out += [(technique.id, variant.id, index) for index in range(len(variant.steps))]
    return out
