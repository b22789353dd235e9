"""After a full journey, Cache Storage holds nothing personal but the session played (issue 15).

The service worker used to keep every GET but a deny-list, which missed the real export: the
diary export, ratings, sessions, screens, results and settings sat in Cache Storage and were
served offline, and stayed there after `backrelief forget` or on a shared computer.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.browser.conftest import Server, new_page
from tests.browser.journey import build_routine, pass_safety_check, start_player

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# What may be kept: the same for everyone (shell, library, catalogue, static files, figures).
PUBLIC = re.compile(r"^/(offline|library|manifest\.webmanifest|api/techniques(/[a-z0-9-]+)?"
                    r"|api/education(/[a-z0-9-]+)?|learn/[a-z0-9-]+|static/.*|figures/.*)$")


def cached_paths(page: Any) -> list[str]:
    return page.evaluate("""async () => {
        const paths = [];
        for (const name of await caches.keys()) {
          const cache = await caches.open(name);
          for (const request of await cache.keys()) {
            const url = new URL(request.url);
            paths.push(url.pathname);
          }
        }
        return paths;
      }""")


def test_cache_storage_after_a_full_journey(browser: Any, server: Server) -> None:
    context, page, _ = new_page(browser)
    base = server.url
    page.goto(base + "/")
    page.wait_for_function("navigator.serviceWorker.controller !== null || "
                           "navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    pass_safety_check(page, base)
    build_routine(page, "5")
    start_player(page)
    session = page.evaluate("location.pathname").removesuffix("/play")
    page.wait_for_timeout(1500)  # a little of the session; the rest is the player's tests
    page.goto(base + session + "/after")
    page.locator("#f-pain .pain-scale label").filter(has_text="2").first.click()
    page.get_by_role("button", name="Save and see my summary").click()
    page.wait_for_url("**/summary")
    # Every personal page and API answer, each fetched while the worker is in control.
    for path in ("/", "/progress", "/settings", "/library/cat-cow"):
        page.goto(base + path)
    for path in ("/api/diary/export", "/api/diary/ratings", "/api/diary/sessions",
                 "/api/diary/screens", "/api/diary/advice", "/api/settings",
                 "/progress/export?format=csv"):
        assert page.evaluate("async (p) => (await fetch(p)).status", path) == 200, path
    page.goto(base + "/library")
    deadline = time.monotonic() + 10  # let the worker finish what it was asked to keep
    while f"{session}/play" not in cached_paths(page) and time.monotonic() < deadline:
        time.sleep(0.2)
    paths = cached_paths(page)
    assert paths, "the worker kept nothing at all"
    played = {f"{session}/play", f"{session}/after",
              f"/api/sessions/{session.rsplit('/', 1)[1]}/timeline"}
    assert f"{session}/play" in paths
    personal = [path for path in paths if not PUBLIC.match(path) and path not in played]
    assert personal == [], personal
    # And the real bodies of the kept session are the session, not the diary.
    for path in paths:
        assert "/api/diary" not in path and "export" not in path
    context.close()
