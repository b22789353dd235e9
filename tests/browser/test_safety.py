"""In a real browser: an emergency or same-day answer never reaches a routine."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_emergency_answer_never_reaches_a_routine(page: Any, server: Server) -> None:
    base = server.url
    page.goto(base + "/check")
    page.get_by_label("Numbness, tingling or pins and needles between your legs").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/check/result/*")
    result_url = page.url
    assert page.get_by_role("heading", name="Get emergency help now").is_visible()
    assert page.get_by_role("link", name="Call 999 (UK)").get_attribute("href") == "tel:999"
    assert page.locator("body.tier-emergency").count() == 1
    assert page.locator("a[href='/build'], a[href='/start'], a[href*='/play']").count() == 0
    # No way round it: every routine URL sends the person back to the result.
    for path in ("/build", "/start"):
        page.goto(base + path)
        assert page.url in (result_url, base + "/check")
    page.goto(base + "/build")
    assert page.url == result_url
    response = page.request.get(base + "/api/sessions/1/timeline")
    assert response.status == 404  # no session was ever created
    page.goto(base + "/")
    assert page.get_by_role("alert").inner_text().startswith("Your latest safety check said")


def test_same_day_answer_never_reaches_a_routine(page: Any, server: Server) -> None:
    base = server.url
    page.goto(base + "/check")
    page.check("input[name=leg_weakness][value=none]")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Pain that is there all the time").check()
    page.get_by_role("button", name="Continue").click()
    if page.url.endswith("/check"):  # the last emergency question or two
        for radio in page.locator("input[type=radio][value=no]").all():
            radio.check()
        page.get_by_role("button", name="See my result").click()
    page.wait_for_url("**/check/result/*")
    assert page.get_by_role("heading", name="Contact a doctor today").is_visible()
    assert page.locator("a[href='/build']").count() == 0
    page.goto(base + "/build")
    assert "/check/result/" in page.url
