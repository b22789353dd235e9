"""`GET/PUT /api/settings`: the builder's defaults."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from backrelief.store import Database
from tests.web.conftest import counts


def test_defaults_then_saved_values(client: TestClient) -> None:
    assert client.get("/api/settings").json() == {
        "region": "whole", "minutes": 10, "equipment": [], "conditions": []}
    body = {"region": "upper", "minutes": 15, "equipment": ["foam_roller", "chair"],
            "conditions": ["pregnancy"]}
    assert client.put("/api/settings", json=body).status_code == 200
    assert client.get("/api/settings").json() == {**body, "equipment": ["chair", "foam_roller"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [({"minutes": 0}, "minutes"), ({"region": "neck"}, "region"),
     ({"equipment": ["bench"]}, "equipment.0"), ({"conditions": ["flu"]}, "conditions.0"),
     ({"colour": "blue"}, "colour")],
)
def test_bad_settings_are_422_and_store_nothing(client: TestClient, database: Database,
                                                body: Any, field: str) -> None:
    before = counts(database)
    response = client.put("/api/settings", json=body)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert counts(database) == before
