"""Home, library, education and settings pages."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from backrelief.core.catalog import default_catalog
from backrelief.store import Database
from tests.web.conftest import BLOCKING_ANSWERS, CLEAR_ANSWERS, build_session, counts, store_screen


def test_home_for_a_new_user(client: TestClient) -> None:
    page = html.unescape(client.get("/").text)
    assert 'href="/start"' in page
    assert "Not a diagnosis." in page and "999" in page
    assert "Continue your session" not in page


def test_home_offers_to_continue_an_unfinished_session(client: TestClient,
                                                       database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    session_id = build_session(client)
    page = client.get("/").text
    assert f'href="/session/{session_id}/play"' in page
    assert "0 sessions so far" in page  # started, not finished: it does not count yet


def test_home_repeats_an_urgent_result(client: TestClient, database: Database) -> None:
    screen_id = store_screen(database, BLOCKING_ANSWERS["emergency"])
    page = client.get("/").text
    assert f'href="/check/result/{screen_id}"' in page
    assert "Get emergency help now" in page


def test_library_lists_every_technique_and_page(client: TestClient) -> None:
    catalog = default_catalog()
    page = html.unescape(client.get("/library").text)
    for technique in catalog.ordered():
        assert f'href="/library/{technique.id}"' in page
        assert technique.name in page
    for education in catalog.education.values():
        assert f'href="/learn/{education.id}"' in page


@pytest.mark.parametrize("technique_id", sorted(default_catalog().techniques))
def test_technique_page_has_steps_cautions_sources_and_a_figure_slot(client: TestClient,
                                                                   technique_id: str) -> None:
    technique = default_catalog().technique(technique_id)
    page = html.unescape(client.get(f"/library/{technique_id}").text)
    for step in technique.steps:
        assert step.text in page
    for caution in technique.cautions:
        assert caution in page
    # The frame is shaped for its figure (frame-1x2 standing ... frame-3x1 lying flat).
    assert re.search(rf'class="figure-slot frame-\d+x\d+ technique-figure" data-technique="{technique_id}"',
                     page)
    assert "Sources" in page


def test_each_step_figure_follows_its_own_words(client: TestClient) -> None:
    # A figure above a step's text sat under the previous step and read as that step's picture.
    technique = default_catalog().technique("bridge")
    page = html.unescape(client.get("/library/bridge").text)
    steps = page[page.index("<h2>Steps</h2>"):page.index("<h2>Cautions</h2>")]
    for number, step in enumerate(technique.steps[1:], start=2):
        text_at = steps.index(step.text)
        figure_at = steps.index(f'data-step="{number}"')
        assert text_at < figure_at, f"step {number}'s figure comes before its text"
        later = [steps.index(s.text) for s in technique.steps[number:]]
        assert all(figure_at < at for at in later), f"step {number}'s figure is under a later step"


def test_education_pages(client: TestClient) -> None:
    catalog = default_catalog()
    for education in catalog.education.values():
        page = html.unescape(client.get(f"/learn/{education.id}").text)
        assert education.title in page
    assert client.get("/learn/nope").status_code == 404
    assert client.get("/library/nope").status_code == 404


def test_settings_round_trip(client: TestClient) -> None:
    response = client.post("/settings", data={"region": "upper", "minutes": "20",
                                              "equipment": ["chair", "wall"],
                                              "conditions": ["pregnancy"]},
                           follow_redirects=False)
    assert response.headers["location"] == "/settings?saved=1"
    page = client.get("/settings?saved=1").text
    assert "Saved." in page
    assert 'value="chair" checked' in page and 'value="wall" checked' in page
    assert 'value="pregnancy" checked' in page and 'value="20" checked' in page
    assert client.get("/api/settings").json()["region"] == "upper"


@pytest.mark.parametrize("data", [{"minutes": "99"}, {"region": "neck"},
                                  {"equipment": "bench"}, {"conditions": "flu"}])
def test_bad_settings_are_shown_again(client: TestClient, database: Database,
                                      data: dict[str, str]) -> None:
    before = counts(database)
    response = client.post("/settings", data=data)
    assert response.status_code == 422
    assert counts(database) == before
