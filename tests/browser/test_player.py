"""The browser player: voice, screen wake lock, pause/skip/back, "this hurts", reduced motion."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server, new_page
from tests.browser.journey import build_routine, cue_index, pass_safety_check, start_player

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Record what the page asks of the speech and wake-lock APIs (headless Chromium has no audio).
STUBS = """
window.__spoken = [];
window.__wake = {requests: 0, releases: 0};
function Utterance(text) { this.text = text; }
Object.defineProperty(window, 'SpeechSynthesisUtterance', {value: Utterance, configurable: true});
Object.defineProperty(window, 'speechSynthesis', {configurable: true, value: {
  getVoices() { return [{name: 'Test voice', lang: 'en-GB', default: true}]; },
  addEventListener() {},
  speak(u) { window.__spoken.push(u.text); }, cancel() {}, pause() {}, resume() {}}});
Object.defineProperty(navigator, 'wakeLock', {configurable: true, value: {
  async request(kind) { window.__wake.requests += 1;
    return {async release() { window.__wake.releases += 1; }, addEventListener() {}}; }}});
"""


def technique_number(page: Any) -> int:
    return int(page.inner_text("#p-count").split()[1])


def open_player(browser: Any, server: Server, **options: Any) -> tuple[Any, Any]:
    context, page, _ = new_page(browser, **options)
    context.add_init_script(STUBS)
    pass_safety_check(page, server.url)
    build_routine(page, "10")
    return context, page


def test_voice_is_on_after_the_first_tap_and_can_be_turned_off(browser: Any,
                                                               server: Server) -> None:
    context, page = open_player(browser, server)
    page.get_by_role("button", name="Start the session").first.click()
    page.wait_for_selector("#p-begin:not([disabled])")
    assert page.evaluate("window.__spoken.length") == 0  # nothing before the first tap
    page.click("#p-begin")
    page.wait_for_selector("#player[data-cue]")
    spoken = page.evaluate("window.__spoken")
    assert spoken and spoken[0].startswith("Next: ")
    assert page.evaluate("window.__wake.requests") >= 1  # the screen is kept awake
    voice = page.locator("#p-voice")
    assert voice.get_attribute("aria-pressed") == "true"
    voice.click()
    assert voice.get_attribute("aria-pressed") == "false"
    count = page.evaluate("window.__spoken.length")
    page.wait_for_timeout(1500)
    assert page.evaluate("window.__spoken.length") == count
    assert page.evaluate("localStorage.getItem('backrelief.voice')") == "off"
    context.close()


def test_pause_resume_skip_and_back(browser: Any, server: Server) -> None:
    context, page = open_player(browser, server)
    start_player(page)
    page.click("#p-pause")
    assert page.get_attribute("#player", "data-state") == "paused"
    assert page.inner_text("#p-pause") == "Resume"
    paused_at = cue_index(page)
    page.wait_for_timeout(1000)
    assert cue_index(page) == paused_at
    page.click("#p-pause")
    page.wait_for_timeout(800)
    assert cue_index(page) > paused_at

    assert technique_number(page) == 1
    page.click("#p-skip")
    assert technique_number(page) == 2
    assert page.get_attribute("#player", "data-kind") == "technique"
    page.click("#p-back")  # straight after a skip: back to the previous technique
    assert technique_number(page) == 1
    context.close()


def test_this_hurts_applies_the_stop_rules(browser: Any, server: Server) -> None:
    context, page = open_player(browser, server)
    start_player(page)
    page.click("#p-hurts")
    dialog = page.get_by_role("dialog")
    assert dialog.is_visible()
    assert page.get_attribute("#player", "data-state") == "paused"
    dialog.get_by_role("button", name="Sharp pain, or pain getting worse").click()
    assert page.get_attribute("#player", "data-state") == "paused"  # until the person chooses
    dialog.get_by_role("button", name="Skip this technique").click()
    assert not dialog.is_visible()
    assert technique_number(page) == 2  # skip: this technique is left
    assert "Stop this technique now" in page.inner_text("#p-status")
    assert page.get_attribute("#player", "data-state") == "playing"

    page.click("#p-hurts")
    dialog.get_by_role("button", name="Pain spreading down a leg").click()
    assert "Stop the session" in page.inner_text("#hurt-advice-text")
    dialog.get_by_role("button", name="Answer the safety questions again").click()
    page.wait_for_url("**/check/recheck?session=*")
    assert page.get_by_role("heading", name="Quick safety re-check").is_visible()
    context.close()


def test_reduced_motion_stops_the_breathing_animation(browser: Any, server: Server) -> None:
    script = """() => { const b = document.getElementById('p-breath');
      const circle = b.querySelector('.breath-circle');
      circle.style.transitionDuration = '0s';
      document.getElementById('p-live').hidden = false; b.hidden = false; b.dataset.phase = 'in';
      return getComputedStyle(circle).transform; }"""
    for motion, expected_scaled in (("reduce", False), ("no-preference", True)):
        context, page = open_player(browser, server, reduced_motion=motion)
        page.get_by_role("button", name="Start the session").first.click()
        page.wait_for_selector("#p-begin:not([disabled])")
        transform = page.evaluate(script)
        assert (transform != "none") is expected_scaled, (motion, transform)
        context.close()


def test_reduced_motion_is_served_still_figures(browser: Any, server: Server) -> None:
    """An animated SVG inside <img> does not always see the page's motion setting."""
    for motion, still in (("reduce", True), ("no-preference", False)):
        context, page, _ = new_page(browser, reduced_motion=motion)
        page.goto(f"{server.url}/library/bridge")
        image = page.locator("figure.figure-slot img").first
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        source = image.evaluate("(img) => img.currentSrc")
        assert ("still=1" in source) is still, (motion, source)
        context.close()
