"""Render the app's PNG icons from static/icons/icon.svg with Chromium (run: `make icons`).

Phones want bitmaps: Android's install prompt a 192 and a 512 px icon, a "maskable" one whose
background runs to the edges (the launcher cuts its own shape out of it), and iOS a 180 px
apple-touch-icon without transparency (iOS rounds the corners itself). The PNGs are committed,
so neither the app nor its tests need Chromium to serve them; run this again after changing the
SVG. Chromium is $BACKRELIEF_CHROMIUM or /usr/bin/chromium, driven by Playwright (a dev
dependency).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "src" / "backrelief" / "web" / "static" / "icons"
# name, size in px, full bleed (square corners, no transparency)
OUTPUTS = (
    ("icon-192.png", 192, False),
    ("icon-512.png", 512, False),
    ("icon-maskable-512.png", 512, True),
    ("apple-touch-icon.png", 180, True),
)


def full_bleed(svg: str) -> str:
    """The icon with its background square to the edges. Its drawing already sits inside the
    central circle that maskable icons keep (40% of the size around the centre)."""
    return re.sub(r'(<rect width="512" height="512") rx="\d+"', r"\1", svg, count=1)


def main() -> None:
    from playwright.sync_api import sync_playwright

    svg = (ICONS / "icon.svg").read_text()
    chromium = os.environ.get("BACKRELIEF_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for name, size, bleed in OUTPUTS:
            page = browser.new_page(viewport={"width": size, "height": size})
            drawing = full_bleed(svg) if bleed else svg
            page.set_content(
                "<!doctype html><style>html,body{margin:0;background:transparent}"
                f"svg{{display:block;width:{size}px;height:{size}px}}</style>{drawing}")
            page.locator("svg").screenshot(path=str(ICONS / name), omit_background=not bleed)
            page.close()
            print(f"wrote {ICONS / name}")
        browser.close()


if __name__ == "__main__":
    main()
