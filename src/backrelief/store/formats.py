"""Export formats for other programs: CSV for a spreadsheet, a FHIR R4 Bundle for health records.

Both hold the pain ratings only; the JSON export (``store.transfer``) holds everything.

FHIR (brief 5.2, 5.3): each rating is an ``Observation`` coded LOINC 72514-3 "Pain severity -
0-10 verbal numeric rating [Score] - Reported", with ``valueInteger`` and ``effectiveDateTime``,
collected in a ``Bundle`` of type ``collection``. There is no ``subject``: backrelief does not
know who its user is, and the receiving system attaches the patient. Resource ids are UUIDs
derived from the rating's id and time, so exporting twice gives the same ids and a receiver can
recognise records it already has.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any

from backrelief.store.diary import RatingRecord

LOINC_SYSTEM = "http://loinc.org"
PAIN_LOINC = "72514-3"
PAIN_LOINC_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
_UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/backrelief/backrelief")
_KIND_NOTES = {
    "before": "Rated just before a guided session.",
    "after": "Rated just after a guided session.",
    "daily": "Daily rating.",
}
CSV_COLUMNS = ("id", "time_utc", "time_local", "pain", "kind", "where", "session_id", "spread")
# The FHIR note added to a rating that says the pain has spread (revision 0002).
SPREAD_NOTE = "The pain has spread down a leg, or further down it, since the rating before."
# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP "CSV
# injection"); free text gets a leading apostrophe so it stays text.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str | None) -> str:
    if text is None:
        return ""
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def ratings_csv(ratings: Sequence[RatingRecord], *, tz: tzinfo | None = None) -> str:
    """The ratings as CSV with a header row; ``time_local`` uses ``tz`` (default: this machine's)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for rating in ratings:
        local = rating.at.astimezone(tz) if tz is not None else rating.at.astimezone()
        writer.writerow([
            rating.id,
            rating.at.isoformat(),
            local.isoformat(timespec="seconds"),
            rating.pain,
            rating.kind,
            _cell(rating.where),
            "" if rating.session_id is None else rating.session_id,
            "yes" if rating.spread else "no",
        ])
    return out.getvalue()


def observation_id(rating: RatingRecord) -> str:
    """A stable UUID for a rating's Observation."""
    return str(uuid.uuid5(_UUID_NAMESPACE, f"pain-rating/{rating.id}/{rating.at.isoformat()}"))


def pain_observation(rating: RatingRecord) -> dict[str, Any]:
    """One rating as a FHIR R4 Observation (LOINC 72514-3, valueInteger)."""
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": observation_id(rating),
        "status": "final",
        "category": [{
            "coding": [{"system": CATEGORY_SYSTEM, "code": "survey", "display": "Survey"}],
        }],
        "code": {
            "coding": [{"system": LOINC_SYSTEM, "code": PAIN_LOINC, "display": PAIN_LOINC_DISPLAY}],
            "text": "Pain severity (0-10)",
        },
        "effectiveDateTime": rating.at.isoformat(),
        "valueInteger": rating.pain,
        "note": [{"text": _KIND_NOTES[rating.kind]}],
    }
    if rating.spread:
        observation["note"].append({"text": SPREAD_NOTE})
    if rating.where:
        observation["bodySite"] = {"text": rating.where}
    return observation


def fhir_bundle(ratings: Sequence[RatingRecord], *, now: datetime) -> dict[str, Any]:
    """The ratings as a FHIR R4 Bundle (type ``collection``) of Observations."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": now.isoformat(),
        "entry": [
            {"fullUrl": f"urn:uuid:{observation_id(rating)}", "resource": pain_observation(rating)}
            for rating in ratings
        ],
    }
