"""Figures that read at a glance: the side worked is the side shown, the floor is there, and a
ball close-up shows the ball beside the spine, never on it.

The framing of every figure is measured in a real Chromium: see test_framing.py.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from backrelief.core.catalog import default_catalog
from backrelief.figures import FigureError, every_step, figure_for_step, render_step_svg
from backrelief.figures.poses import pose_library
from backrelief.figures.render import FLOOR_LINE_PITCH
from backrelief.figures.scene import solved_pose

SVG = "{http://www.w3.org/2000/svg}"
STEPS = every_step()
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _step(technique: str, variant: str | None, index: int):  # type: ignore[no-untyped-def]
    technique_ = default_catalog().techniques[technique]
    steps = technique_.steps if variant is None else (technique_.variant(variant).steps or technique_.steps)
    return steps[index]


# Steps done on each side whose poses work one side (a lying rest "each side" would not be).
SIDED = [
    (t, v, i) for t, v, i in STEPS
    if _step(t, v, i).side is not None and any(pose_library()[p].side for p in _step(t, v, i).poses)
]


def _viewbox(root: ET.Element) -> tuple[float, float, float, float]:
    x, y, w, h = (float(n) for n in (root.get("viewBox") or "").split())
    return x, y, w, h


def _worked_mark(svg: str) -> float:
    """Where, across the picture (-0.5 left edge .. 0.5 right edge), the worked side is marked:
    the tip of the movement arrow, else the glow on the region that works, else the ball."""
    root = ET.fromstring(svg)
    x0, _, width, _ = _viewbox(root)
    for klass in ("ah", "hl", "bl"):
        for path in root.iter(f"{SVG}path"):
            if path.get("class") == klass and not _in_inset(root, path):
                x = float(NUMBER.findall(path.get("d") or "")[0])
                return (x - x0) / width - 0.5
    raise AssertionError("no arrow, highlight or ball marks the worked side")


def _in_inset(root: ET.Element, element: ET.Element) -> bool:
    return any(element in list(group.iter()) for group in root.iter(f"{SVG}g") if group.get("class") == "in")


def test_there_are_steps_done_on_each_side_to_draw() -> None:
    techniques = {t for t, _, _ in SIDED}
    assert {"knee-to-chest", "knee-rolls", "bird-dog", "open-book-rotation",
            "ball-massage-glutes"} <= techniques


@pytest.mark.parametrize(("technique", "variant", "index"), SIDED,
                         ids=[f"{t}-{v or 'std'}-{i + 1}" for t, v, i in SIDED])
@pytest.mark.parametrize("animated", [False, True], ids=["still", "loop"])
def test_the_left_and_the_right_side_are_drawn_on_opposite_sides_of_the_picture(
    technique: str, variant: str | None, index: int, animated: bool
) -> None:
    left = render_step_svg(technique, index, variant_id=variant, side="left", animated=animated)
    right = render_step_svg(technique, index, variant_id=variant, side="right", animated=animated)
    mark_left, mark_right = _worked_mark(left), _worked_mark(right)
    assert mark_left * mark_right < 0, (mark_left, mark_right)
    assert abs(mark_left + mark_right) < 0.02, "the left side should be the right side mirrored"
    # Each says which side it shows, to people who cannot see it too.
    assert "left side" in ET.fromstring(left).find(f"{SVG}desc").text  # type: ignore[union-attr]
    assert "right side" in ET.fromstring(right).find(f"{SVG}desc").text  # type: ignore[union-attr]


def test_a_loop_through_both_sides_is_drawn_one_side_at_a_time() -> None:
    both = figure_for_step("knee-to-chest", 1)
    assert {pose_library()[p].side for p in both.poses} == {None, "left", "right"}
    for side in ("left", "right"):
        one = figure_for_step("knee-to-chest", 1, side=side)
        assert one.side == side
        assert {pose_library()[p].side for p in one.poses} == {None, "right"}
        assert one.mirrored is (side == "left")
        assert one.slug == f"knee-to-chest-2-{side}"


def test_a_step_not_done_on_one_side_ignores_the_side() -> None:
    plain = render_step_svg("cat-cow", 1, animated=False)
    assert render_step_svg("cat-cow", 1, animated=False, side="left") == plain
    assert figure_for_step("cat-cow", 1, side="left").side is None


def test_an_unknown_side_is_refused_naming_the_field() -> None:
    with pytest.raises(FigureError, match="side: 'up'"):
        figure_for_step("knee-to-chest", 1, side="up")


@pytest.mark.parametrize(("technique", "variant", "index"), STEPS,
                         ids=[f"{t}-{v or 'std'}-{i + 1}" for t, v, i in STEPS])
def test_every_figure_shows_what_the_person_rests_on(technique: str, variant: str | None,
                                                      index: int) -> None:
    """A floor line under a side or front view; seen from above, the mat, whole, in the frame."""
    figure = figure_for_step(technique, index, variant_id=variant)
    svg = render_step_svg(technique, index, variant_id=variant, animated=False)
    pitch = pose_library()[figure.poses[0]].view[1]
    floor_line = 'class="fl bk"' in svg
    mat_in_frame = 'class="mt"' in svg
    assert floor_line or mat_in_frame
    if pitch > FLOOR_LINE_PITCH:
        assert mat_in_frame, "seen from above, the mat shows the floor"


@pytest.mark.parametrize("technique", ["knee-rolls", "open-book-rotation"])
def test_the_views_from_above_show_the_mat_in_the_frame(technique: str) -> None:
    for index in range(len(default_catalog().techniques[technique].steps)):
        svg = render_step_svg(technique, index, animated=False)
        assert 'class="mt"' in svg and 'class="mt bk"' not in svg


RESTING_CM = 12.0  # a body part this close to the floor rests on it


def _mat_poses() -> list[str]:
    from backrelief.figures.svg import View

    library = pose_library()
    return [pose_id for pose_id, pose in library.items()
            if View(*pose.view).from_above and any(spec.kind == "mat" for spec in pose.props)]


@pytest.mark.parametrize("pose_id", _mat_poses())
def test_seen_from_above_every_limb_resting_on_the_floor_is_on_the_mat(pose_id: str) -> None:
    """Seen from above the mat is the floor: a hand or foot past its edge reads as off the mat
    (the side-lying rest's arm used to hang off the front). Limbs lifted in the air may reach out."""
    solved = solved_pose(pose_id)
    (mat,) = [prim for prim in solved.props if prim.style == "mat"]
    (cx, _, cz), (hx, _, hz) = mat.a, mat.b
    off = []
    for capsule in solved.skeleton.capsules:
        if capsule.part == "contact":
            continue
        for point, radius in ((capsule.a, capsule.ra), (capsule.b, capsule.rb)):
            if point[1] - radius > RESTING_CM:
                continue
            past = max(abs(point[0] - cx) + radius - hx, abs(point[2] - cz) + radius - hz)
            if past > 0:
                off.append(f"{capsule.name} {past:.1f} cm")
    assert not off, f"{pose_id}: past the mat's edge: {', '.join(sorted(set(off)))}"


def test_there_are_views_from_above_of_a_mat_to_check() -> None:
    assert {"knee-rolls-left", "open-book-open", "side-lying-rest", "wide-rest"} <= set(_mat_poses())


BALL_STEPS = [(t, v, i) for t, v, i in STEPS
              if any(pose_library()[p].inset for p in figure_for_step(t, i, variant_id=v).poses)]


@pytest.mark.parametrize(("technique", "variant", "index"), BALL_STEPS,
                         ids=[f"{t}-{v or 'std'}-{i + 1}" for t, v, i in BALL_STEPS])
@pytest.mark.parametrize("side", [None, "left", "right"])
def test_the_ball_close_up_draws_the_spine_with_the_ball_beside_it(
    technique: str, variant: str | None, index: int, side: str | None
) -> None:
    svg = render_step_svg(technique, index, variant_id=variant, animated=False, side=side)
    inset = ET.fromstring(svg).find(f"{SVG}g[@class='in']")
    if inset is None:  # the still shows a pose after the ball is taken away
        assert figure_for_step(technique, index, variant_id=variant).poses[-1].startswith("hook")
        return
    spines = [p for p in inset.iter(f"{SVG}path") if p.get("class") == "sl"]
    balls = [p for p in inset.iter(f"{SVG}path") if p.get("class") == "bl"]
    assert len(spines) == 1 and balls
    xs = [float(n) for n in NUMBER.findall(spines[0].get("d") or "")[0::2]]
    ys = [float(n) for n in NUMBER.findall(spines[0].get("d") or "")[1::2]]
    assert max(ys) - min(ys) > 25, "the spine runs up the close-up"
    for ball in balls:
        numbers = [float(n) for n in NUMBER.findall(ball.get("d") or "")]
        start_x, radius, opposite_x = numbers[0], numbers[2], numbers[7]
        centre = (start_x + opposite_x) / 2
        assert centre - radius > max(xs) or centre + radius < min(xs), "the ball is on the spine"
    # Where on the back: the lowest ribs and the rim of the pelvis, each side of the spine.
    landmarks = [p for p in inset.iter(f"{SVG}path") if p.get("class") == "lm"]
    assert len(landmarks) == 4
    # And where on the body: a leader runs from the close-up to the ball in the main picture.
    root = ET.fromstring(svg)
    main_balls = [p for p in root.iter(f"{SVG}path") if p.get("class") == "bl" and not _in_inset(root, p)]
    leaders = [p for p in inset.iter(f"{SVG}path") if p.get("class") == "ld"]
    assert len(leaders) == len(main_balls) == 1
    end = [float(n) for n in NUMBER.findall(leaders[0].get("d") or "")][-2:]
    numbers = [float(n) for n in NUMBER.findall(main_balls[0].get("d") or "")]
    ball_x, ball_y, ball_r = (numbers[0] + numbers[7]) / 2, numbers[1], numbers[2]
    assert math.dist(end, (ball_x, ball_y)) <= ball_r + 1.5, "the leader ends at the ball"


def _paths(svg: str, klass: str) -> list[list[tuple[float, float]]]:
    """The points of every path of one class outside the close-up, as (x, y) pairs."""
    root = ET.fromstring(svg)
    out = []
    for path in root.iter(f"{SVG}path"):
        if klass in (path.get("class") or "").split() and not _in_inset(root, path):
            numbers = [float(n) for n in NUMBER.findall(path.get("d") or "")]
            out.append(list(zip(numbers[0::2], numbers[1::2], strict=False)))
    return out


@pytest.mark.parametrize("side", ["left", "right"])
def test_the_seated_twist_arrow_turns_round_the_spine_across_the_chest(side: str) -> None:
    """The turn reads as a turn: an arc round the spine wider than most of the shoulders, where
    a short slide of the elbow (12 cm, a third of the shoulders) used to be."""
    svg = render_step_svg("seated-thoracic-rotation", 1, animated=False, side=side)
    (arrow,) = _paths(svg, "ar")
    xs = [x for x, _ in arrow]
    points = solved_pose("seated-arms-crossed").skeleton.points
    shoulders = abs(points["r_shoulder"][2] - points["l_shoulder"][2])
    assert max(xs) - min(xs) >= 0.7 * shoulders
    assert pose_library()["seated-rotate"].arrow.around == "T4"  # type: ignore[union-attr]


@pytest.mark.parametrize("pose_id", [pose_id for pose_id, pose in pose_library().items()
                                     if any(spec.kind == "mat" for spec in pose.props)])
def test_every_limb_resting_on_the_floor_lies_within_the_mats_ends(pose_id: str) -> None:
    """In a side view too the mat shows its ends: a hand or foot on the floor past them reads as
    off the mat (the child's pose hands were 14 cm past it, the prone feet 1 cm)."""
    solved = solved_pose(pose_id)
    (mat,) = [prim for prim in solved.props if prim.style == "mat"]
    off = []
    for capsule in solved.skeleton.capsules:
        if capsule.part == "contact":
            continue
        for point, radius in ((capsule.a, capsule.ra), (capsule.b, capsule.rb)):
            past = abs(point[0] - mat.a[0]) + radius - mat.b[0]
            if point[1] - radius <= RESTING_CM and past > 0:
                off.append(f"{capsule.name} {past:.1f} cm")
    assert not off, f"{pose_id}: past the mat's end: {', '.join(sorted(set(off)))}"


def test_the_childs_pose_keeps_the_knees_where_they_were_on_all_fours() -> None:
    """Sitting back, the bottom goes towards the heels and the hands stay forward: the knees do
    not slide (they did, 1-2 cm is the solver's give), and the forehead is on the cushion."""
    before, after = solved_pose("all-fours"), solved_pose("childs-pose")
    assert math.dist(before.skeleton.points["r_knee"], after.skeleton.points["r_knee"]) < 3.0
    assert after.skeleton.points["hip"][0] < before.skeleton.points["hip"][0] - 10  # went back
    (cushion,) = [prim for prim in after.props if prim.style == "soft"]
    assert abs(after.skeleton.points["head"][0] - cushion.a[0]) < cushion.b[0] + 2.0


OPEN_BOOK_TURNS = [(variant, index) for technique, variant, index in STEPS
                   if technique == "open-book-rotation"
                   and any(pose_library()[p].arrow
                           for p in figure_for_step(technique, index, variant_id=variant).poses)]


@pytest.mark.parametrize(("variant", "index"), OPEN_BOOK_TURNS,
                         ids=[f"{v or 'std'}-{i + 1}" for v, i in OPEN_BOOK_TURNS])
@pytest.mark.parametrize("side", ["left", "right"])
def test_the_open_book_outlines_the_arm_that_opens(variant: str | None, index: int, side: str) -> None:
    """Seen from above, which arm opens says which side is worked: that arm is outlined in the
    arrow's colour, and the arrow ends at it."""
    svg = render_step_svg("open-book-rotation", index, variant_id=variant, animated=False, side=side)
    moving = _paths(svg, "mv")
    assert len(moving) == 1, "one arm moves"
    (head,) = _paths(svg, "ah")
    tip = head[0]
    assert min(math.dist(tip, point) for point in moving[0]) < 12.0, "the arrow ends at the moving arm"
    assert ".brfig .mv{stroke:var(--a)" in svg


def _colour(hex_colour: str) -> tuple[float, float, float]:
    return tuple(int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _luminance(rgb: tuple[float, float, float]) -> float:
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_earlier_pose_can_be_seen_in_the_dark_scheme_too() -> None:
    """The faint earlier pose is the line colour at low opacity over the frame. Light on dark it
    was 1.4:1 against the dark frame, next to invisible; it must stand off the frame clearly
    while staying quieter than the body itself."""
    from pathlib import Path

    from backrelief.figures.render import STYLE

    css = (Path(__file__).resolve().parents[2] / "src/backrelief/web/static/css/app.css").read_text()
    dark_block = css[css.index("@media (prefers-color-scheme: dark)"):]
    frame = _colour(re.search(r"--figure-bg: (#[0-9a-f]{6})", dark_block).group(1))  # type: ignore[union-attr]
    dark = STYLE[STYLE.index("@media (prefers-color-scheme:dark){.brfig{"):]
    line = _colour(re.search(r"--l:var\(--brfig-line,(#[0-9a-f]{6})\)", dark).group(1))  # type: ignore[union-attr]
    body = _colour(re.search(r"--b:var\(--brfig-body,(#[0-9a-f]{6})\)", dark).group(1))  # type: ignore[union-attr]
    opacities = re.findall(r"\.brfig \.gh\{[^}]*fill-opacity:(\.\d+)", STYLE)
    opacity = float(opacities[-1])  # the later rule, the dark scheme's, wins
    ghost = tuple(f + opacity * (c - f) for c, f in zip(line, frame, strict=True))
    assert 1.8 <= _contrast(ghost, frame) < _contrast(body, frame) + 0.5  # type: ignore[arg-type]


@pytest.mark.parametrize("variant", [None, "bridge-staggered", "bridge-single-leg"])
def test_bridge_lift_arrow_points_up_from_the_hips_and_is_long(variant: str | None) -> None:
    # It followed the hip joint, which travels towards the head as much as up: a short slant
    # that did not read as a lift. Now it rises straight up, a good part of the body's height.
    svg = render_step_svg("bridge", 1, animated=False, variant_id=variant)
    root = ET.fromstring(svg)
    shaft = next(p for p in root.iter(f"{SVG}path") if p.get("class") == "ar")
    head = next(p for p in root.iter(f"{SVG}path") if p.get("class") == "ah")
    xs = [float(n) for n in NUMBER.findall(shaft.get("d") or "")[0::2]]
    ys = [float(n) for n in NUMBER.findall(shaft.get("d") or "")[1::2]]
    tip_y = float(NUMBER.findall(head.get("d") or "")[1])
    rise = ys[0] - tip_y
    assert rise >= 22.0, rise
    assert max(xs) - min(xs) < 0.2 * rise, "straight up, not a slant"
