"""The progress page: chart and table, advice, session log, daily rating, export, delete-all."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

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
    assert 'cy="16.0"' in svg and 'cy="240.0"' in svg  # 10 at the top, 0 on the axis
    single = str(pain_chart([ChartPoint(start, 5, "before")], "one"))
    assert 'cx="332.0"' in single  # a lone point sits in the middle
    assert "No ratings yet" in str(pain_chart([], "none"))
