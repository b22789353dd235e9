"""Step figures are shown whole, in frames that keep their size, on every page that shows them.

The regression this guards: a wrapper element without a size let the image take its own
aspect ratio inside a fixed frame that hides overflow, so every figure that was not wide lost
its head or its feet, while the <img> element itself looked fine to a test. So the drawn content
of each SVG is measured (tests/browser/look.py), not the <img> box.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backrelief.core.catalog import default_catalog
from tests.browser.conftest import Server, new_page, start_server, stop_server
from tests.browser.journey import build_routine, pass_safety_check
from tests.browser.look import FILL_FLOOR, figure_problems, figure_problems_and_cover

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SMALL = {"width": 360, "height": 640}
# Tall (standing, seated), square-ish (top-down views) and wide (lying) figures.
TECHNIQUES = ("standing-back-extension", "seated-thoracic-rotation", "knee-rolls", "bridge")


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[Server]:
    data_dir: Path = tmp_path_factory.mktemp("frames")
    running = start_server(data_dir)
    yield running
    output = stop_server(running)
    assert "Traceback" not in output, output


@pytest.mark.parametrize("viewport", [PHONE, SMALL, DESKTOP], ids=["phone", "small", "desktop"])
def test_library_and_technique_figures_are_whole(browser: Any, shared_server: Server,
                                                 viewport: dict[str, int]) -> None:
    context, page, errors = new_page(browser, viewport)
    found: dict[str, list[str]] = {}
    page.goto(shared_server.url + "/library")
    problems, measured = figure_problems(page)
    assert measured == len(default_catalog().techniques)
    found["/library"] = problems
    for technique in TECHNIQUES:
        page.goto(f"{shared_server.url}/library/{technique}")
        problems, measured = figure_problems(page)
        assert measured >= 1, technique
        found[technique] = problems
    context.close()
    assert {url: p for url, p in found.items() if p} == {}
    assert errors.messages == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_preview_and_player_figures_are_whole(browser: Any, shared_server: Server,
                                              viewport: dict[str, int]) -> None:
    context, page, errors = new_page(browser, viewport)
    pass_safety_check(page, shared_server.url)
    build_routine(page, "10")
    problems, measured = figure_problems(page)
    assert measured >= 2
    assert problems == []
    page.get_by_role("button", name="Start the session").first.click()
    page.wait_for_selector("#p-begin:not([disabled])")
    page.click("#p-begin")
    page.wait_for_selector("#player[data-kind=hold]")
    page.click("#p-pause")
    problems, measured = figure_problems(page)
    assert measured == 1  # the figure of the step being shown, the others hidden
    assert problems == []
    context.close()
    assert errors.messages == []


def test_frame_keeps_its_size_before_the_figure_arrives(browser: Any, shared_server: Server) -> None:
    """The frame reserves the figure's room, so nothing below it jumps when the image loads."""
    url = f"{shared_server.url}/library/standing-back-extension"
    sizes = []
    for block_figures in (True, False):
        context, page, _ = new_page(browser, PHONE)
        if block_figures:
            page.route("**/figures/**", lambda route: route.abort())
        page.goto(url)
        if not block_figures:
            page.locator("figure.figure-slot img").first.evaluate(
                "(img) => img.decode().catch(() => null)")
        sizes.append(page.evaluate(
            "(() => { const r = document.querySelector('figure.figure-slot').getBoundingClientRect();"
            " return [Math.round(r.width), Math.round(r.height)]; })()"))
        context.close()
    blocked, loaded = sizes
    assert blocked == loaded
    assert loaded[1] >= 1.9 * loaded[0]  # the frame's own 1:2 (standing), not a missing image's


FRAME_SHAPE_JS = """
() => [...document.querySelectorAll("figure.figure-slot")].map((frame) => {
  const r = frame.getBoundingClientRect();
  return {step: frame.dataset.step, width: r.width, height: r.height};
})
"""


@pytest.mark.parametrize("viewport", [PHONE, SMALL, DESKTOP], ids=["phone", "small", "desktop"])
def test_upright_and_lying_figures_fill_frames_of_their_own_shape(
        browser: Any, shared_server: Server, viewport: dict[str, int]) -> None:
    """A person standing gets a tall frame, one lying flat a wide one, and both cover at least
    FILL_FLOOR of it. In the one 4:3 frame of before, standing figures covered 0.10-0.16."""
    context, page, errors = new_page(browser, viewport)
    covers: dict[str, list[float]] = {}
    frames: dict[str, list[dict[str, Any]]] = {}
    for technique in ("standing-back-extension", "bridge", "seated-thoracic-rotation"):
        page.goto(f"{shared_server.url}/library/{technique}")
        problems, covers[technique] = figure_problems_and_cover(page)
        assert problems == [], problems
        frames[technique] = page.evaluate(FRAME_SHAPE_JS)
    context.close()
    assert errors.messages == []
    assert all(len(found) >= 2 for found in covers.values()), covers
    assert min(min(found) for found in covers.values()) >= FILL_FLOOR, covers
    standing = frames["standing-back-extension"][-1]  # "stand tall": arms by the sides
    assert standing["height"] >= 1.9 * standing["width"], standing
    lying = frames["bridge"][0]  # lying on the back, knees bent
    assert lying["width"] >= 2.5 * lying["height"], lying


def test_a_safer_variants_figure_is_its_own_after_the_library_is_cached(
        browser: Any, shared_server: Server) -> None:
    """The service worker precaches the library's figures (each technique's first step). The
    standing pelvic tilt's figure must then still be the standing one, not the cached figure of
    the lying form (a cache match that ignored the query served it, in a frame for standing)."""
    from tests.browser.test_offline import wait_until

    context, page, errors = new_page(browser, PHONE)
    page.goto(shared_server.url + "/library")
    wait_until(page, "async () => { await navigator.serviceWorker.ready;"
                     " return !!(await caches.match(document.querySelector("
                     "'figure.figure-slot[data-technique=pelvic-tilt] img').getAttribute('src'))); }",
               timeout=60)
    page.reload()
    wait_until(page, "() => navigator.serviceWorker.controller !== null")
    pass_safety_check(page, shared_server.url)
    page.goto(shared_server.url + "/build")
    page.check("input[name=no_floor]")
    page.locator(".segmented label").filter(has_text="10").first.click()
    page.get_by_role("button", name="Show my routine").click()
    page.wait_for_url("**/preview?*")
    frame = page.locator("figure.figure-slot[data-technique=pelvic-tilt]").first
    frame.locator("img").evaluate("(img) => img.decode().catch(() => null)")
    poses = frame.locator("img").evaluate(
        "async (img) => (await (await fetch(img.currentSrc)).text()).match(/data-poses=\"([^\"]*)\"/)[1]")
    assert poses == "standing-wall"
    problems, measured = figure_problems(page)
    context.close()
    assert measured >= 2 and problems == []
    assert errors.messages == []
