"""A session that has started plays on without a network, and even reloads offline."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser.conftest import Server, new_page
from tests.browser.journey import build_routine, cue_index, pass_safety_check, start_player

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def wait_until(page: Any, script: str, timeout: float = 15) -> None:
    """Poll an async page function until it returns true (no eval: the CSP forbids it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate(script):
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {script}")


def test_player_keeps_playing_after_the_network_is_cut(browser: Any, server: Server) -> None:
    context, page, errors = new_page(browser)
    base = server.url
    pass_safety_check(page, base)
    build_routine(page, "10")
    start_player(page)
    wait_until(page, "() => navigator.serviceWorker.controller !== null")
    wait_until(page, "async () => !!(await caches.match(location.pathname))"
                     " && !!(await caches.match(document.getElementById('player')"
                     ".dataset.timelineUrl))")

    context.set_offline(True)
    assert page.evaluate("async () => { try { await fetch('/healthz', {cache: 'no-store'});"
                         " return false } catch (e) { return true } }")
    before = cue_index(page)
    page.wait_for_timeout(1500)
    assert cue_index(page) > before, "the player stopped when the network went"
    page.wait_for_selector("#player[data-state=ended]", timeout=60_000)

    # Still offline: the page and its routine come back from the service worker's cache.
    page.reload()
    page.wait_for_selector("#p-begin:not([disabled])")
    page.click("#p-begin")
    page.wait_for_selector("#player[data-state=playing]")
    first = cue_index(page)
    page.wait_for_timeout(1000)
    assert cue_index(page) > first
    context.set_offline(False)
    context.close()
    # Only the expected offline failures (the probe fetch above) may be logged.
    unexpected = [m for m in errors.messages if "net::ERR_" not in m
                  and "Failed to fetch" not in m]
    assert unexpected == []


def test_the_offline_page_stands_in_for_uncached_pages(browser: Any, server: Server) -> None:
    context, page, _ = new_page(browser)
    page.goto(server.url + "/")
    wait_until(page, "async () => !!(await navigator.serviceWorker.ready)"
                     " && !!(await caches.match('/offline'))")
    page.reload()  # now controlled by the service worker
    wait_until(page, "() => navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    page.goto(server.url + "/settings")
    assert page.get_by_role("heading", name="You are offline").is_visible()
    page.goto(server.url + "/library")  # precached: the library opens offline
    assert page.get_by_role("heading", name="Technique library").is_visible()
    context.close()


def test_the_library_shows_its_figures_offline(browser: Any, server: Server) -> None:
    """The library is precached, and so are its figures: without a network it is all there."""
    context, page, _ = new_page(browser)
    page.goto(server.url + "/")  # a first visit, nowhere near the library
    wait_until(page, "async () => { await navigator.serviceWorker.ready;"
                     " const script = await (await fetch('/sw.js')).text();"
                     " const figures = JSON.parse(script.match(/const FIGURES = (\\[.*?\\]);/)[1]);"
                     " const cached = await Promise.all(figures.map((u) => caches.match(u)));"
                     " return figures.length > 0 && cached.every(Boolean); }", timeout=60)
    page.reload()
    wait_until(page, "() => navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    page.goto(server.url + "/library")
    images = page.locator("figure.figure-slot img")
    assert images.count() >= 10
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()  # lazy images load as they come near the view
        image.evaluate("(img) => img.decode().catch(() => null)")
        assert image.evaluate("(img) => img.naturalWidth") > 0, image.get_attribute("src")
    context.set_offline(False)
    context.close()
