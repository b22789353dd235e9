"""The progress page: chart and table, advice, session log, daily rating, export, delete-all."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from backrelief.store import Database, add_rating
from backrelief.store.types import utcnow
from backrelief.web.chart import ChartPoint, pain_chart
from tests.web.conftest import CLEAR_ANSWERS, build_session, counts, store_screen


def test_empty_progress(client: TestClient) -> None:
    page = client.get("/progress").text
    assert "No ratings yet" in page
    assert "No sessions yet" in page


def test_chart_table_advice_and_log(client: TestClient, database: Database) -> None:
    with database.session(write=True) as s:
        for days, pain in ((20, 7), (10, 6), (1, 6)):
            add_rating(s, pain, at=utcnow() - timedelta(days=days))
    store_screen(database, CLEAR_ANSWERS)
    session_id = build_session(client, pain="5")
    client.post(f"/session/{session_id}/after", data={"pain": "3"})
    page = html.unescape(client.get("/progress").text)
    svg = re.search(r"<svg[^>]*role=\"img\".*?</svg>", page, re.S)
    assert svg, "no chart"
    assert "<title id=\"chart-title\">" in svg.group(0)
    assert "<desc id=\"chart-desc\">5 ratings." in svg.group(0)
    assert svg.group(0).count("<circle") == 5
    assert page.count("<tr>") == 1 + 5 + 1 + 1  # ratings: header + 5; sessions: header + 1
    assert "5 → 3" in page and "completed" in page
    assert "See a GP or physiotherapist" in page  # 20 days without meaningful improvement


def test_daily_rating(client: TestClient, database: Database) -> None:
    response = client.post("/progress/rating", data={"pain": "4"}, follow_redirects=False)
    assert response.status_code == 303
    assert counts(database)["pain_ratings"] == 1
    for bad in ({}, {"pain": "11"}, {"pain": "four"}):
        assert client.post("/progress/rating", data=bad).status_code == 422
    assert counts(database)["pain_ratings"] == 1


def test_exports_download(client: TestClient) -> None:
    client.post("/progress/rating", data={"pain": "4"})
    for fmt, kind in (("json", "application/json"), ("csv", "text/csv"),
                      ("fhir", "application/fhir+json")):
        response = client.get(f"/progress/export?format={fmt}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(kind)
        assert response.headers["content-disposition"].startswith("attachment")
    assert client.get("/progress/export?format=xml").status_code == 422


def test_delete_all_needs_the_tick(client: TestClient, database: Database) -> None:
    client.post("/progress/rating", data={"pain": "4"})
    refused = client.post("/progress/delete", data={})
    assert refused.status_code == 422
    assert counts(database)["pain_ratings"] == 1
    done = client.post("/progress/delete", data={"confirm": "yes"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/?deleted=1"
    assert done.headers["clear-site-data"] == '"cache", "storage"'
    assert sum(counts(database).values()) == 0
    assert "Everything was deleted" in client.get("/?deleted=1").text


def test_chart_helper_escapes_and_scales() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    svg = str(pain_chart([ChartPoint(start, 10, "daily"),
                          ChartPoint(start + timedelta(days=1), 0, "after")], "a <b> & c"))
    assert "a &lt;b&gt; &amp; c" in svg
    assert 'cy="14.0"' in svg and 'cy="240.0"' in svg  # 10 at the top, 0 on the axis
    single = str(pain_chart([ChartPoint(start, 5, "before")], "one"))
    assert 'cx="53.00%"' in single  # a lone point sits in the middle
    assert "No ratings yet" in str(pain_chart([], "none"))


def test_daily_rating_with_the_spread_checkbox(client: TestClient, database: Database) -> None:
    page = client.get("/progress").text
    assert 'name="spread" value="yes"' in page
    assert "spread down a leg, or further down it, since last time" in page
    done = client.post("/progress/rating", data={"pain": "4", "spread": "yes"},
                       follow_redirects=False)
    assert done.status_code == 303
    refused = client.post("/progress/rating", data={"pain": "4", "spread": "maybe"})
    assert refused.status_code == 422 and 'href="#f-spread"' in refused.text
    with database.session() as s:
        from backrelief.store import list_ratings

        assert [(r.pain, r.spread) for r in list_ratings(s)] == [(4, True)]
    page = html.unescape(client.get("/progress").text)
    assert "spread down a leg" in page
    assert "See a GP or physiotherapist" in page


def test_after_session_form_has_the_spread_checkbox(client: TestClient,
                                                    database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    session_id = build_session(client, pain="5")
    form = client.get(f"/session/{session_id}/after").text
    assert 'name="spread" value="yes"' in form
    refused = client.post(f"/session/{session_id}/after", data={"pain": "3", "spread": "1"})
    assert refused.status_code == 422
    client.post(f"/session/{session_id}/after", data={"pain": "3", "spread": "yes"})
    from backrelief.store import list_ratings

    with database.session() as s:
        after = [r for r in list_ratings(s, session_id=session_id) if r.kind == "after"]
    assert [(r.pain, r.spread) for r in after] == [(3, True)]


def _rate(database: Database, pains: tuple[int, ...]) -> None:
    with database.session(write=True) as s:
        for index, pain in enumerate(pains):
            add_rating(s, pain, at=utcnow() - timedelta(days=len(pains) - index))


def _band(svg: str) -> tuple[float, float]:
    band = re.search(r'<rect class="band"[^>]* y="([\d.]+)" height="([\d.]+)"', svg)
    assert band, "no band"
    return float(band.group(1)), float(band.group(1)) + float(band.group(2))


def _recent_y(svg: str) -> float:
    recent = re.search(r'<line class="recent"[^>]* y1="([\d.]+)"', svg)
    assert recent, "no recent level"
    return float(recent.group(1))


@pytest.mark.parametrize(("pains", "heading", "inside"), [
    ((3, 3, 3, 7), "no meaningful change", True),  # the last dot climbs; the level does not
    ((3, 3, 4, 4), "getting worse", False),
    ((7, 6, 4, 3), "improving", False),
])
def test_the_heading_the_words_and_the_band_agree(
    client: TestClient, database: Database, pains: tuple[int, ...], heading: str, inside: bool
) -> None:
    _rate(database, pains)
    page = html.unescape(client.get("/progress").text)
    assert f"Pain trend: {heading}</h2>" in page
    words = re.search(r'<p class="trend-words">(.*?)</p>', page, re.S)
    assert words and "2 points, or 30%" in words.group(1)
    svg = re.search(r"<svg[^>]*role=\"img\".*?</svg>", page, re.S)
    assert svg
    top, bottom = _band(svg.group(0))
    assert (top < _recent_y(svg.group(0)) < bottom) is inside


def test_a_flare_up_is_drawn_and_named(client: TestClient, database: Database) -> None:
    _rate(database, (8, 2, 6))
    page = html.unescape(client.get("/progress").text)
    assert "Pain trend: a flare-up</h2>" in page and "improving" not in page.split("<h2")[1]
    assert '<line class="best"' in page and "Your best recent level" in page


def test_chart_text_never_scales_with_the_width() -> None:
    # The SVG has no viewBox, so nothing shrinks its text on a narrow screen (issue 12); the
    # horizontal positions are percentages instead.
    start = datetime(2026, 1, 1, tzinfo=UTC)
    svg = str(pain_chart([ChartPoint(start + timedelta(days=d), d % 11, "daily")
                          for d in range(200)], "long"))
    assert "viewBox" not in svg and 'width="100%"' in svg
    assert all(x.endswith("%") for x in re.findall(r' (?:x|cx|x1|x2)="([^"]+)"', svg))
    ticks = re.findall(r'<text class="tick( minor)?"[^>]*y="266"', svg)
    assert len(ticks) == 5 and sum(1 for t in ticks if not t) == 3  # 3 dates stay on a phone


def test_sessions_become_cards_on_a_phone(client: TestClient, database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    build_session(client, pain="5")
    page = client.get("/progress").text
    assert '<table class="stack sessions">' in page
    assert 'data-label="Outcome">not finished' in page
    css = client.get("/static/css/app.css").text
    assert "table.stack td::before { content: attr(data-label)" in css


def _many_ratings(database: Database, count: int, every: timedelta) -> None:
    start = utcnow() - every * count
    with database.session(write=True) as s:
        for number in range(count):
            add_rating(s, number % 11, at=start + every * (number + 1))


def test_a_long_diary_is_paged_newest_first(client: TestClient, database: Database) -> None:
    _many_ratings(database, 120, timedelta(hours=1))
    first = client.get("/progress").text
    assert first.count('<td data-label="Pain">') == 50
    assert "120 ratings." in first
    assert 'href="/progress?page=2#ratings"' in first and "Newer ratings" not in first
    last = client.get("/progress?page=3").text
    assert last.count('<td data-label="Pain">') == 20
    assert "Older ratings" not in last and 'href="/progress?page=2#ratings"' in last
    assert client.get("/progress?page=0").status_code == 422
    assert client.get("/progress?page=x").status_code == 422


def test_the_chart_draws_daily_means_when_ratings_are_many(client: TestClient,
                                                          database: Database) -> None:
    # 300 ratings, 6 a day for 50 days: more than the chart draws one by one.
    _many_ratings(database, 300, timedelta(hours=4))
    page = html.unescape(client.get("/progress").text)
    svg = re.search(r"<svg[^>]*role=\"img\".*?</svg>", page, re.S)
    assert svg
    circles = svg.group(0).count("<circle")
    assert 49 <= circles <= 52  # one per UTC day
    assert "mean " in svg.group(0) and " of 6 ratings" in svg.group(0)


def test_the_session_log_is_paged(client: TestClient, database: Database) -> None:
    from backrelief.store import start_session

    with database.session(write=True) as s:
        for number in range(25):
            start_session(s, {"items": []}, started_at=utcnow() - timedelta(hours=number + 1))
    page = client.get("/progress").text
    assert page.count('<td data-label="Outcome">') == 20
    assert 'href="/progress?sessions=2#sessions"' in page
    assert client.get("/progress?sessions=2").text.count('<td data-label="Outcome">') == 5
