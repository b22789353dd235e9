"""Step illustrations drawn from our own articulated body model (no third-party images).

A 3D stick figure dressed in capsules is posed by joint angles (``poses.yaml``), settled on its
contacts with the floor and the props (``solver``), and drawn as small deterministic SVG: a
still for each key pose and an animated loop between them (``render``). Technique steps name
their key poses in the content YAML.

Public API (importable without web or database code)::

    from backrelief.figures import render_step_svg, render_pose_svg, figure_for_step

    svg = render_step_svg("cat-cow", 1)            # step 2 of cat-cow, animated
    svg = render_step_svg("cat-cow", 1, animated=False, variant_id="cat-cow-seated")
    svg = render_step_svg("cat-cow", 3, period=8.0)  # loop paced to 8 s (one rep of the cues)
    svg = render_step_svg("knee-to-chest", 1, side="left")  # the left-side reps, mirrored
    info = figure_for_step("cat-cow", 1)           # poses, title, text alternative, slug

An animated SVG shows, with ``prefers-reduced-motion: reduce`` or without CSS, only its still
(the step's main pose, earlier key poses as a faint silhouette, the movement arrow). Its root
carries ``data-frame`` (the shape of its frame, "1x2" standing to "3x1" lying flat, the same for
a step's still and loop), ``data-period`` (seconds per loop) and ``data-key-times`` (when in the
loop each key pose is reached); inline in a page, ``--brfig-period`` and ``--brfig-play: paused`` pace and
pause it, and ``--brfig-body``, ``--brfig-line``... override the light/dark palette.

Poses live in ``poses.yaml``; after editing it (or the model), run
``python -m backrelief.figures.bake`` so the shipped solutions stay current (a test checks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backrelief.figures.steps import FigureError, StepFigure, every_step, figure_for_step

if TYPE_CHECKING:
    from backrelief.core.catalog import Catalog

__all__ = [
    "FigureError",
    "StepFigure",
    "every_step",
    "figure_for_step",
    "pose_ids",
    "render_pose_svg",
    "render_step_svg",
]


def render_step_svg(
    technique_id: str,
    step_index: int,
    catalog: Catalog | None = None,
    animated: bool = True,
    variant_id: str | None = None,
    period: float | None = None,
    side: str | None = None,
) -> str:
    """The SVG figure of one step (0-based index): an animated loop, or a still.

    ``period`` (seconds) paces the loop, e.g. to one repetition of the step's cue timeline; the
    SVG's ``data-key-times`` say when in the loop each key pose is reached. ``side`` (``"left"``
    or ``"right"``, as the timeline's cues name them) draws a step done on each side for that
    side: mirrored for the left.
    """
    from backrelief.figures.render import render_poses

    figure = figure_for_step(technique_id, step_index, catalog, variant_id, side)
    return render_poses(figure.poses, title=figure.title, description=figure.description, animated=animated,
                        period=period, mirror=figure.mirrored)


def render_pose_svg(pose_id: str) -> str:
    """A still SVG of one key pose from the library."""
    from backrelief.figures.poses import pose_library
    from backrelief.figures.render import render_poses

    library = pose_library()
    if pose_id not in library:
        raise FigureError(f"unknown pose {pose_id!r}")
    pose = library[pose_id]
    return render_poses([pose_id], title=pose.label, description=pose.alt, animated=False)


def pose_ids() -> list[str]:
    """Every key pose in the library, in file order."""
    from backrelief.figures.poses import pose_library

    return list(pose_library())
