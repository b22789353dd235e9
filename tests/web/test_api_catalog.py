"""`GET /api/techniques`, `/api/techniques/{id}`, `/api/education`: the library as JSON."""

from __future__ import annotations

from fastapi.testclient import TestClient

from backrelief.core.catalog import default_catalog
from backrelief.core.catalog_json import technique_to_json


def test_techniques_are_the_cli_document(client: TestClient) -> None:
    catalog = default_catalog()
    body = client.get("/api/techniques").json()
    assert body == [technique_to_json(t, catalog) for t in catalog.ordered()]
    assert {"cat-cow", "thoracic-foam-roll", "bird-dog"} <= {t["id"] for t in body}


def test_one_technique_and_an_unknown_one(client: TestClient) -> None:
    assert client.get("/api/techniques/cat-cow").json()["id"] == "cat-cow"
    missing = client.get("/api/techniques/back-crack")
    assert missing.status_code == 404
    assert "back-crack" in missing.json()["error"]


def test_a_technique_lists_its_harder_forms(client: TestClient) -> None:
    bridge = client.get("/api/techniques/bridge").json()
    assert [h["id"] for h in bridge["harder"]] == ["bridge-staggered", "bridge-single-leg"]
    assert {"id", "name", "intensity", "contraindications", "steps", "sources"} <= set(
        bridge["harder"][1])
    assert bridge["harder"][1]["steps"][1]["max_seconds"] == 5


def test_education_pages(client: TestClient) -> None:
    pages = client.get("/api/education").json()
    for page in pages:
        assert client.get(f"/api/education/{page['id']}").json() == page
    assert client.get("/api/education/nope").status_code == 404


def test_openapi_documents_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ["/api/techniques", "/api/screen", "/api/plan", "/api/plan/timeline",
                 "/api/sessions/{session_id}/timeline", "/api/diary/ratings", "/api/diary/advice",
                 "/api/diary/export", "/api/settings", "/healthz"]:
        assert path in paths, path
