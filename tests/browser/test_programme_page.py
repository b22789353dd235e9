"""The programme page in a real Chromium against a real server: start a programme, see its
weeks, pass the safety check from the programme, and play today's session with this week's dose."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Server
from tests.browser.journey import pass_safety_check


def test_programme_start_recheck_and_todays_session(page: Any, server: Server) -> None:
    page.goto(server.url + "/programme")
    for box in page.locator("input[name=days]").all():
        box.check()  # every day, so today always has a session
    page.get_by_role("button", name="Start the programme").click()
    page.wait_for_url("**/programme")
    assert page.locator("section.week").count() == 6
    assert "0 of 42" in page.locator("#summary").inner_text()
    assert "The first week: the routine as planned" in page.locator("#week-1").inner_text()
    assert page.locator("#routines-hidden").count() == 1  # no routine before a safety check

    page.get_by_role("link", name="Start today's session").click()
    page.wait_for_url("**/check**")  # the session starts with the safety check
    pass_safety_check(page, server.url)
    page.get_by_role("link", name="Today's programme session").click()
    page.wait_for_url("**/programme/today")
    assert "Safety re-check done." in page.inner_text("main")
    assert page.locator("input[name=pain][value='4']").is_checked()
    page.get_by_role("button", name="Start the session").click()
    page.wait_for_url("**/session/*/play")

    page.goto(server.url + "/programme")
    assert page.get_by_role("link", name="Start today's session").count() == 0
    week1 = page.locator("#week-1")
    week1.locator("summary").click()
    assert week1.locator("li").count() >= 1  # after the check, the routine and its rounds show
    assert page.locator("#reminders input").input_value().endswith(".ics")
