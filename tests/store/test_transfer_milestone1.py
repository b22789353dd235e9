"""An export from milestone 1 (commit 9fc094b) imports, its bare routines upgraded (issue 15).

``data/milestone1-export.json`` was written by that commit's own code: its store API as its
terminal session used it (``start_session(s, dict(routine.to_json()))``, and one session stored
as a bare list of items, the other shape migration 0003 names), then its ``backrelief export``.
Its sessions have no ``profile`` or ``version``; import now stores today's session document
(``journey.document``), so every page can read them.
"""

from __future__ import annotations

import json
from pathlib import Path

from backrelief.journey.document import read_document
from backrelief.store import Database, export_diary, import_diary, list_ratings, list_sessions
from backrelief.store.transfer import import_export_file, parse_export

EXPORT = Path(__file__).with_name("data") / "milestone1-export.json"


def test_the_file_is_milestone_1s_shape() -> None:
    document = json.loads(EXPORT.read_text())
    routines = [session["routine"] for session in document["sessions"]]
    assert isinstance(routines[0], dict) and "profile" not in routines[0]
    assert "version" not in routines[0]
    assert isinstance(routines[1], list)  # the bare list of items
    assert all("spread" not in rating for rating in document["ratings"])  # before 0002


def test_a_milestone_1_export_imports_with_todays_documents(db: Database) -> None:
    original = json.loads(EXPORT.read_text())
    with db.session(write=True) as s, EXPORT.open("rb") as stream:
        summary = import_export_file(s, stream)
    assert summary.added["sessions"] == 2 and summary.added["ratings"] == len(original["ratings"]) == 3
    with db.session() as s:
        sessions = sorted(list_sessions(s), key=lambda record: record.id)
        assert len(list_ratings(s)) == 3
    first, second = (read_document(record.routine) for record in sessions)
    # The routine as planned, the profile rebuilt from what it says (0003's best effort).
    assert [item.technique for item in first.routine.items] == [
        item["technique"] for item in original["sessions"][0]["routine"]["items"]]
    assert first.routine.seconds == original["sessions"][0]["routine"]["seconds"]
    assert "stenosis" in first.profile.conditions  # named by its exclusions
    assert "foam_roller" in first.profile.equipment
    assert first.profile.region == "whole"
    assert [item.technique for item in second.routine.items] == [
        item["technique"] for item in original["sessions"][1]["routine"]]
    assert all(record.routine["version"] == 1 and record.routine["profile"]["migrated"]
               for record in sessions)


def test_re_importing_the_upgraded_diary_round_trips(db: Database) -> None:
    with db.session(write=True) as s:
        import_diary(s, parse_export(EXPORT.read_bytes()))
    with db.session() as s:
        exported = export_diary(s)
    with db.session(write=True) as s:  # the merge finds every record already there
        summary = import_diary(s, parse_export(json.dumps(exported)), merge=True)
    assert sum(summary.added.values()) == 0
