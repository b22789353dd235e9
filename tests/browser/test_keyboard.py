"""The whole journey with the keyboard only: Tab, Enter, Space, arrows and the player's keys."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.journey import OTHER_NO

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def tab_to(page: Any, selector: str, limit: int = 120) -> None:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def focus_is_visible(page: Any) -> bool:
    return bool(page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }"))


def choose_radio(page: Any, name: str, presses: int, key: str = "ArrowRight") -> None:
    """Tab into a radio group and move the choice with the arrow keys."""
    tab_to(page, f"input[name={name}]")
    for _ in range(presses):
        page.keyboard.press(key)


def test_keyboard_only_journey(page: Any, server: Server) -> None:
    page.goto(server.url + "/")
    tab_to(page, "a[href='/start']")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url("**/check")

    tab_to(page, "input[name=leg_weakness]")  # no answer is chosen for you: Space picks "no"
    page.keyboard.press("Space")
    for following in ("same_day", "other"):  # the two "do any of these apply?" lists: none apply
        tab_to(page, "button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_selector(f"input[name=step][value={following}]", state="attached")
    tab_to(page, "input[name=age]")
    page.keyboard.type("40")
    for name in OTHER_NO:
        choose_radio(page, name, 1)  # Yes is first; one arrow press chooses No
    tab_to(page, "input[name=duration_weeks]")
    page.keyboard.type("1")
    choose_radio(page, "pain_now", 4)  # 0 -> 4
    tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    choose_radio(page, "pregnant", 1)  # asked once the age is known
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/check/result/*")

    tab_to(page, "a[href='/build']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/build")
    choose_radio(page, "minutes", 1, "ArrowLeft")  # 10 -> 5
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/preview?*")

    tab_to(page, "form[action='/session/start'] button")
    page.keyboard.press("Enter")
    page.wait_for_selector("#p-begin:not([disabled])")
    tab_to(page, "#p-begin")
    page.keyboard.press("Enter")
    page.wait_for_selector("#player[data-state=playing]")

    page.keyboard.press("k")
    assert page.get_attribute("#player", "data-state") == "paused"
    page.keyboard.press("k")
    assert page.get_attribute("#player", "data-state") == "playing"
    page.keyboard.press("ArrowRight")
    assert page.inner_text("#p-count").startswith("Technique 2 of")
    page.keyboard.press("ArrowLeft")
    assert page.inner_text("#p-count").startswith("Technique 1 of")
    page.keyboard.press("h")
    assert page.get_by_role("dialog").is_visible()
    page.keyboard.press("Escape")
    assert not page.get_by_role("dialog").is_visible()
    assert page.get_attribute("#player", "data-state") == "playing"

    page.wait_for_selector("#player[data-state=ended]", timeout=60_000)
    assert page.evaluate("() => document.activeElement.textContent") == "Rate how you feel now"
    page.keyboard.press("Enter")
    page.wait_for_url("**/after")
    choose_radio(page, "pain", 2)
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/summary")
    tab_to(page, "a[href='/progress']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/progress")
    assert "4 → 2" in page.inner_text("main")
