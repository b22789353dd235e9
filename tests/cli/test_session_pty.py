"""`backrelief session` end to end in a pseudo-terminal, with a short, sped-up routine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest

from tests.conftest import RunCli

CLEAR_ANSWERS: dict[str, object] = {
    "chest_symptoms": False, "tearing_pain": False, "saddle_numbness": False,
    "bladder_change": False, "bowel_change": False, "sexual_change": False, "both_legs": False,
    "leg_weakness": "none", "major_trauma": False, "fever": False, "weight_loss": False,
    "night_pain": False, "lump_or_shape_change": False, "worse_straining": False,
    "nonmechanical_thoracic": False, "sudden_onset_minor_trauma": False, "age": 35,
    "pregnant": False, "first_episode": False, "duration_weeks": 1, "cancer_history": False,
    "infection_risk": False, "fragility_risk": False, "inflammatory_features": False,
    "recent_spinal_surgery": False, "spinal_fusion": False,
    "sudden_tummy_back_pain": False, "blood_thinners": False, "severe_not_coping": False,
}
SHORT = ["--pain", "3", "--region", "lower", "--minutes", "5", "--equipment", "none",
         "--condition", "none", "--no-voice", "--yes"]


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(CLEAR_ANSWERS))
    return path


def spawn(args: list[str], data_dir: Path, scale: str) -> pexpect.spawn:
    env = {**os.environ, "BACKRELIEF_DATA_DIR": str(data_dir), "BACKRELIEF_TIME_SCALE": scale,
           "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    env.pop("BACKRELIEF_DATABASE_URL", None)
    env.pop("NO_COLOR", None)
    return pexpect.spawn(sys.executable, ["-m", "backrelief", "session", *args], env=env,
                         dimensions=(30, 100), encoding="utf-8", timeout=60)


def diary(data_dir: Path) -> dict[str, Any]:
    """What the diary holds, read by a separate process (as the next session would)."""
    code = ("import json; from backrelief.store import open_database, list_sessions, list_ratings\n"
            "db = open_database()\n"
            "with db.session() as s:\n"
            "    print(json.dumps({'sessions': [r.as_dict() for r in list_sessions(s)],"
            " 'feedback': [r.feedback for r in list_sessions(s)],"
            " 'ratings': [[r.kind, r.pain] for r in list_ratings(s)]}, default=str))\n")
    env = {**os.environ, "BACKRELIEF_DATA_DIR": str(data_dir)}
    env.pop("BACKRELIEF_DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True)
    result: dict[str, Any] = json.loads(out.stdout)
    return result


@pytest.mark.slow
def test_short_session_plays_to_the_end_and_is_recorded(answers: Path, data_dir: Path) -> None:
    child = spawn(["--answers", str(answers), *SHORT], data_dir, scale="60")
    child.expect("Your routine")
    child.expect("Session")  # the live player
    child.expect("Session complete", timeout=60)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    stored = diary(data_dir)
    assert len(stored["sessions"]) == 1 and stored["sessions"][0]["completed"] is True
    assert stored["ratings"] == [["before", 3]]
    assert stored["sessions"][0]["screen_id"] is not None  # the screen was recorded too


@pytest.mark.slow
def test_this_hurts_applies_the_stop_rules(answers: Path, data_dir: Path) -> None:
    child = spawn(["--answers", str(answers), *SHORT], data_dir, scale="4")
    child.expect("this hurts")  # the player is up
    child.send("h")
    child.expect("What are you feeling")
    child.send("3")  # sharp pain, or pain getting worse: skip this technique
    child.expect("go on to the next technique")
    child.send("c")
    child.expect("[0-9]/[0-9]")
    child.send("q")
    child.expect("Session ended early")
    child.expect(pexpect.EOF)
    child.close()
    stored = diary(data_dir)
    session = stored["sessions"][0]
    assert session["completed"] is False and session["stop_reason"] == "quit"
    assert "worse" in stored["feedback"][0].values()


@pytest.mark.slow
def test_spreading_leg_pain_stops_the_session(answers: Path, data_dir: Path) -> None:
    child = spawn(["--answers", str(answers), *SHORT], data_dir, scale="4")
    child.expect("this hurts")
    child.send("h")
    child.expect("What are you feeling")
    child.send("4")  # pain spreading down a leg: stop, and ask the warning signs again
    child.expect("Session stopped")
    child.expect("warning-sign questions again")
    child.expect("Do any of these apply")
    child.sendline("n")
    child.expect("Do any of these apply")
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    session = diary(data_dir)["sessions"][0]
    assert session["stop_reason"] == "spreading_leg" and session["completed"] is False
    assert "stopped" in diary(data_dir)["feedback"][0].values()


def test_red_flag_answers_never_show_a_routine(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({**CLEAR_ANSWERS, "chest_symptoms": True}))
    result = run_cli("session", "--answers", str(path), *SHORT)
    assert result.returncode == 1
    assert "Your routine" not in result.stdout and "No routine today" in result.stdout


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--minutes", "99"], "--minutes"),
        (["--region", "middle"], "--region"),
        (["--condition", "flu"], "--condition"),
        (["--pain", "12"], "--pain"),
    ],
)
def test_bad_options_exit_2_before_any_question(run_cli: RunCli, args: list[str],
                                                option: str) -> None:
    result = run_cli("session", "--no-voice", *args)
    assert result.returncode == 2 and option in result.stderr
    assert result.stdout == ""


def test_bad_time_scale_is_named(run_cli: RunCli) -> None:
    result = run_cli("session", "--no-voice", env={"BACKRELIEF_TIME_SCALE": "fast"})
    assert result.returncode == 2 and "BACKRELIEF_TIME_SCALE" in result.stderr
