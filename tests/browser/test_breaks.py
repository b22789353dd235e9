"""Desk-break reminders in a real Chromium: off until turned on, then a reminder on every page
of the app after the chosen minutes (the page clock is fast-forwarded, not waited for)."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Server, new_page


def test_reminders_are_off_until_turned_on_then_appear(browser: Any, server: Server) -> None:
    context, page, errors = new_page(browser)
    try:
        context.grant_permissions(["notifications"], origin=server.url)
        page.clock.install()
        page.goto(server.url + "/breaks")
        page.clock.fast_forward(60 * 60 * 1000)
        assert page.locator("#break-banner").count() == 0  # off by default
        page.fill("#breaks-every", "5")
        page.check("#breaks-on")
        page.get_by_role("button", name="Save reminders").click()
        assert "from 15 to 180" in page.inner_text("#breaks-status")  # refused, nothing saved
        page.fill("#breaks-every", "20")
        page.get_by_role("button", name="Save reminders").click()
        page.wait_for_function("document.getElementById('breaks-status').textContent.length > 0"
                               " && !document.getElementById('breaks-status').textContent"
                               ".includes('from 15')")
        assert "every 20 minutes" in page.inner_text("#breaks-status")
        page.goto(server.url + "/progress")  # the setting follows to every page
        page.clock.fast_forward(19 * 60 * 1000)
        assert page.locator("#break-banner").count() == 0
        page.clock.fast_forward(2 * 60 * 1000)
        page.wait_for_selector("#break-banner")
        page.get_by_role("link", name="Take a desk break").click()
        page.wait_for_url("**/breaks")
        assert page.locator("#breaks-on").is_checked()
    finally:
        context.close()
    assert errors.messages == [], errors.messages
