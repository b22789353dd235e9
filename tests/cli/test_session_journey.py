"""`backrelief session` follows the same journey as the web: nothing stored before the player
starts, the same ending (pain now, per-technique feedback, summary, diary advice), the same
stored document, and the diary's memory leaves techniques out."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pexpect
import pytest

from backrelief.core.catalog import default_catalog
from backrelief.core.planner import Profile, plan_routine
from backrelief.journey import sessions as journey_sessions
from backrelief.journey.document import read_document
from backrelief.store import (
    Database,
    add_feedback,
    all_settings,
    list_ratings,
    list_screens,
    list_sessions,
    open_database,
)
from backrelief.web.sessions import session_conditions
from tests.cli.test_session_pty import CLEAR_ANSWERS, spawn
from tests.conftest import RunCli

CHOICES = ["--pain", "3", "--region", "lower", "--minutes", "5", "--equipment", "none",
           "--no-voice"]


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(CLEAR_ANSWERS))
    return path


@pytest.fixture
def diary(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """The diary the CLI under test writes, opened in this process."""
    monkeypatch.setenv("BACKRELIEF_DATA_DIR", str(data_dir))
    monkeypatch.delenv("BACKRELIEF_DATABASE_URL", raising=False)
    return open_database()


def test_looking_at_the_plan_and_leaving_stores_nothing(answers: Path, data_dir: Path,
                                                        diary: Database) -> None:
    child = spawn(["--answers", str(answers), *CHOICES, "--condition", "none"], data_dir, "60")
    child.expect("Your routine")
    child.expect(r"Start the session\?")
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    with diary.session() as s:
        assert list_sessions(s) == [] and list_ratings(s) == []
        assert list_screens(s) == [] and all_settings(s) == {}


@pytest.mark.slow
def test_the_terminal_session_ends_as_the_web_one(answers: Path, data_dir: Path,
                                                  diary: Database) -> None:
    child = spawn(["--answers", str(answers), *CHOICES, "--condition", "none"], data_dir, "60")
    child.expect(r"Start the session\?")
    child.sendline("y")
    child.expect("Session complete", timeout=60)
    child.expect(r"How bad is your back pain now")
    child.sendline("2")
    child.expect("Has the pain spread down a leg")
    child.sendline("n")
    child.expect("How did each technique feel")
    child.expect(r"\[3\] Felt worse")
    child.sendline("3")  # the first technique felt worse; the others are skipped with Enter
    while child.expect([r"\[3\] Felt worse", "Session summary"]) == 0:
        child.sendline("")
    child.expect(r"Pain before: 3/10\s+after: 2/10")
    child.expect("1 point lower than before the session")
    child.expect(": felt worse")
    child.expect("What the diary says")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    with diary.session() as s:
        (record,) = list_sessions(s)
        assert record.completed is True
        assert [(r.kind, r.pain) for r in list_ratings(s, session_id=record.id)] == [
            ("before", 3), ("after", 2)]
        assert list(record.feedback.values()) == ["worse"]
        assert all_settings(s)["minutes"] == 5  # remembered once the player started
        assert len(list_screens(s)) == 1


@pytest.mark.slow
def test_a_terminal_session_stores_the_web_document(run_cli: RunCli, answers: Path,
                                                    diary: Database) -> None:
    result = run_cli("session", "--answers", str(answers), *CHOICES, "--condition",
                     "knee_problem", "--yes", env={"BACKRELIEF_TIME_SCALE": "200"})
    assert result.returncode == 0, result.stderr
    with diary.session() as s:
        (record,) = list_sessions(s)
    document = read_document(record.routine)
    assert document.profile.conditions == {"knee_problem"} and document.profile.minutes == 5
    assert session_conditions(record) == ["knee_problem"]  # what the web player reads


@pytest.mark.slow
def test_felt_worse_leaves_the_technique_out_of_the_next_terminal_plan(
        run_cli: RunCli, answers: Path, diary: Database) -> None:
    profile = Profile(region="lower", minutes=5, pain=3)
    routine = plan_routine(profile, default_catalog())
    technique = routine.items[0]
    with diary.session(write=True) as s:
        session_id = journey_sessions.start(s, routine, profile, pain_before=3)
        add_feedback(s, session_id, technique.technique, "worse")
    result = run_cli("session", "--answers", str(answers), *CHOICES, "--condition", "none",
                     "--yes", env={"BACKRELIEF_TIME_SCALE": "200", "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    text = re.sub(r"\s+", " ", result.stdout)
    assert re.search(rf"{re.escape(technique.name)}: .*?felt worse today: left out until \w+day",
                     text, re.IGNORECASE), text
    with diary.session() as s:
        latest = list_sessions(s)[-1]
    assert technique.technique not in latest.techniques


def test_plan_takes_equipment_none_as_session_does(run_cli: RunCli) -> None:
    floor = run_cli("plan", "--json", "--minutes", "10")
    for args in (["--equipment", "none"], ["--equipment", "floor"], ["--condition", "none"]):
        result = run_cli("plan", "--json", "--minutes", "10", *args)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == json.loads(floor.stdout)
    bad = run_cli("plan", "--json", "--equipment", "nothing")
    assert bad.returncode == 2 and "--equipment" in bad.stderr and bad.stdout == ""
