"""Contact sheets: every figure of a technique on one page, screenshotted through Chromium.

    python -m backrelief.figures.contact_sheet --out DIR [--technique ID] [--frames] [--dark]
        [--poses] [--chromium PATH]

Writes DIR/<technique>.html and DIR/<technique>.png (and <technique>-dark.png with --dark),
plus DIR/index.html. Each step shows its still (last key pose, earlier ones as a faint
silhouette, the movement arrow); --frames adds a filmstrip of every animation frame so each
in-between pose can be checked too. --poses adds poses.html/png with every key pose alone.

This is a tool for looking, not a test: the geometry tests live in tests/figures.
"""

from __future__ import annotations

import argparse
import os
from html import escape
from pathlib import Path

from backrelief.core.catalog import Catalog, default_catalog

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

PAGE_STYLE = """
body{font:13px/1.4 system-ui,sans-serif;margin:16px;background:#fff;color:#1d2b36}
@media (prefers-color-scheme:dark){body{background:#111a22;color:#dbe5ee}}
h1{font-size:18px;margin:0 0 4px} h2{font-size:15px;margin:18px 0 6px}
.row{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-end;margin-bottom:10px}
figure{margin:0;border:1px solid #8884;border-radius:6px;padding:6px;width:440px}
figure.side{width:260px}
figcaption{font-size:11px;opacity:.8}
figure svg{max-width:100%;max-height:300px;height:auto;width:auto;display:block;margin:auto}
.strip{display:flex;flex-wrap:wrap;gap:4px}
.strip svg{max-width:140px;max-height:100px}
.frame .st{opacity:0!important}
.frame .fm{animation:none!important;opacity:0!important}
"""


def _frame_css(count: int) -> str:
    """Rules that show frame k in a wrapper with class ``show-k``."""
    return "".join(f".show-{k} .f{k}{{opacity:1!important}}" for k in range(count))


def technique_page(technique_id: str, catalog: Catalog, frames: bool) -> str:
    """One HTML page with every step figure of a technique, standard form and variants."""
    from backrelief.figures import FigureError, every_step, figure_for_step, render_step_svg

    technique = catalog.techniques[technique_id]
    sections: list[str] = []
    most_frames = 0
    current: str | None = "-"
    for tech, variant, index in every_step(catalog):
        if tech != technique_id:
            continue
        if variant != current:
            if current != "-":
                sections.append("</div>")
            current = variant
            heading = "Standard form" if variant is None else f"Variant: {technique.variant(variant).name}"
            sections.append(f'<h2>{escape(heading)}</h2><div class="row">')
        try:
            figure = figure_for_step(tech, index, catalog, variant)
        except FigureError as exc:
            sections.append(f"<figure><strong>No figure:</strong> {escape(str(exc))}</figure>")
            continue
        still = render_step_svg(tech, index, catalog, animated=False, variant_id=variant)
        poses = escape(" → ".join(figure.poses))
        cells = [f"<figure>{still}<figcaption><b>{escape(figure.slug)}</b> [{poses}]<br>"
                 f"{escape(figure.description)}</figcaption></figure>"]
        for side in ("left", "right"):
            sided = figure_for_step(tech, index, catalog, variant, side)
            if sided.side is None or not sided.poses:
                break
            svg = render_step_svg(tech, index, catalog, animated=False, variant_id=variant, side=side)
            mirrored = ", mirrored" if sided.mirrored else ""
            cells.append(f'<figure class="side">{svg}<figcaption><b>{escape(sided.slug)}</b> '
                         f"[{escape(' → '.join(sided.poses))}{mirrored}]</figcaption></figure>")
        if frames and len(figure.poses) > 1:
            animated = render_step_svg(tech, index, catalog, animated=True, variant_id=variant)
            count = animated.count('class="fm f')
            most_frames = max(most_frames, count)
            strip = "".join(f'<div class="frame show-{k}">{animated}</div>' for k in range(count))
            cells.append(f'<figure><div class="strip">{strip}</div><figcaption>{count} animation '
                         "frames</figcaption></figure>")
        sections.append("".join(cells))
    sections.append("</div>")
    return _page(f"{technique.name} ({technique_id})", "".join(sections), _frame_css(most_frames))


def poses_page() -> str:
    """Every key pose of the library alone, with its label and text alternative."""
    from backrelief.figures import pose_ids, render_pose_svg
    from backrelief.figures.poses import pose_library

    library = pose_library()
    cells = []
    for pose_id in pose_ids():
        pose = library[pose_id]
        cells.append(f"<figure>{render_pose_svg(pose_id)}<figcaption><b>{escape(pose_id)}</b>: "
                     f"{escape(pose.alt)}</figcaption></figure>")
    return _page("Key poses", '<div class="row">' + "".join(cells) + "</div>", "")


def _page(title: str, body: str, extra_css: str) -> str:
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(title)}</title><style>{PAGE_STYLE}{extra_css}</style></head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )


def screenshot(pages: list[Path], chromium: str, dark: bool) -> list[Path]:
    """Render each HTML page to PNG (full page) in a real Chromium."""
    from playwright.sync_api import sync_playwright

    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            schemes = ["light", "dark"] if dark else ["light"]
            for scheme in schemes:
                page = browser.new_page(viewport={"width": 1400, "height": 800}, color_scheme=scheme)  # type: ignore[arg-type]
                for html in pages:
                    page.goto(html.resolve().as_uri())
                    suffix = "" if scheme == "light" else "-dark"
                    png = html.with_name(f"{html.stem}{suffix}.png")
                    page.screenshot(path=str(png), full_page=True)
                    shots.append(png)
                page.close()
        finally:
            browser.close()
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backrelief.figures.contact_sheet",
                                     description="Render contact sheets of every figure to PNG.")
    parser.add_argument("--out", required=True, type=Path, help="output directory")
    parser.add_argument("--technique", action="append", help="only these techniques (repeatable)")
    parser.add_argument("--frames", action="store_true", help="add a filmstrip of animation frames")
    parser.add_argument("--dark", action="store_true", help="also screenshot in dark mode")
    parser.add_argument("--poses", action="store_true", help="also a page of every key pose")
    parser.add_argument("--no-png", action="store_true", help="write the HTML pages only")
    parser.add_argument("--chromium", default=os.environ.get("BACKRELIEF_CHROMIUM", "/usr/bin/chromium"),
                        help="Chromium executable (default /usr/bin/chromium)")
    args = parser.parse_args(argv)

    catalog = default_catalog()
    wanted = args.technique or [t.id for t in catalog.ordered()]
    unknown = [t for t in wanted if t not in catalog.techniques]
    if unknown:
        parser.error(f"unknown technique(s): {', '.join(unknown)}")
    args.out.mkdir(parents=True, exist_ok=True)
    pages = []
    for technique_id in wanted:
        path = args.out / f"{technique_id}.html"
        path.write_text(technique_page(technique_id, catalog, args.frames), encoding="utf-8")
        pages.append(path)
    if args.poses:
        path = args.out / "poses.html"
        path.write_text(poses_page(), encoding="utf-8")
        pages.append(path)
    links = "".join(f'<li><a href="{p.name}">{escape(p.stem)}</a></li>' for p in pages)
    index = _page("backrelief figures", f"<ul>{links}</ul>", "")
    (args.out / "index.html").write_text(index, encoding="utf-8")
    if not args.no_png:
        for png in screenshot(pages, args.chromium, args.dark):
            print(png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
