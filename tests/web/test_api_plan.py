"""`POST /api/plan` and `POST /api/plan/timeline`: the pure planner, and every bad input."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from backrelief.core.catalog import default_catalog
from backrelief.core.planner import Profile, plan_routine
from backrelief.store import Database
from tests.web.conftest import counts


def test_plan_is_the_planners_document(client: TestClient) -> None:
    body = {"region": "lower", "minutes": 10, "equipment": ["tennis_ball"],
            "conditions": ["knee_problem"], "pain": 3}
    response = client.post("/api/plan", json=body)
    assert response.status_code == 200, response.text
    expected = plan_routine(
        Profile(region="lower", minutes=10, equipment=frozenset({"tennis_ball"}),
                conditions=frozenset({"knee_problem"}), pain=3),
        default_catalog(),
    ).to_json()
    assert response.json() == expected
    assert set(expected) == {"items", "seconds", "excluded", "advice"}


def test_defaults_and_empty_body(client: TestClient) -> None:
    plan = client.post("/api/plan", json={}).json()
    assert plan["items"] and plan["seconds"] > 0


def test_conditions_exclude_techniques(client: TestClient) -> None:
    plan = client.post("/api/plan", json={"minutes": 20, "equipment": ["foam_roller",
                                          "tennis_ball"], "conditions": ["osteoporosis"]}).json()
    techniques = {item["technique"] for item in plan["items"]}
    assert not techniques & {"thoracic-foam-roll", "ball-massage-lower-back", "ball-massage-glutes"}
    assert any(e["technique"] == "thoracic-foam-roll" for e in plan["excluded"])


def test_timeline_matches_the_plan(client: TestClient) -> None:
    body = client.post("/api/plan/timeline", json={"minutes": 5}).json()
    cues = body["cues"]
    assert cues[0]["kind"] == "technique" and cues[0]["at"] == 0
    assert cues[-1]["kind"] == "end" and cues[-1]["at"] == body["plan"]["seconds"]
    assert [c["at"] for c in cues] == sorted(c["at"] for c in cues)
    assert {"at", "kind", "technique", "step", "text", "say"} <= set(cues[1])


BAD: list[tuple[str, Any, str]] = [
    ("unknown region", {"region": "neck"}, "region"),
    ("minutes too few", {"minutes": 2}, "minutes"),
    ("minutes too many", {"minutes": 61}, "minutes"),
    ("minutes as text", {"minutes": "10"}, "minutes"),
    ("minutes as float", {"minutes": 10.5}, "minutes"),
    ("minutes as bool", {"minutes": True}, "minutes"),
    ("unknown equipment", {"equipment": ["kettlebell"]}, "equipment.0"),
    ("equipment not a list", {"equipment": "foam_roller"}, "equipment"),
    ("unknown condition", {"conditions": ["flu"]}, "conditions.0"),
    ("pregnancy weeks negative", {"pregnancy_weeks": -1}, "pregnancy_weeks"),
    ("pregnancy weeks too many", {"pregnancy_weeks": 46}, "pregnancy_weeks"),
    ("pain too high", {"pain": 11}, "pain"),
    ("pain negative", {"pain": -1}, "pain"),
    ("pain as text", {"pain": "3"}, "pain"),
    ("unknown key", {"minute": 10}, "minute"),
    ("no floor as text", {"no_floor": "yes"}, "no_floor"),
    ("no floor as a number", {"no_floor": 1}, "no_floor"),
    ("body is a list", [], "body"),
]


@pytest.mark.parametrize(("label", "body", "field"), BAD, ids=[b[0] for b in BAD])
def test_bad_plan_input_is_422_naming_the_field(client: TestClient, database: Database,
                                                label: str, body: Any, field: str) -> None:
    before = counts(database)
    for path in ("/api/plan", "/api/plan/timeline"):
        response = client.post(path, json=body)
        assert response.status_code == 422, (label, response.text)
        assert response.json()["field"] == field, response.json()
    assert counts(database) == before


def test_invalid_json_is_422(client: TestClient) -> None:
    response = client.post("/api/plan", content="{", headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_no_floor_keeps_the_plan_seated_or_standing(client: TestClient) -> None:
    body = {"minutes": 10, "equipment": ["chair", "wall"], "no_floor": True}
    plan = client.post("/api/plan", json=body).json()
    assert plan["items"]
    assert {item["position"] for item in plan["items"]} <= {"seated", "standing"}
    assert any(r.startswith("no floor:") for e in plan["excluded"] for r in e["reasons"])
    expected = plan_routine(Profile(minutes=10, equipment=frozenset({"chair", "wall"}),
                                    no_floor=True), default_catalog()).to_json()
    assert plan == expected
