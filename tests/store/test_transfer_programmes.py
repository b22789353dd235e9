"""Issue 14's tables in the JSON export: programmes (without their calendar token), their
session links and check-ins, and the walking log; each user's own; validated on import."""

from __future__ import annotations

import copy
import io
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from backrelief.core.programme import ProgrammePlan
from backrelief.journey.document import profile_json
from backrelief.journey.programme import stored_profile
from backrelief.store import (
    Database,
    StoreInputError,
    accounts,
    add_rating,
    export_diary,
    forget_everything,
    import_diary,
    parse_export,
    start_session,
)
from backrelief.store.activity import log_walk
from backrelief.store.models import ActivityLog, Programme, ProgrammeCheckin, ProgrammeSession
from backrelief.store.programme import (
    add_checkin,
    end_programme,
    link_session,
    list_programmes,
    mark_seen,
    programme_by_token,
    start_programme,
)
from backrelief.store.scope import UNSCOPED
from backrelief.store.transfer import import_export_file

ITEM = {"technique": "cat-cow", "name": "Cat-cow", "position": "all_fours", "equipment": [],
        "seconds": 60, "variant": None, "rounds": 2, "role": "mobility", "intensity": "gentle",
        "why": "To move."}
PROFILE = profile_json(stored_profile({"region": "lower", "equipment": ["chair"], "minutes": 10,
                                       "conditions": []}))
# A session document as today's app stores it (journey.document), so a round trip is exact.
ROUTINE = {"version": 1, "items": [{**ITEM, "hold": 0}], "seconds": 60, "excluded": [],
           "advice": [], "profile": PROFILE}
TODAY = datetime.now(UTC).date()
START = TODAY - timedelta(days=10)
TABLES = (Programme, ProgrammeSession, ProgrammeCheckin, ActivityLog)


def _fill(db: Database, user: int | None = None, minutes: int = 20) -> dict[str, Any]:
    """An ended programme and an active one with two linked sessions, check-ins and walks."""
    with db.session(write=True, user=user) as s:
        old = start_programme(s, ProgrammePlan(START - timedelta(days=60), 2, (1, 3)), PROFILE)
        add_checkin(s, old.id, 2, {"gardening": 4}, 6, None,
                    at=datetime.now(UTC) - timedelta(days=50))
        end_programme(s, old.id)
        plan = ProgrammePlan(START, 4, (0, 2, 4), time(7, 30))
        record = start_programme(s, plan, PROFILE)
        mark_seen(s, record.id, ["new_over_50"])
        for offset in (0, 2):
            session = start_session(s, ROUTINE)
            add_rating(s, 3, kind="before", session_id=session)
            link_session(s, record.id, session, START + timedelta(days=offset))
        add_checkin(s, record.id, 1, {"walking": 3, "sitting at work": 5}, 7, 6)
        log_walk(s, minutes, TODAY - timedelta(days=1), today=TODAY)
        log_walk(s, 15, TODAY - timedelta(days=1), today=TODAY)
        log_walk(s, 30, TODAY, today=TODAY)
        return export_diary(s)


def _without_volatile(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in ("exported_at",)}


def _counts(db: Database) -> list[int]:
    with db.session() as s:
        return [int(s.scalar(select(func.count()).select_from(model)
                             .execution_options(**UNSCOPED)) or 0) for model in TABLES]


def test_a_round_trip_keeps_programmes_links_checkins_and_walks(db: Database) -> None:
    before = _fill(db)
    assert len(before["programmes"]) == 2 and len(before["programme_sessions"]) == 2
    assert len(before["programme_checkins"]) == 2 and len(before["walks"]) == 3
    assert [p["status"] for p in before["programmes"]] == ["ended", "active"]
    assert before["programmes"][1]["seen_rules"] == ["new_over_50"]
    with db.session(write=True) as s:
        tokens = {p.calendar_token for p in list_programmes(s)}
        deleted = forget_everything(s)
    assert {k: deleted[k] for k in ("programmes", "programme_sessions", "programme_checkins",
                                    "walks")} == {"programmes": 2, "programme_sessions": 2,
                                                  "programme_checkins": 2, "walks": 3}
    with db.session(write=True) as s:
        summary = import_diary(s, parse_export(json.dumps(before)))
    assert summary.added["programmes"] == 2 and summary.added["walks"] == 3
    with db.session() as s:
        after = export_diary(s)
        fresh = {p.calendar_token for p in list_programmes(s)}
    assert _without_volatile(after) == _without_volatile(before)
    assert len(fresh) == 2 and not fresh & tokens  # new secrets, not the old ones
    with db.session() as s:
        assert all(programme_by_token(s, token) for token in fresh)


def test_an_export_holds_no_calendar_token(db: Database) -> None:
    document = _fill(db)
    with db.session() as s:
        tokens = [p.calendar_token for p in list_programmes(s)]
    text = json.dumps(document)
    assert "calendar_token" not in text and not any(token in text for token in tokens)


def test_bob_exports_none_of_alices_programmes_or_walks(db: Database) -> None:
    with db.session(write=True) as s:
        alice = accounts.create_user(s, "alice", "correct horse battery a").id
        bob = accounts.create_user(s, "bob", "correct horse battery b").id
    _fill(db, alice)
    with db.session(write=True, user=bob) as s:
        log_walk(s, 5, TODAY, today=TODAY)
        document = export_diary(s)
    assert document["programmes"] == [] and document["programme_sessions"] == []
    assert document["programme_checkins"] == []
    assert [w["minutes"] for w in document["walks"]] == [5]
    with db.session(user=alice) as s:  # and alice's export, imported by bob, is renumbered
        hers = export_diary(s)
    with db.session(write=True, user=bob) as s:
        forget_everything(s)
        import_diary(s, parse_export(json.dumps(hers)))
        mine = export_diary(s)
    assert len(mine["programmes"]) == 2 and len(mine["programme_sessions"]) == 2
    session_ids = {x["id"] for x in mine["sessions"]}
    assert {x["session_id"] for x in mine["programme_sessions"]} <= session_ids
    assert not session_ids & {x["id"] for x in hers["sessions"]}
    programme_ids = {p["id"] for p in mine["programmes"]}
    assert {c["programme_id"] for c in mine["programme_checkins"]} <= programme_ids
    with db.session(user=alice) as s:
        assert len(export_diary(s)["programmes"]) == 2  # hers untouched


def test_merging_the_same_file_twice_adds_nothing_the_second_time(db: Database) -> None:
    document = _fill(db)
    with db.session(write=True) as s:
        summary = import_diary(s, parse_export(json.dumps(document)), merge=True)
    assert summary.added["programmes"] == summary.added["walks"] == 0
    assert summary.skipped["programmes"] == 2 and summary.skipped["programme_sessions"] == 2
    assert summary.skipped["programme_checkins"] == 2 and summary.skipped["walks"] == 3
    assert _counts(db) == [2, 2, 2, 3]


def test_a_merge_keeps_one_programme_active(db: Database) -> None:
    document = _fill(db)
    with db.session(write=True) as s:
        forget_everything(s)
        start_programme(s, ProgrammePlan(TODAY, 3), PROFILE)  # started after the file's
    with db.session(write=True) as s:
        import_diary(s, parse_export(json.dumps(document)), merge=True)
        statuses = [p.status for p in list_programmes(s)]
    assert statuses.count("active") == 1 and statuses[0] == "active"


def _bad(document: dict[str, Any], section: str, index: int, key: str, value: Any
         ) -> dict[str, Any]:
    bad = copy.deepcopy(document)
    bad[section][index][key] = value
    return bad


@pytest.mark.parametrize(("section", "key", "value", "field"), [
    ("programmes", "weeks", 13, "programmes[0].weeks"),
    ("programmes", "weeks", "4", "programmes[0].weeks"),
    ("programmes", "days", [7], "programmes[0].days"),
    ("programmes", "days", [], "programmes[0].days"),
    ("programmes", "at_time", "25:00", "programmes[0].at_time"),
    ("programmes", "status", "paused", "programmes[0].status"),
    ("programmes", "start_date", 20261207, "programmes[0].start_date"),
    ("programmes", "profile", {"region": "knee"}, "programmes[0].profile.region"),
    ("programmes", "created_at", "9999-01-01T00:00:00+00:00", "programmes[0].created_at"),
    ("programmes", "calendar_token", "x" * 43, "programmes[0].calendar_token"),
    ("programme_sessions", "session_id", 999, "programme_sessions[0].session_id"),
    ("programme_sessions", "programme_id", 999, "programme_sessions[0].programme_id"),
    ("programme_checkins", "week", 3, "programme_checkins[0].week"),  # the old one has 2
    ("programme_checkins", "sleep", 11, "programme_checkins[0].sleep"),
    ("programme_checkins", "activities", {"walking": -1},
     "programme_checkins[0].activities.walking"),
    ("walks", "minutes", 0, "walks[0].minutes"),
    ("walks", "minutes", 601, "walks[0].minutes"),
    ("walks", "minutes", True, "walks[0].minutes"),
    ("walks", "kind", "run", "walks[0].kind"),
    ("walks", "day", (TODAY + timedelta(days=3)).isoformat(), "walks[0].day"),
])
def test_bad_programme_and_walk_values_are_refused_naming_the_field(
        db: Database, section: str, key: str, value: Any, field: str) -> None:
    document = _fill(db)
    with db.session(write=True) as s:
        forget_everything(s)
    bad = json.dumps(_bad(document, section, 0, key, value)).encode()
    with pytest.raises(StoreInputError) as caught:
        parse_export(bad)
    assert caught.value.field == field
    with pytest.raises(StoreInputError) as streamed, db.session(write=True) as s:
        import_export_file(s, io.BytesIO(bad))
    assert streamed.value.field == field
    assert _counts(db) == [0, 0, 0, 0]
    with db.session() as s:
        assert export_diary(s)["sessions"] == []


def test_two_active_programmes_or_an_overfull_day_are_refused(db: Database) -> None:
    document = _fill(db)
    with db.session(write=True) as s:
        forget_everything(s)
    two = _bad(document, "programmes", 0, "status", "active")
    with pytest.raises(StoreInputError) as caught:
        parse_export(json.dumps(two))
    assert caught.value.field == "programmes[1].status"
    full = copy.deepcopy(document)
    full["walks"] = [{**full["walks"][0], "id": n, "minutes": 600} for n in (1, 2, 3)]
    with pytest.raises(StoreInputError) as caught:
        parse_export(json.dumps(full))
    assert caught.value.field == "walks[2].minutes"
    assert _counts(db) == [0, 0, 0, 0]


def test_a_merge_that_would_overfill_a_day_writes_nothing(db: Database) -> None:
    document = _fill(db)
    with db.session(write=True) as s:
        forget_everything(s)
        for _ in range(3):
            log_walk(s, 470, TODAY - timedelta(days=1), today=TODAY)  # 1410 + 35
    with pytest.raises(StoreInputError) as caught, db.session(write=True) as s:
        import_diary(s, parse_export(json.dumps(document)), merge=True)
    assert caught.value.field == "walks"
    assert _counts(db) == [0, 0, 0, 3]


def test_an_export_from_before_programmes_still_imports(db: Database) -> None:
    document = _fill(db)
    for key in ("programmes", "programme_sessions", "programme_checkins", "walks"):
        del document[key]
    with db.session(write=True) as s:
        forget_everything(s)
    with db.session(write=True) as s:
        summary = import_diary(s, parse_export(json.dumps(document)))
    assert summary.added["sessions"] == 2 and summary.added["programmes"] == 0
    with db.session() as s:
        again = export_diary(s)
    assert again["programmes"] == [] and again["walks"] == []
    assert [x["id"] for x in again["sessions"]] == [x["id"] for x in document["sessions"]]
    assert date.fromisoformat(again["sessions"][0]["started_at"][:10]) <= TODAY
