"""`backrelief plan` and `backrelief timeline`: the DESIGN.md contract, run as a real process."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from backrelief.core.catalog import default_catalog
from backrelief.core.planner import Profile, plan_routine
from backrelief.journey import sessions as journey_sessions
from backrelief.store import Database, add_feedback, open_database
from tests.conftest import RunCli


def test_plan_json_contract(run_cli: RunCli) -> None:
    result = run_cli("plan", "--json", "--minutes", "10", "--region", "upper")
    assert result.returncode == 0, result.stderr
    routine = json.loads(result.stdout)
    assert set(routine) == {"items", "seconds", "excluded", "advice"}
    assert routine["items"], routine
    for item in routine["items"]:
        assert {"technique", "name", "position", "equipment", "seconds", "variant"} <= set(item)
    assert routine["seconds"] == sum(item["seconds"] for item in routine["items"])
    assert abs(routine["seconds"] - 600) <= 90
    for exclusion in routine["excluded"]:
        assert exclusion["reasons"] and exclusion["technique"]


def test_plan_reports_conditions_and_variants(run_cli: RunCli) -> None:
    result = run_cli("plan", "--json", "--minutes", "15", "--condition", "osteoporosis",
                     "--equipment", "foam_roller,tennis_ball", "--pregnancy-weeks", "20")
    assert result.returncode == 0, result.stderr
    routine = json.loads(result.stdout)
    reasons = {e["technique"]: e["reasons"] for e in routine["excluded"]}
    assert any(r.startswith("osteoporosis:") for r in reasons.get("thoracic-foam-roll", []))
    for item in routine["items"]:
        assert item["position"] not in ("prone", "supine")
        assert not {"foam_roller", "tennis_ball", "lacrosse_ball"} & set(item["equipment"])
    assert any("midwife" in line for line in routine["advice"])  # weeks imply pregnancy


def test_repeated_and_comma_separated_options(run_cli: RunCli) -> None:
    a = run_cli("plan", "--json", "--equipment", "chair", "--equipment", "tennis-ball")
    b = run_cli("plan", "--json", "--equipment", "chair,tennis_ball")
    assert a.returncode == b.returncode == 0
    assert json.loads(a.stdout) == json.loads(b.stdout)


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--region", "middle"], "--region"),
        (["--equipment", "kettlebell"], "--equipment"),
        (["--condition", "flu"], "--condition"),
        (["--minutes", "2"], "--minutes"),
        (["--minutes", "61"], "--minutes"),
        (["--minutes", "ten"], "--minutes"),
        (["--pain", "11"], "--pain"),
        (["--pain", "-1"], "--pain"),
        (["--pregnancy-weeks", "50"], "--pregnancy-weeks"),
        (["--avoid", "no-such-technique"], "--avoid"),
        (["--colour", "red"], "--colour"),
    ],
)
@pytest.mark.parametrize("command", ["plan", "timeline"])
def test_bad_options_exit_2_naming_the_option(run_cli: RunCli, command: str, args: list[str],
                                              option: str) -> None:
    result = run_cli(command, "--json", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and option in lines[0], result.stderr


def test_timeline_json_ends_at_the_plan_total(run_cli: RunCli) -> None:
    args = ("--json", "--minutes", "5", "--region", "lower", "--pain", "3")
    routine = json.loads(run_cli("plan", *args).stdout)
    result = run_cli("timeline", *args)
    assert result.returncode == 0, result.stderr
    cues = json.loads(result.stdout)
    assert isinstance(cues, list)
    assert [c["at"] for c in cues] == sorted(c["at"] for c in cues)
    assert cues[-1]["kind"] == "end" and cues[-1]["at"] == routine["seconds"]
    started = [c["technique"] for c in cues if c["kind"] == "technique"]
    assert started == [item["technique"] for item in routine["items"]]
    for cue in cues:
        assert {"at", "kind", "technique", "step", "text", "say"} <= set(cue)


def test_plan_preview_explains_choices(run_cli: RunCli) -> None:
    result = run_cli("plan", "--minutes", "10", "--condition", "stenosis")
    assert result.returncode == 0, result.stderr
    assert "Your routine" in result.stdout
    assert "Left out" in result.stdout and "stenosis" in result.stdout
    assert "Advice" in result.stdout


def test_timeline_readable(run_cli: RunCli) -> None:
    result = run_cli("timeline", "--minutes", "3")
    assert result.returncode == 0, result.stderr
    assert "technique" in result.stdout and result.stdout.strip().splitlines()[-1].split()[1] == "end"


def test_no_floor_plans_only_seated_and_standing(run_cli: RunCli) -> None:
    result = run_cli("plan", "--json", "--no-floor", "--minutes", "3", "--equipment", "chair")
    assert result.returncode == 0, result.stderr
    routine = json.loads(result.stdout)
    assert routine["items"]
    assert {item["position"] for item in routine["items"]} <= {"seated", "standing"}
    reasons = {e["technique"]: e["reasons"] for e in routine["excluded"]}
    assert any(r.startswith("no floor:") for r in reasons["bridge"])


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--no-floor", "--minutes", "99"], "--minutes"),
        (["--no-floor", "--condition", "flu"], "--condition"),
        (["--no-floor=yes"], "--no-floor"),
        (["--no-floor", "--pregnancy-weeks", "50"], "--pregnancy-weeks"),
    ],
)
@pytest.mark.parametrize("command", ["plan", "session"])
def test_no_floor_with_bad_options_exits_2_naming_the_option(
        run_cli: RunCli, command: str, args: list[str], option: str) -> None:
    result = run_cli(command, *args) if command == "plan" else run_cli(command, "--no-voice", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and option in lines[0], result.stderr


def test_preview_says_durations_as_people_do_and_names_what_was_left_out(run_cli: RunCli) -> None:
    result = run_cli("plan", "--minutes", "10", "--region", "upper", "--no-floor",
                     "--equipment", "chair,wall")
    assert result.returncode == 0, result.stderr
    assert "about 10 minutes" in result.stdout
    assert "Left out, and why" in result.stdout
    assert "Bridge: Works the lower back, not the upper back" in " ".join(result.stdout.split())


@pytest.fixture
def diary(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """The diary the CLI under test reads, opened in this process."""
    monkeypatch.setenv("BACKRELIEF_DATA_DIR", str(data_dir))
    monkeypatch.delenv("BACKRELIEF_DATABASE_URL", raising=False)
    return open_database()


@pytest.mark.parametrize(("verdict", "said"), [
    ("worse", r"felt worse today: left out until \w+day \d+ \w+"),
    ("stopped", r"stopped for pain today: left out until \w+day \d+ \w+"),
    ("not_today", "you asked not to repeat it today: left out until tomorrow"),
])
def test_plan_leaves_out_what_the_diary_remembers_as_session_and_web_do(
        run_cli: RunCli, diary: Database, verdict: str, said: str) -> None:
    profile = Profile(region="lower", minutes=5, pain=3)
    routine = plan_routine(profile, default_catalog())
    item = routine.items[0]
    with diary.session(write=True) as s:
        session_id = journey_sessions.start(s, routine, profile, pain_before=3)
        add_feedback(s, session_id, item.technique, verdict)
    args = ("--minutes", "5", "--region", "lower", "--pain", "3")
    planned = json.loads(run_cli("plan", "--json", *args).stdout)
    assert item.technique not in [i["technique"] for i in planned["items"]]
    reasons = {e["technique"]: e["reasons"] for e in planned["excluded"]}
    assert any(re.fullmatch(f"avoid: {said}", r) for r in reasons[item.technique]), reasons[item.technique]
    cues = json.loads(run_cli("timeline", "--json", *args).stdout)
    assert item.technique not in {c["technique"] for c in cues}
    readable = run_cli("plan", *args, env={"COLUMNS": "200"})
    assert readable.returncode == 0, readable.stderr
    text = re.sub(r"\s+", " ", readable.stdout)
    assert re.search(rf"{re.escape(item.name)}: {said}", text, re.IGNORECASE), text


def test_plan_without_a_diary_creates_none(run_cli: RunCli, data_dir: Path) -> None:
    result = run_cli("plan", "--json", "--minutes", "10")
    assert result.returncode == 0, result.stderr
    assert not (data_dir / "backrelief.db").exists()
