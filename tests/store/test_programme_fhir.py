"""The programme in the FHIR export: a CarePlan and function Observations, validated against
the FHIR R4B models, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.observation import Observation

from backrelief.core.programme import ProgrammePlan
from backrelief.store import Database, add_rating, fhir_bundle, list_ratings
from backrelief.store.programme import add_checkin, start_programme
from backrelief.store.programme_fhir import add_programme_resources

PROFILE = {"region": "whole", "equipment": [], "minutes": 12, "conditions": [],
           "pregnancy_weeks": None, "pain": None, "gentle_only": False, "no_floor": False}


def test_careplan_and_function_observations_validate(db: Database) -> None:
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        add_rating(s, 5, at=now - timedelta(days=3))
        record = start_programme(s, ProgrammePlan(date(2026, 11, 2), weeks=4, days=(0, 3)),
                                 PROFILE)
        add_checkin(s, record.id, 1, {"putting on socks": 3, "sitting through a meeting": 6},
                    7, 4, at=now - timedelta(days=2))
    with db.session() as s:
        document = add_programme_resources(s, fhir_bundle(list_ratings(s), now=now))
        again = add_programme_resources(s, fhir_bundle(list_ratings(s), now=now))
    bundle = Bundle.model_validate(json.loads(json.dumps(document)))
    resources = [entry.resource for entry in bundle.entry]
    plans = [r for r in resources if isinstance(r, CarePlan)]
    assert len(plans) == 1
    plan = plans[0]
    assert (plan.status, plan.intent) == ("active", "plan")
    assert str(plan.period.start) == "2026-11-02"
    repeat = plan.activity[0].detail.scheduledTiming.repeat
    assert repeat.dayOfWeek == ["mon", "thu"]
    observations = [r for r in resources if isinstance(r, Observation)]
    texts = {o.code.text: o for o in observations}
    assert texts["Patient-specific function (0-10): putting on socks"].valueInteger == 3
    mean = next(o for o in observations if o.code.text.startswith("Patient-specific function, av"))
    assert float(mean.valueQuantity.value) == 4.5
    assert not any(o.code.coding for o in observations if "function" in o.code.text.lower())
    assert sum(1 for o in observations if o.code.coding) == 1  # the pain rating keeps its LOINC
    assert all(o.basedOn[0].reference == f"urn:uuid:{plan.id}" for o in observations
               if not o.code.coding)
    assert [e["fullUrl"] for e in again["entry"]] == [e["fullUrl"] for e in document["entry"]]


def test_no_programme_leaves_the_bundle_as_it_was(db: Database) -> None:
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        add_rating(s, 4, at=now - timedelta(hours=1))
    with db.session() as s:
        plain = fhir_bundle(list_ratings(s), now=now)
        assert add_programme_resources(s, plain) == plain


def test_walking_days_are_activity_observations_in_minutes(db: Database) -> None:
    from backrelief.store.activity import log_walk

    now = datetime.now(UTC)
    today = now.date()
    with db.session(write=True) as s:
        log_walk(s, 10, today, today=today)
        log_walk(s, 15, today, today=today)
        log_walk(s, 30, today - timedelta(days=1), today=today)
    with db.session() as s:
        document = add_programme_resources(s, fhir_bundle(list_ratings(s), now=now))
    bundle = Bundle.model_validate(json.loads(json.dumps(document)))
    walks = [e.resource for e in bundle.entry if isinstance(e.resource, Observation)
             and e.resource.code.text.startswith("Minutes walked")]
    assert [(str(o.effectiveDateTime), float(o.valueQuantity.value), o.valueQuantity.code)
            for o in walks] == [((today - timedelta(days=1)).isoformat(), 30.0, "min"),
                                (today.isoformat(), 25.0, "min")]
    assert all(o.category[0].coding[0].code == "activity" and not o.code.coding for o in walks)
