"""Every script a page runs is fetched once, by its versioned URL: sub-modules are imported
with their parent's ?v= tag, so the browser never loads a second, untagged copy."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import Server, new_page
from tests.browser.journey import build_routine, pass_safety_check

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def scripts_of(page: Any, url: str, ready: str) -> list[Any]:
    """The scripts the page at `url` fetched, as split URLs, once `ready` is true."""
    requested: list[str] = []
    listener = lambda request: requested.append(request.url)  # noqa: E731
    page.on("request", listener)
    page.goto(url)
    page.wait_for_function(ready)
    page.wait_for_load_state("networkidle")
    page.remove_listener("request", listener)
    return [urlsplit(u) for u in requested if urlsplit(u).path.endswith(".js")]


def test_each_module_loads_once_and_versioned(browser: Any, server: Server) -> None:
    # No service worker, so every fetch the page makes reaches the network and is seen here.
    context, page, errors = new_page(browser, service_workers="block")
    pass_safety_check(page, server.url)
    build_routine(page, "5")
    page.get_by_role("button", name="Start the session").first.click()
    page.wait_for_url("**/play")
    session = urlsplit(page.url).path.rsplit("/", 1)[0]
    pages = {
        "player": scripts_of(page, server.url + session + "/play",
                             "() => !document.getElementById('p-begin').disabled"),
        "after": scripts_of(page, server.url + session + "/after",
                            "() => document.getElementById('after-form').elements.answer_id.value"),
    }
    expected = {"player": {"player.js", "scheduler.js", "clock.js", "outbox.js", "register-sw.js"},
                "after": {"after.js", "outbox.js", "register-sw.js"}}
    for name, scripts in pages.items():
        files = Counter(s.path for s in scripts)
        assert expected[name] <= {path.rsplit("/", 1)[1] for path in files}, (name, files)
        assert [s.geturl() for s in scripts if not s.query.startswith("v=")] == [], name
        assert {s.query for s in scripts} == {scripts[0].query}, name  # one tag for the tree
        assert max(files.values()) == 1, (name, files)  # outbox.js too: one shared copy
    context.close()
    assert errors.messages == []
