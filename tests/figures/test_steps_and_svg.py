"""Every step has a figure; the SVG is valid, accessible, deterministic and small."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from backrelief.core.catalog import default_catalog
from backrelief.figures import (
    FigureError,
    every_step,
    figure_for_step,
    pose_ids,
    render_pose_svg,
    render_step_svg,
)
from backrelief.figures.svg import capsule_path, num

SVG = "{http://www.w3.org/2000/svg}"
STEPS = every_step()


def test_every_step_of_every_technique_and_variant_names_poses_that_exist() -> None:
    catalog = default_catalog()
    known = set(pose_ids())
    assert len(STEPS) >= sum(len(t.steps) for t in catalog.ordered())
    for technique in catalog.ordered():
        steps = [("", s) for s in technique.steps]
        steps += [(v.id, s) for v in technique.variants for s in (v.steps or [])]
        for variant, step in steps:
            where = f"{technique.id} {variant}".strip()
            assert step.poses, f"{where}: step {step.text[:40]!r} names no pose"
            assert set(step.poses) <= known, f"{where}: unknown {set(step.poses) - known}"


@pytest.mark.parametrize(("technique", "variant", "index"), STEPS,
                         ids=[f"{t}-{v or 'std'}-{i + 1}" for t, v, i in STEPS])
def test_each_step_renders_an_accessible_animated_svg(
    technique: str, variant: str | None, index: int
) -> None:
    svg = render_step_svg(technique, index, variant_id=variant)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text and desc is not None and desc.text and len(desc.text) > 20
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert len(svg) < 120_000, f"{len(svg)} bytes"
    figure = figure_for_step(technique, index, variant_id=variant)
    if len(figure.poses) > 1:
        assert "prefers-reduced-motion" in svg and 'class="st"' in svg
        assert len(root.findall(f"{SVG}g[@class='st']")) == 1
        assert root.get("data-period")


def test_ball_steps_show_a_close_up_of_the_back() -> None:
    svg = render_step_svg("ball-massage-lower-back", 0)
    assert '<g class="in">' in svg and "clip-path=" in svg
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}desc").text is not None
    assert "beside" in (root.find(f"{SVG}desc").text or "")


def test_the_loop_can_follow_the_cue_timeline() -> None:
    natural = ET.fromstring(render_step_svg("bridge", 1))
    paced = render_step_svg("bridge", 1, period=9.5)
    root = ET.fromstring(paced)
    assert root.get("data-period") == "9.50" and "var(--brfig-period,9.50s)" in paced
    times = [float(t) for t in (root.get("data-key-times") or "").split()]
    assert times == [float(t) for t in (natural.get("data-key-times") or "").split()]
    assert times[0] == 0.0 and 0 < times[1] < 1


def test_rendering_is_deterministic() -> None:
    assert render_step_svg("cat-cow", 1) == render_step_svg("cat-cow", 1)
    assert render_pose_svg("all-fours") == render_pose_svg("all-fours")


def test_still_figures_have_no_animation() -> None:
    svg = render_step_svg("cat-cow", 1, animated=False)
    assert "@keyframes" not in svg and 'class="fm' not in svg
    assert "ar" in re.findall(r'class="(\w+)"', svg), "the still shows the movement arrow"


def test_colours_come_from_css_variables_with_a_dark_mode() -> None:
    svg = render_step_svg("bridge", 1)
    assert "prefers-color-scheme:dark" in svg
    assert "var(--brfig-body" in svg
    assert ' fill="#' not in svg and ' stroke="#' not in svg, "no hard-coded colours on shapes"


def test_figure_for_step_describes_the_step() -> None:
    figure = figure_for_step("cat-cow", 1)
    assert figure.poses == ("all-fours", "cat")
    assert figure.slug == "cat-cow-2"
    assert "Cat" in figure.title and "round" in figure.description.lower()
    variant = figure_for_step("cat-cow", 0, variant_id="cat-cow-seated")
    assert variant.slug == "cat-cow-cat-cow-seated-1"


@pytest.mark.parametrize(("args", "message"), [
    (("nope", 0), "unknown technique"),
    (("cat-cow", 99), "steps 0.."),
    (("cat-cow", -1), "steps 0.."),
])
def test_bad_requests_name_the_problem(args: tuple[str, int], message: str) -> None:
    with pytest.raises(FigureError, match=message):
        figure_for_step(*args)


def test_unknown_variant_and_pose_are_reported() -> None:
    with pytest.raises(FigureError, match="no variant"):
        figure_for_step("cat-cow", 0, variant_id="upside-down")
    with pytest.raises(FigureError, match="unknown pose"):
        render_pose_svg("handstand")


def test_capsule_outline_and_numbers() -> None:
    assert num(-0.04) == "0" and num(2.0) == "2" and num(2.25) in ("2.2", "2.3")
    path = capsule_path((0, 0), (10, 0), 2, 2)
    assert path.startswith("M") and path.endswith("Z") and path.count("A") == 2
    # One circle inside the other collapses to a circle.
    assert capsule_path((0, 0), (0.5, 0), 5, 1).count("A") == 2
