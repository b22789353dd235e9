"""The side being worked is the side shown: during a left-side cue the player shows the
left-side (mirrored) figure, during a right-side one the right, and it turns back; the figures
for both sides are the ones kept for offline use."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server, new_page
from tests.browser.journey import build_routine, pass_safety_check, start_player
from tests.browser.test_offline import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SHOWN = """() => {
  const shown = [...document.querySelectorAll('.player-figure [data-technique]')]
    .filter((f) => !f.hidden);
  return shown.map((f) => ({technique: f.dataset.technique, step: f.dataset.step,
    side: f.dataset.side || null, src: f.querySelector('img') && f.querySelector('img').src}));
}"""


def shown(page: Any) -> dict[str, Any]:
    figures: list[dict[str, Any]] = page.evaluate(SHOWN)
    assert len(figures) == 1, figures  # exactly one figure at a time
    return figures[0]


def seek(page: Any, at: float) -> None:
    page.evaluate("(at) => window.__backrelief.scheduler.seek(at)", at)


def sided_cues(page: Any) -> tuple[list[dict[str, Any]], list[int]]:
    """The timeline, and the indexes of its cues on a side whose step has a figure per side."""
    cues: list[dict[str, Any]] = page.evaluate(
        "async () => (await (await fetch(document.getElementById('player').dataset.timelineUrl))"
        ".json()).cues")
    slots = {(f["technique"], f["step"]) for f in page.evaluate(
        "() => [...document.querySelectorAll('.player-figure [data-side]')]"
        ".map((f) => ({technique: f.dataset.technique, step: f.dataset.step}))")}
    sided = [i for i, c in enumerate(cues)
             if c.get("side") and (c["technique"], str(c["step"])) in slots]
    return cues, sided


@pytest.fixture
def player(browser: Any, server: Server) -> Any:
    context, page, errors = new_page(browser)
    pass_safety_check(page, server.url)
    build_routine(page, "10")
    start_player(page)
    yield page
    context.close()
    assert errors.messages == []


def test_the_figure_shows_the_side_being_worked_and_turns_back(player: Any) -> None:
    page = player
    page.click("#p-pause")
    cues, sided = sided_cues(page)
    if not sided:
        pytest.fail("the routine has no step done on each side; choose one that has")
    left = next(i for i in sided if cues[i]["side"] == "left")
    step = (cues[left]["technique"], cues[left]["step"])
    same_step = [i for i in sided if (cues[i]["technique"], cues[i]["step"]) == step]
    right = next(i for i in same_step if i > left and cues[i]["side"] == "right")

    # The step's own instruction already shows the side it starts with (the left).
    instruction = max(i for i in range(left) if cues[i]["kind"] == "step")
    seek(page, cues[instruction]["at"])
    assert shown(page)["side"] == "left"

    seek(page, cues[left]["at"])
    figure = shown(page)
    assert (figure["technique"], figure["step"]) == (step[0], str(step[1]))
    assert figure["side"] == "left" and "side=left" in figure["src"]
    assert page.get_attribute("#player", "data-figure-side") == "left"

    seek(page, cues[right]["at"])
    figure = shown(page)
    assert figure["side"] == "right" and "side=right" in figure["src"]

    seek(page, cues[left]["at"])  # and back
    assert shown(page)["side"] == "left"

    # The mirrored figure is a real, drawn image.
    image = page.locator(".player-figure [data-side=left]:not([hidden]) img")
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle())

    # Played (not jumped to): the figure turns when the timeline says the side changed.
    seek(page, cues[left]["at"])
    page.click("#p-pause")
    page.wait_for_function("() => document.getElementById('player').dataset.figureSide"
                           " === 'right'", timeout=60_000)
    assert shown(page)["side"] == "right"


def test_a_step_on_one_side_only_keeps_its_single_figure(player: Any) -> None:
    page = player
    page.click("#p-pause")
    cues, sided = sided_cues(page)
    plain = [i for i, c in enumerate(cues) if c["kind"] == "step" and i not in sided
             and not any(cues[j].get("side") for j in range(i + 1, len(cues))
                         if cues[j]["technique"] == c["technique"]
                         and cues[j]["step"] == c["step"])]
    assert plain, "the routine has only sided steps"
    seek(page, cues[plain[0]]["at"])
    figure = shown(page)
    assert figure["side"] is None and "side=" not in (figure["src"] or "")


def test_both_sides_figures_are_cached_for_offline_use(player: Any) -> None:
    page = player
    wait_until(page, "() => navigator.serviceWorker.controller !== null")
    sources = page.evaluate("() => [...document.querySelectorAll('.player-figure img')]"
                            ".map((img) => img.getAttribute('src'))")
    assert any("side=left" in s for s in sources) and any("side=right" in s for s in sources)
    wait_until(page, "async () => (await Promise.all([...document.querySelectorAll("
                     "'.player-figure img')].map((img) => caches.match(img.getAttribute('src')))))"
                     ".every(Boolean)", timeout=60)
