"""Every step figure fills the same 4:3 frame with the same margin, measured in a real Chromium.

The drawn box is what Chromium says the figure's paths cover (``getBBox``), not what the
renderer meant to draw: body, props, arrows, the ghost of the earlier pose, the close-up, and
the floor's height. Backdrops that run off the edge (the floor line's length, a wall, a mat
seen from the side: class ``bk``) and what a clip hides (inside the close-up) do not count.

Chromium is ``$BACKRELIEF_CHROMIUM`` or ``/usr/bin/chromium``; without it the test skips,
except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backrelief.figures import every_step, figure_for_step, render_step_svg
from backrelief.figures.render import FRAME_ASPECT, FRAME_MARGIN

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
TOLERANCE = 0.006  # of the frame's height: a fraction of a line's width on screen

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
  return {id: cell.id, viewBox: [x, y, w, h], box};
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
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    candidate = os.environ.get("BACKRELIEF_CHROMIUM", "").strip() or "/usr/bin/chromium"
    chromium = shutil.which(candidate) or (candidate if Path(candidate).is_file() else None)
    if chromium is None:
        if os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}:
            pytest.fail(f"Chromium not found at {candidate} (CI=true: mandatory)", pytrace=False)
        pytest.skip(f"Chromium not found at {candidate}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_every_step_figure_fills_a_four_by_three_frame_with_the_same_margin(
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
    for item in measured:
        x, y, w, h = item["viewBox"]
        left, right, top, bottom = item["box"]
        margin = FRAME_MARGIN * h
        slack = TOLERANCE * h
        gaps = {"left": left - x, "right": x + w - right, "top": top - y, "bottom": y + h - bottom}
        if abs(w / h - FRAME_ASPECT) > 0.01:
            problems.append(f"{item['id']}: aspect {w / h:.2f}, not {FRAME_ASPECT:.2f}")
        cropped = {side: round(gap, 1) for side, gap in gaps.items() if gap < margin - slack}
        if cropped:
            problems.append(f"{item['id']}: drawn into the margin ({margin:.1f}) at {cropped}")
        across = max(gaps["left"], gaps["right"]) <= margin + slack
        down = max(gaps["top"], gaps["bottom"]) <= margin + slack
        if not (across or down):
            problems.append(f"{item['id']}: fills neither the width nor the height: "
                            f"gaps {({k: round(v, 1) for k, v in gaps.items()})}, margin {margin:.1f}")
    assert not problems, "\n".join(problems[:20]) + f"\n({len(problems)} problems)"
