"""The programme in the FHIR export: function scores as Observations, the plan as a CarePlan.

Added to the Bundle of :func:`backrelief.store.formats.fhir_bundle` by one call
(:func:`add_programme_resources`), so the ratings' export stays as it was.

Function: each activity of a weekly check-in is an ``Observation`` with ``valueInteger`` 0-10,
plus one for the average (``valueQuantity``, the scale's score); sleep disturbance and
confidence are Observations too. The clinical brief found no LOINC code for the
Patient-Specific Functional Scale (section 8: "do not invent codes"), and our scale is in our
own words, so these carry ``code.text`` only, no coding. The programme is a ``CarePlan``
(status ``active``, or ``completed`` once ended; intent ``plan``) with its period and one
activity: the sessions, with their weekdays and time. Ids are UUIDs derived from stable
fields, as for the ratings, so exporting twice gives the same ids. Walking (the daily activity
goal) is one ``Observation`` per day logged, category ``activity``, minutes as ``valueQuantity``
in UCUM ``min``.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from backrelief.store.formats import CATEGORY_SYSTEM
from backrelief.store.programme import list_checkins, list_programmes

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/backrelief/backrelief/programme")
FHIR_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SURVEY = [{"coding": [{"system": CATEGORY_SYSTEM, "code": "survey", "display": "Survey"}]}]
ACTIVITY = [{"coding": [{"system": CATEGORY_SYSTEM, "code": "activity", "display": "Activity"}]}]


def _uuid(key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, key))


def _observation(key: str, text: str, at: str, value: dict[str, Any],
                 based_on: str) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{_uuid(key)}", "resource": {
        "resourceType": "Observation", "id": _uuid(key), "status": "final",
        "category": SURVEY, "code": {"text": text}, "effectiveDateTime": at,
        "basedOn": [{"reference": f"urn:uuid:{based_on}"}], **value}}


def add_programme_resources(db: Session, bundle: dict[str, Any]) -> dict[str, Any]:
    """``bundle`` with every programme's CarePlan and check-in Observations appended."""
    entries: list[dict[str, Any]] = list(bundle.get("entry", []))
    for record in list_programmes(db):
        plan = record.plan
        plan_id = _uuid(f"careplan/{record.id}/{record.created_at.isoformat()}")
        entries.append({"fullUrl": f"urn:uuid:{plan_id}", "resource": {
            "resourceType": "CarePlan", "id": plan_id,
            "status": "active" if record.status == "active" else "completed",
            "intent": "plan",
            "title": f"Back-relief programme, {plan.weeks} weeks",
            "description": ("Guided sessions whose dose steps up when pain stays at 5/10 or less "
                            "and settles by the next day, and back when it does not; each "
                            "session starts with a safety re-check."),
            "subject": {"display": "The person using backrelief"},
            "created": record.created_at.isoformat(),
            "period": {"start": plan.start.isoformat(),
                       "end": (plan.end + timedelta(days=1)).isoformat()},
            "activity": [{"detail": {
                "kind": "ServiceRequest", "status": "in-progress" if record.status == "active"
                else "completed",
                "description": f"Guided back-relief session of about "
                               f"{record.profile.get('minutes', 10)} minutes",
                "scheduledTiming": {"repeat": {
                    "dayOfWeek": [FHIR_DAYS[d] for d in plan.days],
                    "timeOfDay": [plan.at.strftime("%H:%M:%S")]}},
            }}],
        }})
        for number, checkin in enumerate(list_checkins(db, record.id)):
            at = checkin.at.isoformat()
            base = f"checkin/{record.id}/{number}/{at}"
            for name, score in checkin.activities.items():
                entries.append(_observation(
                    f"{base}/{name}", f"Patient-specific function (0-10): {name}", at,
                    {"valueInteger": score}, plan_id))
            if checkin.function is not None:
                entries.append(_observation(
                    f"{base}/mean", "Patient-specific function, average of the activities "
                    "(0 = unable, 10 = as before)", at,
                    {"valueQuantity": {"value": round(checkin.function, 2), "unit": "{score}",
                                       "system": "http://unitsofmeasure.org",
                                       "code": "{score}"}}, plan_id))
            if checkin.sleep is not None:
                entries.append(_observation(
                    f"{base}/sleep", "Sleep disturbed by back pain (0 = not at all, 10 = every "
                    "night)", at, {"valueInteger": checkin.sleep}, plan_id))
            if checkin.confidence is not None:
                entries.append(_observation(
                    f"{base}/confidence", "Confidence to manage the back (0-10)", at,
                    {"valueInteger": checkin.confidence}, plan_id))
    entries.extend(_walking_observations(db))
    return {**bundle, "entry": entries}


def _walking_observations(db: Session) -> list[dict[str, Any]]:
    """One Observation per day of logged walking: minutes that day (text code only, as for the
    check-ins: no code was found for this self-reported measure, so none is invented)."""
    from backrelief.store.activity import walked_per_day

    out: list[dict[str, Any]] = []
    for day, minutes in sorted(walked_per_day(db).items()):
        key = f"walking/{day.isoformat()}"
        out.append({"fullUrl": f"urn:uuid:{_uuid(key)}", "resource": {
            "resourceType": "Observation", "id": _uuid(key), "status": "final",
            "category": ACTIVITY, "code": {"text": "Minutes walked in the day (self-reported)"},
            "effectiveDateTime": day.isoformat(),
            "valueQuantity": {"value": minutes, "unit": "min",
                              "system": "http://unitsofmeasure.org", "code": "min"}}})
    return out
