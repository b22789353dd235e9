"""Week 6 of a programme that went well, in a real Chromium against a real server: the bridge is
played as its harder single-leg form, and every one of its steps shows a figure that loads; the
technique page shows the harder forms with a figure on every step. Screenshots of both, at a
phone and a desktop size, go to ``BACKRELIEF_SHOTS`` when it is set (to look at)."""

from __future__ import annotations

import os
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from backrelief.config import load_config
from backrelief.core.catalog import default_catalog
from backrelief.core.planner import Profile
from backrelief.core.programme import ProgrammePlan
from backrelief.journey.programme import begin, local_today
from backrelief.store import add_rating, finish_session, open_database, start_session
from backrelief.store.programme import link_session
from tests.browser.conftest import DESKTOP, Server, new_page
from tests.browser.journey import pass_safety_check

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}
SHOWN = """() => [...document.querySelectorAll('.player-figure [data-technique]')]
  .filter((f) => !f.hidden).map((f) => {
    const img = f.querySelector('img');
    return {technique: f.dataset.technique, step: f.dataset.step, src: img ? img.src : null,
            loaded: img ? img.complete && img.naturalWidth > 0 : false};
  })"""


def five_good_weeks(data_dir: Path) -> None:
    """A programme begun 35 days ago, lower back, 15 minutes, with two sessions a week whose
    pain stayed low and settled by the next day: each week stepped up, week 6 is level 5."""
    first = local_today() - timedelta(days=35)
    database = open_database(config=load_config({"BACKRELIEF_DATA_DIR": str(data_dir)}))
    try:
        with database.session(write=True) as s:
            record = begin(s, ProgrammePlan(first, 6, tuple(range(7)), time(7, 30)),
                           Profile(region="lower", minutes=15))
            for week in range(5):
                for offset, before in ((0, 5), (1, 3)):
                    day = first + timedelta(days=7 * week + offset)
                    noon = datetime.combine(day, time(12)).astimezone()
                    session_id = start_session(s, {"items": [{"technique": "cat-cow"}],
                                                   "seconds": 60, "excluded": [], "advice": []},
                                               started_at=noon)
                    add_rating(s, before, kind="before", session_id=session_id, at=noon)
                    add_rating(s, 2, kind="after", session_id=session_id,
                               at=noon + timedelta(minutes=20))
                    finish_session(s, session_id, completed=True,
                                   ended_at=noon + timedelta(minutes=20))
                    link_session(s, record.id, session_id, day)
                for offset in (2, 3):
                    day = first + timedelta(days=7 * week + offset)
                    add_rating(s, 1, kind="daily", at=datetime.combine(day, time(12)).astimezone())
    finally:
        database.close()


def shot(page: Any, name: str) -> None:
    folder = os.environ.get("BACKRELIEF_SHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_harder_bridge_has_a_figure_on_every_step(browser: Any, server: Server,
                                                      viewport: dict[str, int]) -> None:
    five_good_weeks(server.data_dir)
    size = f"{viewport['width']}x{viewport['height']}"
    context, page, errors = new_page(browser, viewport)
    pass_safety_check(page, server.url)
    page.goto(server.url + "/programme")
    if page.locator("#paused").count():  # a bout over 6 weeks: the diary advises being seen
        page.get_by_role("button", name="I have been seen").click()
        page.wait_for_url("**/programme")
    week6 = page.locator("#week-6")
    assert "next harder form" in week6.inner_text()
    assert week6.inner_text().count("Stepped up") == 1  # the reason's verdict, once
    page.locator("#week-5").scroll_into_view_if_needed()
    shot(page, f"programme-weeks-{size}")
    page.goto(server.url + "/programme/today")
    page.get_by_role("button", name="Start the session").click()
    page.wait_for_url("**/session/*/play")
    page.wait_for_selector("#p-begin:not([disabled])")
    page.click("#p-begin")
    page.wait_for_selector("#player[data-state=playing]")
    page.click("#p-pause")
    cues: list[dict[str, Any]] = page.evaluate(
        "async () => (await (await fetch(document.getElementById('player').dataset.timelineUrl))"
        ".json()).cues")
    bridge = [cue for cue in cues if cue.get("technique") == "bridge" and cue.get("step")]
    steps = len(default_catalog().techniques["bridge"].variant("bridge-single-leg").steps)
    assert {cue["step"] for cue in bridge} == set(range(1, steps + 1))
    start = next(cue for cue in cues
                 if cue.get("technique") == "bridge" and cue["kind"] == "technique")
    seek = "(at) => window.__backrelief.scheduler.seek(at)"
    page.evaluate(seek, start["at"])  # as Skip does: the technique's start, its name shown
    assert page.inner_text("#p-technique") == "Single-leg bridge"
    seen: set[str] = set()
    for cue in bridge:
        page.evaluate(seek, cue["at"])
        page.wait_for_function(SHOWN.replace("() =>", "() => (") + ").every((f) => f.loaded)")
        figures = page.evaluate(SHOWN)
        assert len(figures) == 1, figures
        figure = figures[0]
        assert (figure["technique"], figure["step"]) == ("bridge", str(cue["step"])), cue
        assert "variant=bridge-single-leg" in figure["src"] and figure["loaded"], figure
        if figure["step"] not in seen:
            seen.add(figure["step"])
            shot(page, f"player-single-leg-step{figure['step']}-{size}")
    assert seen == {str(n) for n in range(1, steps + 1)}

    page.goto(server.url + "/library/bridge")
    harder = page.locator("#harder-bridge-single-leg")
    harder.scroll_into_view_if_needed()
    images = harder.locator("img")
    assert images.count() == steps
    for index in range(steps):
        images.nth(index).scroll_into_view_if_needed()
        assert images.nth(index).evaluate("(img) => img.complete && img.naturalWidth > 0")
    page.locator("#harder").scroll_into_view_if_needed()
    shot(page, f"library-bridge-harder-{size}")
    harder.locator("ol").scroll_into_view_if_needed()
    shot(page, f"library-bridge-single-leg-{size}")
    context.close()
    assert errors.messages == [], errors.messages
