"""Export, import and forget in the store; CSV and FHIR formats."""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation

from backrelief.store import (
    Database,
    StoreInputError,
    add_feedback,
    add_rating,
    export_diary,
    fhir_bundle,
    finish_session,
    forget_everything,
    import_diary,
    is_empty,
    list_ratings,
    open_database,
    parse_export,
    ratings_csv,
    record_screen,
    set_setting,
    start_session,
)
from backrelief.store.transfer import check_export_file, import_export_file

START = datetime(2025, 3, 1, 7, 30, 15, 250000, tzinfo=UTC)
# A routine item as the planner writes it (core.planner.RoutineItem.to_json).
ITEM = {"technique": "cat-cow", "name": "Cat-cow", "position": "all_fours", "equipment": [],
        "seconds": 60, "variant": None, "rounds": 2, "role": "mobility", "intensity": "gentle",
        "why": "To move — ünïcode."}
# The profile of today's session document (journey.document.profile_json).
PROFILE = {"region": "whole", "equipment": [], "minutes": 5, "conditions": [],
           "pregnancy_weeks": None, "pain": 5, "gentle_only": False, "no_floor": False}


def fill_diary(db: Database) -> None:
    """A diary with one of everything, including awkward text."""
    with db.session(write=True) as s:
        screen_id = record_screen(
            s, answers={"age": 52, "leg_weakness": "none", "first_episode": True},
            tier="see_professional", exercise_allowed=True, taken_at=START,
            reasons=[{"rule": "new_over_50", "question": ["age", "first_episode"],
                      "tier": "see_professional", "text": "First back pain over 50.",
                      "sources": ["nhs-red-flag-pathways"]}],
            advice="See a GP within 2 weeks.\nYou may exercise gently.",
        )
        routine = {"items": [ITEM, {**ITEM, "technique": "bridge", "name": "Bridge",
                                    "position": "supine", "seconds": 90}],
                   "seconds": 150, "excluded": [], "advice": ["Go gently — ünïcode"],
                   # Today's session document (journey.document); a bare routine from
                   # milestone 1 is upgraded on import (test_transfer_milestone1.py).
                   "version": 1,
                   "profile": PROFILE}
        session_id = start_session(s, routine, started_at=START + timedelta(minutes=5),
                                   screen_id=screen_id)
        add_rating(s, 5, kind="before", session_id=session_id,
                   at=START + timedelta(minutes=5), where="lower back, right")
        add_feedback(s, session_id, "cat-cow", "better", at=START + timedelta(minutes=8))
        add_feedback(s, session_id, "bridge", "stopped", at=START + timedelta(minutes=10))
        add_rating(s, 7, kind="after", session_id=session_id, at=START + timedelta(minutes=11))
        finish_session(s, session_id, False, "bridge hurt", ended_at=START + timedelta(minutes=11))
        for day in range(1, 4):
            add_rating(s, 6 - day, at=START + timedelta(days=day), where="=SUM(A1)",
                       spread=day == 2)
        set_setting(s, "region", "lower")
        set_setting(s, "equipment", ["foam_roller"])


def _without_timestamp(document: dict[str, Any]) -> dict[str, Any]:
    trimmed = dict(document)
    trimmed.pop("exported_at")
    return trimmed


def test_export_import_round_trip_is_identical(db: Database, tmp_path: Any) -> None:
    fill_diary(db)
    with db.session() as s:
        first = export_diary(s)
    target = open_database(f"sqlite:///{tmp_path}/restored.db")
    try:
        with target.session(write=True) as s:
            import_diary(s, parse_export(json.dumps(first)))
        with target.session() as s:
            second = export_diary(s)
    finally:
        target.close()
    assert _without_timestamp(second) == _without_timestamp(first)
    assert len(first["ratings"]) == 5 and len(first["feedback"]) == 2


def test_round_trip_into_the_same_backend_then_new_writes_get_new_ids(database_url: str,
                                                                      tmp_path: Any) -> None:
    source = open_database(f"sqlite:///{tmp_path}/source.db")
    try:
        fill_diary(source)
        with source.session() as s:
            document = export_diary(s)
    finally:
        source.close()
    target = open_database(database_url)
    try:
        with target.session(write=True) as s:
            import_diary(s, parse_export(json.dumps(document)))
        with target.session() as s:
            assert _without_timestamp(export_diary(s)) == _without_timestamp(document)
        with target.session(write=True) as s:  # ids continue after the imported ones
            new = add_rating(s, 2)
        assert new.id > max(r["id"] for r in document["ratings"])
    finally:
        target.close()


def test_import_refuses_a_non_empty_diary_unless_merging(db: Database) -> None:
    fill_diary(db)
    with db.session() as s:
        document = parse_export(json.dumps(export_diary(s)))
    with pytest.raises(StoreInputError) as caught, db.session(write=True) as s:
        import_diary(s, document)
    assert caught.value.field == "diary"
    with db.session(write=True) as s:
        summary = import_diary(s, document, merge=True)
    assert sum(summary.added.values()) == 0  # everything was already there
    assert summary.skipped["ratings"] == 5


def test_merge_adds_new_records_with_new_ids(db: Database) -> None:
    fill_diary(db)
    with db.session() as s:
        document = export_diary(s)
    with db.session(write=True) as s:
        forget_everything(s)
        add_rating(s, 1, at=START - timedelta(days=1))
        set_setting(s, "region", "upper")
    with db.session(write=True) as s:
        summary = import_diary(s, parse_export(json.dumps(document)), merge=True)
    assert summary.added == {"screens": 1, "sessions": 1, "ratings": 5, "feedback": 2,
                             "programmes": 0, "programme_sessions": 0, "programme_checkins": 0,
                             "walks": 0, "settings": 1}
    assert summary.skipped["settings"] == 1
    with db.session() as s:
        merged = export_diary(s)
    assert merged["settings"]["region"] == "upper"  # the diary's own setting is kept
    assert len(merged["ratings"]) == 6
    session_id = merged["sessions"][0]["id"]
    assert {r["session_id"] for r in merged["ratings"]} == {None, session_id}


def _valid_document() -> dict[str, Any]:
    return {
        "format": "backrelief-diary", "version": 1, "exported_at": "2025-03-05T10:00:00+00:00",
        "app_version": "0.1.0", "settings": {"region": "lower"},
        "screens": [],
        "sessions": [{"id": 1, "started_at": "2025-03-01T08:00:00+00:00", "ended_at": None,
                      "routine": {"items": [], "seconds": 0}, "completed": None, "stop_reason": None,
                      "screen_id": None}],
        "ratings": [{"id": 1, "at": "2025-03-01T08:00:00+00:00", "pain": 4, "kind": "before",
                     "where": None, "session_id": 1}],
        "feedback": [{"id": 1, "session_id": 1, "technique": "cat-cow", "verdict": "same",
                      "at": "2025-03-01T08:05:00+00:00"}],
    }


def _broken(path: str, value: Any) -> str:
    document = copy.deepcopy(_valid_document())
    target: Any = document
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if value is KeyError:
        del target[last]
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return json.dumps(document)


MALFORMED = [
    ("{not json", "file"),
    ("[]", "file"),
    (_broken("format", "something-else"), "format"),
    (_broken("version", 2), "version"),
    (_broken("ratings.0.pain", 11), "ratings[0].pain"),
    (_broken("ratings.0.pain", "4"), "ratings[0].pain"),
    (_broken("ratings.0.pain", 4.0), "ratings[0].pain"),
    (_broken("ratings.0.kind", "weekly"), "ratings[0].kind"),
    (_broken("ratings.0.at", "2025-03-01T08:00:00"), "ratings[0].at"),
    (_broken("ratings.0.at", "yesterday"), "ratings[0].at"),
    (_broken("ratings.0.at", "2999-01-01T00:00:00+00:00"), "ratings[0].at"),
    (_broken("ratings.0.session_id", 7), "ratings[0].session_id"),
    (_broken("ratings.0.where", "a\nb"), "ratings[0].where"),
    (_broken("ratings.0.spread", "yes"), "ratings[0].spread"),
    (_broken("ratings.0.spread", 1), "ratings[0].spread"),
    (_broken("ratings.0.spread", None), "ratings[0].spread"),
    (_broken("ratings.0.surprise", 1), "ratings[0].surprise"),
    (_broken("ratings.0.id", KeyError), "ratings[0].id"),
    (_broken("feedback.0.verdict", "meh"), "feedback[0].verdict"),
    (_broken("feedback.0.technique", "Not A Slug"), "feedback[0].technique"),
    (_broken("feedback.0.session_id", 3), "feedback[0].session_id"),
    (_broken("sessions.0.screen_id", 5), "sessions[0].screen_id"),
    (_broken("sessions.0.ended_at", "2025-02-01T00:00:00+00:00"), "sessions[0].ended_at"),
    (_broken("settings", {"Bad Key": 1}), "settings.Bad Key"),
]


def _duplicate_ids() -> str:
    document = _valid_document()
    document["ratings"].append(dict(document["ratings"][0]))
    return json.dumps(document)


@pytest.mark.parametrize(("raw", "field"), [*MALFORMED, (_duplicate_ids(), "ratings[1].id")])
def test_malformed_files_are_refused_naming_the_field(db: Database, raw: str, field: str) -> None:
    with pytest.raises(StoreInputError) as caught, db.session(write=True) as s:
        import_diary(s, parse_export(raw))
    assert caught.value.field == field
    with db.session() as s:
        assert is_empty(s)


def test_the_valid_document_used_above_imports(db: Database) -> None:
    with db.session(write=True) as s:
        import_diary(s, parse_export(json.dumps(_valid_document())))
    with db.session() as s:
        # A file from before revision 0002 has no "spread": its ratings read as not spread.
        assert [(r.pain, r.spread) for r in list_ratings(s)] == [(4, False)]


def test_forget_deletes_everything(db: Database) -> None:
    fill_diary(db)
    with db.session(write=True) as s:
        deleted = forget_everything(s)
    db.compact()
    assert deleted == {"feedback": 2, "ratings": 5, "sessions": 1, "screens": 1, "settings": 2,
                       "programme_checkins": 0, "programme_sessions": 0, "programmes": 0,
                       "walks": 0}
    with db.session() as s:
        assert is_empty(s)
        assert export_diary(s)["settings"] == {}


def test_fhir_bundle_validates_against_the_r4_models(db: Database) -> None:
    fill_diary(db)
    with db.session() as s:
        ratings = list_ratings(s)
    document = fhir_bundle(ratings, now=datetime.now(UTC))
    bundle = Bundle.model_validate(json.loads(json.dumps(document)))
    assert bundle.type == "collection"
    assert len(bundle.entry) == len(ratings) == 5
    for entry, rating in zip(bundle.entry, ratings, strict=True):
        observation = entry.resource
        assert isinstance(observation, Observation)
        assert observation.status == "final"
        coding = observation.code.coding[0]
        assert (coding.system, coding.code) == ("http://loinc.org", "72514-3")
        assert observation.valueInteger == rating.pain
        assert observation.effectiveDateTime == rating.at
        assert entry.fullUrl == f"urn:uuid:{observation.id}"
    assert document["entry"][0]["resource"]["bodySite"] == {"text": "lower back, right"}
    notes = [[n["text"] for n in e["resource"]["note"]] for e in document["entry"]]
    assert [any("spread down a leg" in text for text in n) for n in notes] == [
        rating.spread for rating in ratings] == [False, False, False, True, False]
    again = fhir_bundle(ratings, now=datetime.now(UTC))
    assert [e["fullUrl"] for e in again["entry"]] == [e["fullUrl"] for e in document["entry"]]


def test_the_fhir_check_would_catch_a_broken_observation() -> None:
    broken = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {
        "resourceType": "Observation", "status": "final", "code": {"text": "pain"},
        "valueInteger": "four"}}]}
    with pytest.raises(ValueError):
        Bundle.model_validate(broken)


def test_csv_has_one_row_per_rating_and_defuses_formulas(db: Database) -> None:
    fill_diary(db)
    with db.session() as s:
        text = ratings_csv(list_ratings(s), tz=UTC)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 5
    assert list(rows[0]) == ["id", "time_utc", "time_local", "pain", "kind", "where", "session_id",
                             "spread"]
    assert [row["spread"] for row in rows] == ["no", "no", "no", "yes", "no"]
    assert rows[0]["time_utc"] == "2025-03-01T07:35:15.250000+00:00"
    assert rows[0]["time_local"] == "2025-03-01T07:35:15+00:00"
    assert rows[0]["where"] == "lower back, right" and rows[0]["session_id"] == "1"
    assert rows[-1]["where"] == "'=SUM(A1)"
    assert [int(row["pain"]) for row in rows] == [5, 7, 5, 4, 3]


def test_an_imported_screen_reason_must_be_a_reason_document(db: Database) -> None:
    document = _valid_document()
    document["screens"] = [{"id": 1, "taken_at": "2025-03-01T07:00:00+00:00", "tier": "same_day",
                            "exercise_allowed": False, "answers": {"fever": True},
                            "reasons": [{"message": "fever"}], "advice": None}]
    with pytest.raises(StoreInputError) as caught, db.session(write=True) as s:
        import_diary(s, parse_export(json.dumps(document)))
    assert caught.value.field == "screens[0].reasons[0].rule"
    with db.session() as s:
        assert is_empty(s)


# ---- issue 15: import checks content with the API's models and ranges --------------------------

SCREEN = {"id": 1, "taken_at": "2025-03-01T07:00:00+00:00", "tier": "self_care",
          "exercise_allowed": True, "answers": {"age": 40}, "reasons": [], "advice": None}

CONTENT = [
    ("screens", [{**SCREEN, "answers": {"age": "old"}}], "screens[0].answers.age"),
    ("screens", [{**SCREEN, "answers": {"favourite_colour": "blue"}}],
     "screens[0].answers.favourite_colour"),
    ("sessions.0.routine", {"items": [{"technique": "cat-cow"}], "seconds": 60},
     "sessions[0].routine.items[0].name"),
    ("sessions.0.routine", {"items": [], "seconds": 0, "surprise": 1},
     "sessions[0].routine.surprise"),
    ("sessions.0.routine", [], "sessions[0].routine"),
    ("sessions.0.routine", {"items": [], "seconds": 0, "profile": {
        "region": "lower", "equipment": [], "minutes": 99, "conditions": []}},
     "sessions[0].routine.profile.minutes"),
    ("ratings.0.at", "0001-01-01T00:00:00+00:00", "ratings[0].at"),
    ("ratings.0.at", "1900-06-01T00:00:00+00:00", "ratings[0].at"),
    ("sessions.0.started_at", "1969-12-31T23:59:59+00:00", "sessions[0].started_at"),
    ("feedback.0.at", "9999-01-01T00:00:00+00:00", "feedback[0].at"),
    ("settings", {"minutes": 9999}, "settings.minutes"),
    ("settings", {"region": "bogus"}, "settings.region"),
    ("settings", {"equipment": ["trampoline"]}, "settings.equipment[0]"),
    ("settings", {"unknown_key": 1}, "settings.unknown_key"),
    ("ratings.0.at", 1700000000, "ratings[0].at"),
]


@pytest.mark.parametrize(("path", "value", "field"), CONTENT)
def test_import_checks_content_like_the_api(db: Database, path: str, value: Any,
                                            field: str) -> None:
    raw = _broken(path, value)
    with pytest.raises(StoreInputError) as caught:
        check_export_file(io.BytesIO(raw.encode()))
    assert caught.value.field == field
    with pytest.raises(StoreInputError), db.session(write=True) as s:
        import_export_file(s, io.BytesIO(raw.encode()))
    with db.session() as s:
        assert is_empty(s)


def test_a_bad_record_late_in_a_long_file_writes_nothing(db: Database) -> None:
    document = _valid_document()
    document["ratings"] = [
        {"id": n, "at": f"2025-03-{1 + n % 28:02d}T08:00:00+00:00", "pain": n % 11,
         "kind": "daily", "where": None, "session_id": None} for n in range(1, 2000)]
    document["ratings"][-1]["pain"] = 11
    with pytest.raises(StoreInputError) as caught, db.session(write=True) as s:
        import_export_file(s, io.BytesIO(json.dumps(document).encode()))
    assert caught.value.field == "ratings[1998].pain"
    with db.session() as s:
        assert is_empty(s)


def test_a_streamed_import_keeps_ids_and_a_bom_is_skipped(db: Database) -> None:
    raw = b"\xef\xbb\xbf" + json.dumps(_valid_document()).encode()
    with db.session(write=True) as s:
        summary = import_export_file(s, io.BytesIO(raw))
    assert summary.added == {"screens": 0, "sessions": 1, "ratings": 1, "feedback": 1,
                             "programmes": 0, "programme_sessions": 0, "programme_checkins": 0,
                             "walks": 0, "settings": 1}
    with db.session() as s:
        assert [r.session_id for r in list_ratings(s)] == [1]


def test_merge_tells_sessions_apart_by_routine_not_only_start_time(db: Database) -> None:
    with db.session(write=True) as s:
        import_diary(s, parse_export(json.dumps(_valid_document())))
    other = _valid_document()
    # Same start time, another routine: a different session, which the merge must add.
    other["sessions"][0]["routine"] = {"items": [], "seconds": 0, "advice": ["another"]}
    other["ratings"][0]["pain"] = 6
    with db.session(write=True) as s:
        summary = import_diary(s, parse_export(json.dumps(other)), merge=True)
    assert summary.added["sessions"] == 1 and summary.added["ratings"] == 1
    assert summary.added["feedback"] == 1  # feedback for the new session, not the old one
    with db.session(write=True) as s:
        again = import_diary(s, parse_export(json.dumps(other)), merge=True)
    assert sum(again.added.values()) == 0
    with db.session() as s:
        ratings = list_ratings(s)
    assert len({r.session_id for r in ratings}) == 2
