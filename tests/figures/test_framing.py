"""Every step figure fills a frame of its own shape with the same margin, measured in a real
Chromium: a person standing in a tall frame, one lying flat in a wide one, each covering at least
a quarter of its frame, and a step's still and loop in frames of one shape.

The drawn box is what Chromium says the figure's paths cover (``getBBox``), not what the
renderer meant to draw: body, props, arrows, the ghost of the earlier pose, the close-up, and
the floor's height. Backdrops that run off the edge (the floor line's length, a wall, a mat
seen from the side: class ``bk``) and what a clip hides (inside the close-up) do not count.

Chromium is the run's shared one (``browser`` in tests/conftest.py); without it the test skips,
except under ``CI=true``, where it fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backrelief.figures import every_step, figure_for_step, render_step_svg
from backrelief.figures.render import FRAME_MARGIN, FRAME_SHAPES

TOLERANCE = 0.006  # of the frame's height: a fraction of a line's width on screen
# The least of its frame a figure's drawn box covers. A person standing (about 1:6) covers 0.26
# of a 1:2 frame; in the one 4:3 frame every figure had before, standing ones covered 0.10-0.16.
COVER_FLOOR = 0.255

MEASURE = """
() => [...document.querySelectorAll("body > div")].map((cell) => {
  const svg = cell.querySelector("svg");
  const [x, y, w, h] = svg.getAttribute("viewBox").split(" ").map(Number);
  const box = [Infinity, -Infinity, Infinity, -Infinity];
  for (const path of svg.querySelectorAll("path")) {
    if (path.closest("clipPath") || path.closest("[clip-path]")) continue;
    const classes = path.classList;
    if (classes.contains("bk") && !classes.contains("fl")) continue;
    const b = path.getBBox();
    if (!classes.contains("fl")) {  // the floor line counts for its height, not its length
      box[0] = Math.min(box[0], b.x); box[1] = Math.max(box[1], b.x + b.width);
    }
    box[2] = Math.min(box[2], b.y); box[3] = Math.max(box[3], b.y + b.height);
  }
  return {id: cell.id, viewBox: [x, y, w, h], box, frame: svg.dataset.frame};
})
"""


def _figures() -> list[tuple[str, str]]:
    """(name, SVG) of every step figure: still and loop, and for each side of a sided step."""
    out = []
    for technique, variant, index in every_step():
        sides: list[str | None] = [None]
        if figure_for_step(technique, index, variant_id=variant, side="left").side:
            sides += ["left", "right"]
        for side in sides:
            for animated in (False, True):
                name = f"{technique}-{variant or 'std'}-{index + 1}-{side or 'both'}-"
                name += "loop" if animated else "still"
                out.append((name, render_step_svg(technique, index, variant_id=variant,
                                                  animated=animated, side=side)))
    return out


@pytest.fixture(scope="module")
def page(browser: Any) -> Iterator[Any]:
    """One page in the run's shared Chromium (tests/conftest.py: one Playwright per process)."""
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


def test_every_step_figure_fills_a_frame_of_its_own_shape_with_the_same_margin(
    page: Any, tmp_path: Path
) -> None:
    figures = _figures()
    html = tmp_path / "figures.html"
    html.write_text("<!doctype html><body>" + "".join(
        f'<div id="{name}">{svg}</div>' for name, svg in figures) + "</body>", encoding="utf-8")
    page.goto(html.as_uri())
    measured = page.evaluate(MEASURE)
    assert len(measured) == len(figures) > 200
    problems = []
    shapes: dict[str, set[str]] = {}
    for item in measured:
        x, y, w, h = item["viewBox"]
        left, right, top, bottom = item["box"]
        margin = FRAME_MARGIN * h
        slack = TOLERANCE * h
        gaps = {"left": left - x, "right": x + w - right, "top": top - y, "bottom": y + h - bottom}
        shape = item["frame"]
        if shape not in FRAME_SHAPES or abs(w / h - FRAME_SHAPES[shape]) > 0.01:
            problems.append(f"{item['id']}: aspect {w / h:.2f} in a frame said to be {shape}")
        cover = (right - left) * (bottom - top) / (w * h)
        if cover < COVER_FLOOR:
            problems.append(f"{item['id']}: covers {cover:.2f} of its {shape} frame")
        shapes.setdefault(item["id"].rsplit("-", 1)[0], set()).add(shape)
        # Lying face down was a thin strip across a 4:3 frame (0.17 of it); in a wide frame
        # it covers well over a third.
        if item["id"].startswith("prone-press-up-") and cover < 0.35:
            problems.append(f"{item['id']}: a strip, covering {cover:.2f} of its {shape} frame")
        cropped = {side: round(gap, 1) for side, gap in gaps.items() if gap < margin - slack}
        if cropped:
            problems.append(f"{item['id']}: drawn into the margin ({margin:.1f}) at {cropped}")
        across = max(gaps["left"], gaps["right"]) <= margin + slack
        down = max(gaps["top"], gaps["bottom"]) <= margin + slack
        if not (across or down):
            problems.append(f"{item['id']}: fills neither the width nor the height: "
                            f"gaps {({k: round(v, 1) for k, v in gaps.items()})}, margin {margin:.1f}")
    problems += [f"{step}: still and loop in frames of different shapes {sorted(found)}"
                 for step, found in shapes.items() if len(found) != 1]
    assert not problems, "\n".join(problems[:20]) + f"\n({len(problems)} problems)"
    # Upright and lying figures are framed differently: the shape follows the figure.
    standing = {shape for step, found in shapes.items() for shape in found
                if step.startswith("standing-back-extension-std-3")}
    lying = {shape for step, found in shapes.items() for shape in found
             if step.startswith("bridge-std-1")}
    assert standing == {"1x2"} and lying == {"3x1"}, (standing, lying)
