"""The progress page on a phone and a desktop (issue 12 item 6), in a real Chromium.

The chart's text is measured as drawn: the font size times the SVG's scale on screen, so a
chart that shrinks as a whole (a viewBox scaled to 390 px) fails here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from backrelief.config import load_config
from backrelief.store import add_rating, finish_session, open_database, start_session
from tests.browser.conftest import Server, new_page

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
MEASURE = """() => {
  const drawn = [];
  for (const text of document.querySelectorAll('svg.pain-chart text')) {
    if (getComputedStyle(text).display === 'none') continue;
    drawn.push(parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a);
  }
  return {drawn, scroll: document.documentElement.scrollWidth, width: window.innerWidth};
}"""


def _fill(server: Server, count: int) -> None:
    database = open_database(config=load_config({"BACKRELIEF_DATA_DIR": str(server.data_dir)}))
    now = datetime.now(UTC)
    try:
        with database.session(write=True) as s:
            for day in range(count):
                add_rating(s, 3 + (day * 7) % 5, at=now - timedelta(days=count - day))
            session_id = start_session(s, {"items": [{"technique": "cat-cow"}]},
                                       started_at=now - timedelta(hours=3))
            add_rating(s, 6, kind="before", session_id=session_id,
                       at=now - timedelta(hours=3))
            other = start_session(s, {"items": [{"technique": "bridge"}]},
                                  started_at=now - timedelta(hours=2))
            finish_session(s, other, False, "it hurt more than I expected, so I stopped",
                           ended_at=now - timedelta(hours=1))
    finally:
        database.close()


@pytest.mark.parametrize("count", [21, 200])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_chart_text_is_at_least_12px_and_nothing_scrolls_sideways(
    browser: Any, server: Server, count: int, viewport: dict[str, int]
) -> None:
    _fill(server, count)
    context, page, errors = new_page(browser, viewport)
    try:
        page.goto(server.url + "/progress")
        measured = page.evaluate(MEASURE)
        assert len(measured["drawn"]) >= 6 + 3  # 0-10 labels and at least three dates
        assert min(measured["drawn"]) >= 12, measured["drawn"]
        assert measured["scroll"] <= measured["width"]
        dates = len(measured["drawn"]) - 6  # six pain labels, 0 to 10
        assert dates == (3 if viewport is PHONE else 5)  # fewer dates on a phone
        # Sessions: cards on a phone, with "not finished" whole and inside the page.
        cell = page.locator('td[data-label="Outcome"]', has_text="not finished")
        box = cell.bounding_box()
        assert box is not None and box["x"] + box["width"] <= viewport["width"]
        assert cell.evaluate("el => el.scrollWidth <= el.clientWidth")
        display = page.locator("table.sessions tr").first.evaluate(
            "el => getComputedStyle(el).display")
        assert display == ("block" if viewport is PHONE else "table-row")
    finally:
        context.close()
    assert errors.messages == []
