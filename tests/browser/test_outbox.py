"""The after-session form works offline: the answers wait on the device and reach the diary
exactly once when the connection is back (static/js/outbox.js, static/js/after.js)."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from tests.browser.conftest import Server, new_page
from tests.browser.journey import build_routine, pass_safety_check, start_player
from tests.browser.test_offline import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def server_ratings(server: Server) -> list[dict[str, Any]]:
    """The diary's ratings, asked by this process (not the offline browser)."""
    with urllib.request.urlopen(server.url + "/api/diary/ratings", timeout=5) as response:
        data = json.loads(response.read())
    return list(data["ratings"] if isinstance(data, dict) else data)


def test_after_form_offline_then_online_stores_the_answers_once(browser: Any,
                                                                server: Server) -> None:
    context, page, errors = new_page(browser)
    pass_safety_check(page, server.url)
    build_routine(page, "5")
    start_player(page)
    session_path = page.evaluate("location.pathname").rsplit("/", 1)[0]
    wait_until(page, "() => navigator.serviceWorker.controller !== null")
    wait_until(page, f"async () => !!(await caches.match('{session_path}/after'))")

    context.set_offline(True)
    page.goto(server.url + session_path + "/after")  # from the service worker's cache
    page.locator("#f-pain .pain-scale label").filter(has_text="2").first.click()
    first = page.locator("fieldset[id^=f-verdict-]").first
    technique = first.get_attribute("id").removeprefix("f-verdict-")
    first.locator("label").filter(has_text="Felt worse").click()
    page.get_by_role("button", name="Save and see my summary").click()
    status = page.locator("#after-status")
    status.get_by_text("Saved on this device, will sync").wait_for()
    assert [r for r in server_ratings(server) if r["kind"] == "after"] == []

    context.set_offline(False)
    page.locator("#after-status[data-state=synced]").wait_for()
    after = [r for r in server_ratings(server) if r["kind"] == "after"]
    assert [r["pain"] for r in after] == [2]

    # The same answers sent again (a retry after a lost reply) are not stored twice.
    body = page.evaluate("""async () => {
        const form = document.getElementById('after-form');
        const data = {answer_id: form.elements.answer_id.value, pain: 2, verdicts: {}};
        const r = await fetch(form.dataset.apiUrl, {method: 'POST', body: JSON.stringify(data),
                              headers: {'Content-Type': 'application/json'}});
        return await r.json(); }""")
    assert body["stored"] is False
    assert [r["pain"] for r in server_ratings(server) if r["kind"] == "after"] == [2]
    page.get_by_role("link", name="See my summary").click()
    summary = page.locator("main").inner_text()
    assert "Felt worse".lower() in summary.lower() and technique
    context.close()
    unexpected = [m for m in errors.messages if "net::ERR_" not in m and "Failed to fetch" not in m]
    assert unexpected == []
