"""The whole journey in a real browser: safety check -> plan -> play -> rating -> progress."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.journey import build_routine, pass_safety_check, start_player

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_full_journey(page: Any, server: Server) -> None:
    base = server.url
    page.goto(base + "/")
    page.get_by_role("link", name="Start a session").click()
    page.wait_for_url("**/check")
    pass_safety_check(page, base)
    assert page.get_by_role("heading", name="OK to start gently").is_visible()

    preview = build_routine(page, "5")
    items = page.locator("ol.routine > li")
    assert items.count() >= 2
    assert page.locator("ol.routine .figure-slot").count() == items.count()

    start_player(page)
    session_path = page.evaluate("location.pathname").removesuffix("/play")
    # The player shows the first technique and a step, then plays to the end (sped up).
    page.wait_for_selector("#player[data-cue]")
    assert page.locator("#p-count").inner_text().startswith("Technique 1 of")
    page.wait_for_selector("#player[data-kind=hold]")
    assert page.locator("#p-ring").is_visible()
    page.wait_for_selector("#player[data-state=ended]", timeout=60_000)
    assert page.locator("#p-progress").get_attribute("aria-valuenow") == "100"
    fired = page.evaluate("window.__backrelief.fired.length")
    total = page.evaluate("window.__backrelief.scheduler.cues.length")
    assert fired == total  # every cue of the timeline was shown, none skipped

    page.get_by_role("link", name="Rate how you feel now").click()
    page.wait_for_url("**/after")
    page.locator("#f-pain .pain-scale label").filter(has_text="2").first.click()
    first_item = page.locator("fieldset[id^=f-verdict-]").first
    first_item.locator("label").filter(has_text="Felt better").click()
    page.get_by_role("button", name="Save and see my summary").click()
    page.wait_for_url("**/summary")
    assert "2 points lower" in page.inner_text("main")

    page.get_by_role("link", name="See my progress").click()
    page.wait_for_url("**/progress")
    chart = page.locator("svg[role=img]")
    assert chart.count() == 1
    assert chart.locator("circle").count() == 2
    table = page.locator("table").first.inner_text()
    assert "after a session" in table and "before a session" in table
    sessions = page.locator("table").nth(1).inner_text()
    assert "4 → 2" in sessions and "completed" in sessions
    assert "/preview?" in preview  # the preview was only a look: the session is the one started
    assert f'href="{session_path}' in page.locator("table").nth(1).inner_html()


def test_serve_prints_its_address(server: Server) -> None:
    from tests.browser.conftest import stop_server

    output = stop_server(server)
    assert f"backrelief is running at {server.url}/" in output
