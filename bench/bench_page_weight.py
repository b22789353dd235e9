"""The player's page weight as Chromium receives it: HTML + JS + CSS, on the wire and unpacked.

Reports, asserts nothing. The goal (issues 12 and 16): the player's code, styles and HTML
<= 60 KB compressed on the wire.

A real ``backrelief serve`` and Debian's Chromium (``$BACKRELIEF_CHROMIUM`` or /usr/bin/chromium)
open a stored session's player (service workers blocked and a fresh profile, so every file comes
over the network). Per response: the bytes on the wire (Chromium's encoded body size, what gzip
sent) and the decoded bytes. The routine's timeline (JSON) and the step figures (SVG) are listed
apart: they are data and pictures, not the page's code. For comparison, the same page is fetched
again without ``Accept-Encoding`` (what it weighed before compression).

    .venv/bin/python bench/bench_page_weight.py [--minutes 10]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.browser helpers

GOAL_KB = 60


def kind_of(url: str, content_type: str) -> str:
    path = urlsplit(url).path
    if path.endswith(".js"):
        return "js"
    if path.endswith(".css"):
        return "css"
    if path.startswith("/figures/") or "svg" in content_type:
        return "figures (svg)"
    if "json" in content_type:
        return "timeline (json)"
    if "html" in content_type:
        return "html"
    return "other"


def identity_size(url: str) -> int:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return len(response.read())


def measure(browser: Any, base: str, minutes: str) -> None:
    from tests.browser.journey import build_routine, pass_safety_check

    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  service_workers="block")
    page = context.new_page()
    pass_safety_check(page, base)
    build_routine(page, minutes)
    page.get_by_role("button", name="Start the session").first.click()
    page.wait_for_url("**/play")
    play_url = page.url
    context.close()

    # A fresh context: an empty HTTP cache, so every file is fetched.
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  service_workers="block")
    page = context.new_page()
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(play_url)
    page.wait_for_selector("#p-begin:not([disabled])")
    page.wait_for_load_state("networkidle")
    rows: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for response in responses:
        url = response.url
        if urlsplit(url).netloc != urlsplit(base).netloc or response.status != 200:
            continue
        sizes = response.request.sizes()
        wire = int(sizes["responseBodySize"])
        body = len(response.body())
        kind = kind_of(url, response.headers.get("content-type", ""))
        rows[kind].append((urlsplit(url).path, wire, body))
    context.close()

    print(f"Player page weight in Chromium ({minutes}-minute routine), bytes")
    print(f"  {'what':<44} {'on the wire':>12} {'unpacked':>10} {'no gzip':>10}")
    totals = [0, 0, 0]
    for kind in ("html", "js", "css"):
        for path, wire, body in rows.get(kind, []):
            # Decoded JS/CSS is what an uncompressed response would carry; the page is fetched
            # again without gzip (the server renders it afresh: the same template and routine).
            plain = identity_size(play_url) if kind == "html" else body
            print(f"  {path[-44:]:<44} {wire:>12} {body:>10} {plain:>10}")
            totals[0] += wire
            totals[1] += body
            totals[2] += plain
    print(f"  {'HTML + JS + CSS':<44} {totals[0]:>12} {totals[1]:>10} {totals[2]:>10}")
    verdict = "meets" if totals[0] <= GOAL_KB * 1024 else "MISSES"
    print(f"  on the wire {totals[0] / 1024:.1f} KB, unpacked {totals[1] / 1024:.1f} KB: {verdict}"
          f" the goal of <= {GOAL_KB} KB on the wire; gzip sends {totals[0] / totals[1]:.0%}"
          " of the bytes")
    for kind in ("timeline (json)", "figures (svg)", "other"):
        if kind in rows:
            wire = sum(w for _, w, _ in rows[kind])
            body = sum(b for _, _, b in rows[kind])
            print(f"  apart: {kind:<20} {len(rows[kind]):>3} files, on the wire {wire:>8},"
                  f" unpacked {body:>8}")


def main() -> None:
    from playwright.sync_api import sync_playwright
    from tests.browser.conftest import start_server, stop_server
    from tests.conftest import CHROMIUM_ARGS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--minutes", default="10")
    args = parser.parse_args()
    chromium = os.environ.get("BACKRELIEF_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        print(f"Page weight: skipped, no Chromium at {chromium}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp), scale=1)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                measure(browser, server.url, args.minutes)
                browser.close()
        finally:
            stop_server(server)


if __name__ == "__main__":
    main()
