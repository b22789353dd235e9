"""The clinician summary: the printable page and the PDF, read back with pypdf."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from pypdf import PdfReader

from backrelief.core.screening import evaluate
from backrelief.store import Database, add_feedback, add_rating, finish_session, record_result, start_session
from tests.web.conftest import CLEAR_ANSWERS

ROUTINE = {"items": [{"technique": "cat-cow"}, {"technique": "bridge"}], "seconds": 60,
           "excluded": [], "advice": []}


def fill(database: Database, days: int) -> None:
    now = datetime.now(UTC)
    with database.session(write=True) as s:
        for day in range(days, 0, -1):
            at = now - timedelta(days=day)
            add_rating(s, 2 + day % 5, kind="daily", at=at)
            if day % 3 == 0:
                session_id = start_session(s, ROUTINE, started_at=at)
                add_feedback(s, session_id, "cat-cow", "better")
                add_feedback(s, session_id, "bridge", "worse" if day % 30 == 0 else "same")
                finish_session(s, session_id, completed=True, ended_at=at + timedelta(minutes=9))
        night = {**CLEAR_ANSWERS, "night_pain": True}
        record_result(s, evaluate(night), night, taken_at=now - timedelta(days=min(days, 20)))
        record_result(s, evaluate(CLEAR_ANSWERS), CLEAR_ANSWERS, taken_at=now - timedelta(days=1))


def pdf_text(client: TestClient) -> tuple[int, str]:
    response = client.get("/report.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_reads_back_with_red_flags_trends_sessions_and_advice(
        client: TestClient, database: Database) -> None:
    fill(database, 40)
    pages, text = pdf_text(client)
    assert pages == 1
    flat = " ".join(text.split())
    assert "Back pain self-management summary" in flat
    flagged = (datetime.now(UTC) - timedelta(days=20)).strftime("%d %b %Y")
    assert f"{flagged}: Pain that is there all the time" in flat  # the red flag, with its date
    assert "Pain, 0-10: 40 ratings" in flat
    assert "Felt better after: Cat-cow (13 sessions)" in flat
    assert "Bridge: made pain worse" in flat
    assert "Current advice from the diary" in flat


def test_a_year_of_diary_stays_within_two_pages(client: TestClient, database: Database) -> None:
    fill(database, 365)
    pages, text = pdf_text(client)
    assert 1 <= pages <= 2
    assert "weekly averages" in text


def test_an_empty_diary_still_makes_a_summary(client: TestClient) -> None:
    pages, text = pdf_text(client)
    assert pages == 1 and "No safety screen recorded." in text


def test_the_printable_page_shows_the_same(client: TestClient, database: Database) -> None:
    fill(database, 40)
    page = client.get("/report")
    assert page.status_code == 200
    assert page.text.count("<svg") >= 2 and "polyline" in page.text
    assert "Pain that is there all the time" in page.text
    assert 'href="/report.pdf"' in page.text


def test_the_pdf_renders_to_png_pages_with_ink_on_them(client: TestClient,
                                                       database: Database) -> None:
    import pypdfium2

    fill(database, 40)
    document = pypdfium2.PdfDocument(client.get("/report.pdf").content)
    image = document[0].render(scale=1).to_pil().convert("L")
    width, height = image.size
    assert abs(width - 595) <= 1 and abs(height - 842) <= 1  # A4 at 72 dpi
    dark = sum(image.histogram()[:128])
    assert dark > 2000  # text and two chart lines, not a blank page
