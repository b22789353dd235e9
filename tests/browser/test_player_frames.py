"""Cues played live are applied in the animation frame their due time falls in (never before
it), and a hidden page, which gets no frames, still gets its cues from the timer."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server, new_page
from tests.browser.journey import build_routine, pass_safety_check, start_player

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Lets the test say "the page is hidden now" as a locked phone would (headless pages are visible).
HIDE = """() => {
  Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
  Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'});
  document.dispatchEvent(new Event('visibilitychange'));
}"""


def test_live_cues_are_applied_in_a_frame_and_a_hidden_page_still_gets_them(
        browser: Any, server: Server) -> None:
    context, page, errors = new_page(browser)
    pass_safety_check(page, server.url)
    build_routine(page, "5")
    start_player(page)
    page.wait_for_function("() => window.__backrelief.scheduler.painted.length >= 6")
    scheduler = "window.__backrelief.scheduler"
    painted, applied = page.evaluate(f"[{scheduler}.painted, {scheduler}.lateness]")
    assert len(painted) == len(applied)
    # Each in a frame (a frame start recorded), and that frame started at or after its due time.
    assert all(p is not None and p >= -0.5 for p in painted), painted

    page.evaluate(HIDE)
    before = len(painted)
    page.wait_for_function(f"() => {scheduler}.painted.length >= {before + 4}")
    hidden = page.evaluate(f"{scheduler}.painted")[before + 1:]
    assert hidden and all(p is None for p in hidden), hidden  # from the timer, not a frame
    context.close()
    assert errors.messages == []
