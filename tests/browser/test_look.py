"""The look-test: every page a user can reach, at phone and desktop size, in light and dark.

For each page state (a page, a form shown again with its errors, a moment of the player) at
each size, the test checks what a person would see:

* every step figure is whole inside its frame (its drawn SVG content, see look.py);
* no text or control is covered by another element (step text under the player's control bar);
* the page does not scroll sideways;
* no text is smaller than 12 CSS px (SVG text too, at the size it is drawn);
* axe finds no accessibility violation (WCAG 2.x A/AA and best practices).

In the dark scheme, which changes colours only (tests/web/test_dark_mode.py), axe checks what
colours can break: contrast, and links told apart from the text around them.

It took over the axe audit that had its own test (test_axe.py, the same page states) and adds
the dark scheme. Every combination is saved to artifacts/screens/<page>-<size>-<scheme>.png for a
person to look at (the folder is not committed). One server, one browser, one page: viewport
and scheme change in place, so each page state is reached once and looked at four times.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from backrelief.config import load_config
from backrelief.core.catalog import default_catalog
from backrelief.store import add_rating, open_database
from backrelief.store.types import utcnow
from tests.browser.conftest import Server, new_page, start_server, stop_server
from tests.browser.journey import build_routine, pass_safety_check
from tests.browser.look import PAGE_PROBLEMS_JS, figure_problems

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
SCHEMES = ("light", "dark")
SCREENS = Path(__file__).resolve().parents[2] / "artifacts" / "screens"
# WCAG 2.x A and AA plus axe's best practices.
AXE_OPTIONS = {"resultTypes": ["violations"],
               "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                     "wcag22aa", "best-practice"]}}
AXE_COLOURS = {"resultTypes": ["violations"],
               "runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}}


# Problems another branch of this milestone fixes, on pages this branch does not own, as
# (combination prefix, problem prefix): reason. Kept out of the failure but printed, with who
# fixes them; delete an entry when its fix is merged (the diary chart's and the player's went so).
KNOWN_ELSEWHERE: dict[tuple[str, str], str] = {}


class Look:
    """Looks at each page state in every size and scheme and keeps every problem found."""

    def __init__(self, page: Any) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.page = page
        self.axe_script: str = Axe().axe_script
        self.problems: dict[str, list[str]] = {}
        self.combinations: list[str] = []
        self.known: list[str] = []
        self.player_weight: dict[str, Any] = {}
        self.figures = 0
        SCREENS.mkdir(parents=True, exist_ok=True)

    def axe(self, options: dict[str, Any]) -> list[str]:
        if not self.page.evaluate("typeof window.axe === 'object'"):
            self.page.evaluate(self.axe_script)
        results = self.page.evaluate("(options) => axe.run(document, options)", options)
        found = []
        for violation in results["violations"]:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            found.append(f"axe {violation['id']}: {violation['help']} ({'; '.join(targets)})")
        return found

    def check(self, name: str, *, scroll: bool = True) -> None:
        """Look at the page as it is now, in each size and scheme."""
        self.page.wait_for_load_state()
        for size, viewport in SIZES.items():
            self.page.set_viewport_size(viewport)
            for scheme in SCHEMES:
                self.page.emulate_media(color_scheme=scheme)
                self.page.evaluate("() => new Promise((r) => requestAnimationFrame(() => r(null)))")
                combination = f"{name}-{size}-{scheme}"
                if scheme == "light":
                    problems, measured = figure_problems(self.page)
                    self.figures += measured
                    problems += self.page.evaluate(PAGE_PROBLEMS_JS, scroll)
                    problems += self.axe(AXE_OPTIONS)
                else:
                    # The schemes differ in colour only (one stylesheet, no layout rule under
                    # prefers-color-scheme), so the dark pass checks what colours can break:
                    # contrast, links told apart from text. It keeps the run short for CI.
                    problems = self.axe(AXE_COLOURS)
                self.page.screenshot(path=str(SCREENS / f"{combination}.png"), full_page=True,
                                     animations="disabled")
                self.combinations.append(combination)
                for (prefix, start), why in KNOWN_ELSEWHERE.items():
                    if combination.startswith(prefix) and any(p.startswith(start) for p in problems):
                        self.known.append(f"{combination}: {why}")
                        problems = [p for p in problems if not p.startswith(start)]
                if problems:
                    self.problems[combination] = problems


def seed_three_weeks(data_dir: Path) -> None:
    """A diary of three weeks of daily ratings, slowly easing, as a returning user has."""
    database = open_database(config=load_config({"BACKRELIEF_DATA_DIR": str(data_dir)}))
    try:
        with database.session(write=True) as s:
            for day in range(21, 0, -1):
                add_rating(s, max(2, 7 - (21 - day) // 4), at=utcnow() - timedelta(days=day, hours=2))
    finally:
        database.close()


@pytest.fixture(scope="module")
def look_server(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[Server]:
    data_dir: Path = tmp_path_factory.mktemp("look")
    seed_three_weeks(data_dir)
    running = start_server(data_dir)
    yield running
    output = stop_server(running)
    assert "Traceback" not in output, output


def show_moment(page: Any, cues: list[dict[str, Any]], index: int) -> None:
    """With the player paused, jump to cue ``index`` the way Skip and Back do (the scheduler's
    seek), so a short cue of a sped-up session can be looked at for as long as it takes.

    A seek shows only the cues at the second it lands on, so the way there goes through the
    cue that opened the technique and those that opened its steps: the heading, the count and
    the figure are then the ones a person playing through would see."""
    start = max(i for i in range(index + 1) if cues[i]["kind"] == "technique")
    path = [i for i in range(start, index) if cues[i]["kind"] in ("technique", "step")]
    for i in [*path, index]:
        page.evaluate("(at) => window.__backrelief.scheduler.seek(at)", cues[i]["at"])
        page.wait_for_function(
            "(i) => Number(document.getElementById('player').dataset.cue) >= i", arg=i)


def journey(page: Any, look: Look, base: str) -> None:
    """Every page a user can reach, in the states they see it, through the real pages."""
    catalog = default_catalog()

    def visit(url: str, name: str) -> None:
        page.goto(base + url)
        look.check(name)

    visit("/", "home-new")
    visit("/check", "check-emergency")
    page.get_by_role("button", name="Continue").click()
    look.check("check-emergency-errors")  # the leg question has no default
    page.check("input[name=leg_weakness][value=none]")
    page.get_by_role("button", name="Continue").click()
    look.check("check-same-day")
    page.get_by_role("button", name="Continue").click()
    look.check("check-about-you")
    page.get_by_role("button", name="Continue").click()
    look.check("result-incomplete")  # unanswered questions: no result until they are answered
    pass_safety_check(page, base)
    look.check("result-self-care")
    preview = build_routine(page, "10")
    look.check("preview")
    visit("/build", "builder")
    page.fill("input[name=pregnancy_weeks]", "99")
    page.get_by_role("button", name="Show my routine").click()
    look.check("builder-errors")

    page.goto(preview)
    # A link today; a button once starting stores the session (the journey branch).
    page.locator("a, button").filter(has_text="Start the session").first.click()
    page.wait_for_url("**/play")
    page.wait_for_selector("#p-begin:not([disabled])")
    look.check("player-ready")
    look.player_weight = page.evaluate(r"""() => {
      const nav = performance.getEntriesByType("navigation")[0];
      const files = performance.getEntriesByType("resource").filter((e) =>
        /\.(js|css)$/.test(new URL(e.name).pathname));
      return {html: nav.decodedBodySize, files: files.map((e) => [e.name, e.decodedBodySize])};
    }""")
    session = re.search(r"/session/(\d+)", page.url).group(1)  # type: ignore[union-attr]
    cues = page.evaluate(
        f"async () => (await (await fetch('/api/sessions/{session}/timeline')).json()).cues")
    # The moments to look at, in the order the routine reaches them.
    moments = {"technique": "player-start", "hold": "player-hold", "rep": "player-rep",
               "switch_side": "player-switch-side"}
    order = sorted(moments, key=lambda kind: next(
        (i for i, cue in enumerate(cues) if cue["kind"] == kind), len(cues)))
    missing = [kind for kind in moments if all(cue["kind"] != kind for cue in cues)]
    if missing:
        look.problems["routine"] = [f"the 10-minute routine has no {kind} cue" for kind in missing]
    page.click("#p-begin")
    page.wait_for_selector("#player[data-state=playing]")
    page.click("#p-pause")
    page.wait_for_selector("#player[data-state=paused]")
    for kind in order:
        if kind not in missing:
            show_moment(page, cues, next(i for i, cue in enumerate(cues) if cue["kind"] == kind))
            look.check(moments[kind], scroll=False)
    # Paused by the person (the moments above are paused by the test, to hold them still).
    page.click("#p-pause")
    page.wait_for_selector("#player[data-state=playing]")
    page.click("#p-pause")
    page.wait_for_selector("#player[data-state=paused]")
    look.check("player-paused", scroll=False)
    page.click("#p-hurts")
    page.wait_for_selector("#hurt-dialog[open]")
    look.check("player-this-hurts", scroll=False)
    page.get_by_role("button", name="Pain spreading down a leg").click()
    page.get_by_role("button", name="Answer the safety questions again").wait_for()
    look.check("player-stopped", scroll=False)
    visit("/check/recheck", "recheck")
    visit(f"/session/{session}/after", "after")
    page.get_by_role("button", name="Save and see my summary").click()
    look.check("after-errors")
    page.locator("#f-pain .pain-scale label").filter(has_text="3").first.click()
    page.get_by_role("button", name="Save and see my summary").click()
    page.wait_for_url("**/summary")
    look.check("summary")
    visit("/progress", "progress")
    visit("/", "home-returning")
    visit("/library", "library")
    for technique in catalog.ordered():
        visit(f"/library/{technique.id}", f"technique-{technique.id}")
    for education in catalog.education.values():
        visit(f"/learn/{education.id}", f"learn-{education.id}")
    visit("/settings", "settings")
    visit("/check/emergency-signs", "warning-signs")
    visit("/offline", "offline")
    visit("/no-such-page", "not-found")
    # The results that stop exercise last: each becomes the latest check.
    pass_safety_check(page, base, duration_weeks="10")
    look.check("result-see-professional")
    page.goto(base + "/check")
    page.check("input[name=leg_weakness][value=none]")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Pain that is there all the time").check()
    page.get_by_role("button", name="Continue").click()
    if "/check/result/" not in page.url:
        look.check("check-finish")
        page.get_by_role("button", name="See my result").click()
    look.check("result-same-day")
    page.goto(base + "/check")
    page.get_by_label("Numbness, tingling or pins and needles between your legs").check()
    page.get_by_role("button", name="Continue").click()
    look.check("result-emergency")


def test_every_page_looks_right_at_every_size_and_scheme(browser: Any, look_server: Server) -> None:
    context, page, errors = new_page(browser, SIZES["phone"])
    look = Look(page)
    journey(page, look, look_server.url)
    context.close()
    print(f"\nlook-test: {len(look.combinations)} page/size/scheme combinations, "
          f"{look.figures} figures measured; screenshots in {SCREENS}")
    weight = look.player_weight
    total = weight["html"] + sum(size for _, size in weight["files"])
    print(f"player page weight: {total / 1024:.1f} KB (HTML {weight['html'] / 1024:.1f} KB, "
          + ", ".join(f"{name.rsplit('/', 1)[-1].split('?')[0]} {size / 1024:.1f} KB"
                      for name, size in weight["files"]) + ")")
    for line in look.known:
        print(f"known, fixed elsewhere: {line}")
    pages = len(look.combinations) // (len(SIZES) * len(SCHEMES))
    assert pages >= 45 and look.figures >= 100
    report = "\n\n".join(f"== {combination}\n" + "\n".join(found)
                         for combination, found in look.problems.items())
    assert look.problems == {}, report
    # Expected console lines: the browser logging the deliberate 404 page and the 422 answers
    # of forms shown again with errors. Anything else (a CSP violation, a script error) fails.
    assert [m for m in errors.messages
            if "status of 404" not in m and "status of 422" not in m] == []

