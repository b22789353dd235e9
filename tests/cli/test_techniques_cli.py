"""`backrelief techniques`, `techniques show`, `learn`, and the light `--help`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import RunCli

POSITIONS = {"supine", "prone", "side_lying", "all_fours", "kneeling", "seated", "standing"}
EQUIPMENT = {"foam_roller", "tennis_ball", "lacrosse_ball", "chair", "wall"}


def test_techniques_json_keeps_the_contract(run_cli: RunCli) -> None:
    result = run_cli("techniques", "--json")
    assert result.returncode == 0, result.stderr
    techniques = json.loads(result.stdout)
    assert len(techniques) >= 15
    for t in techniques:
        assert {"id", "name", "regions", "position", "equipment", "intensity", "steps",
                "cautions", "contraindications", "sources"} <= set(t)
        assert set(t["regions"]) <= {"upper", "lower"} and t["regions"]
        assert t["position"] in POSITIONS
        assert set(t["equipment"]) <= EQUIPMENT
        assert t["intensity"] in {"gentle", "moderate"}
        for step in t["steps"]:
            assert step["text"]
            assert "seconds" in step or "reps" in step
        assert t["sources"] and all(s["citation"] for s in t["sources"])


def test_conditions_from_design_are_contraindicated(run_cli: RunCli) -> None:
    by_id = {t["id"]: t for t in json.loads(run_cli("techniques", "--json").stdout)}
    for rolled in ("thoracic-foam-roll", "ball-massage-lower-back", "ball-massage-glutes"):
        assert {"osteoporosis", "anticoagulants", "acute_strain"} <= set(
            by_id[rolled]["contraindications"]
        ), rolled
    assert "pregnancy" in by_id["prone-press-up"]["contraindications"]
    for extension in ("prone-press-up", "standing-back-extension"):
        assert "stenosis" in by_id[extension]["contraindications"]


def test_show_prints_every_step_caution_and_source(run_cli: RunCli) -> None:
    data = json.loads(run_cli("techniques", "show", "cat-cow", "--json").stdout)
    result = run_cli("techniques", "show", "cat-cow")
    assert result.returncode == 0, result.stderr
    flat = " ".join(result.stdout.split())
    for step in data["steps"]:
        assert " ".join(step["text"].split())[:40] in flat
    for caution in data["cautions"]:
        assert " ".join(caution.split())[:40] in flat
    assert data["sources"][0]["citation"][:30] in flat


def test_show_unknown_id_exits_2_listing_valid_ids(run_cli: RunCli) -> None:
    result = run_cli("techniques", "show", "back-crack")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "ID: unknown technique 'back-crack'" in result.stderr
    assert "cat-cow" in result.stderr and "bird-dog" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_table_lists_every_technique(run_cli: RunCli) -> None:
    result = run_cli("techniques")
    assert result.returncode == 0, result.stderr
    ids = [t["id"] for t in json.loads(run_cli("techniques", "--json").stdout)]
    for technique_id in ids:
        assert technique_id in result.stdout


def test_learn_lists_and_shows_pages(run_cli: RunCli) -> None:
    listing = run_cli("learn")
    assert listing.returncode == 0
    assert "the-pop" in listing.stdout
    page = run_cli("learn", "the-pop")
    assert page.returncode == 0
    assert "Sources" in page.stdout
    bad = run_cli("learn", "crack-it")
    assert bad.returncode == 2
    assert "TOPIC: unknown topic 'crack-it'" in bad.stderr


def test_unknown_option_is_one_line_exit_2(run_cli: RunCli) -> None:
    result = run_cli("techniques", "--colour")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "--colour" in result.stderr


def test_help_imports_no_web_database_or_tui_code() -> None:
    """DESIGN.md: `backrelief --help` must stay fast; check what it imports."""
    probe = (
        "import sys\n"
        "from backrelief.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('sqlalchemy', 'alembic', 'psycopg', 'fastapi', 'starlette', 'uvicorn',\n"
        "         'jinja2', 'rich', 'pydantic', 'yaml', 'backrelief.store', 'backrelief.web',\n"
        "         'backrelief.core')\n"
        "print([m for m in sys.modules if m.split('.')[0] in heavy or m.startswith(heavy)])\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_show_writes_the_step_figures_on_request(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "figs"
    result = run_cli("techniques", "show", "bridge", "--figures", str(out))
    assert result.returncode == 0, result.stderr
    steps = json.loads(run_cli("techniques", "show", "bridge", "--json").stdout)["steps"]
    written = sorted(p.name for p in out.glob("*.svg"))
    assert written == sorted(f"bridge-{n}.svg" for n in range(1, len(steps) + 1))
    svg = (out / "bridge-2.svg").read_text()
    assert svg.startswith("<svg") and "<title" in svg and 'role="img"' in svg


def test_json_lists_harder_forms_and_hold_limits(run_cli: RunCli) -> None:
    """A programme's later weeks use harder forms and longer holds: the library shows both."""
    techniques = json.loads(run_cli("techniques", "--json").stdout)
    assert all(isinstance(t["harder"], list) for t in techniques)
    bridge = next(t for t in techniques if t["id"] == "bridge")
    assert [step.get("max_seconds") for step in bridge["steps"]] == [None, 10, None]
    forms = {h["id"]: h for h in bridge["harder"]}
    assert list(forms) == ["bridge-staggered", "bridge-single-leg"]
    single = forms["bridge-single-leg"]
    assert (single["name"], single["intensity"]) == ("Single-leg bridge", "moderate")
    # Its own list and the category rules (the standard bridge's ones too: a harder form is
    # only ever offered on top of the standard form).
    assert {"pregnancy", "acute_strain", "knee_problem"} <= set(single["contraindications"])
    assert set(bridge["contraindications"]) <= set(single["contraindications"])
    assert "knee_problem" not in forms["bridge-staggered"]["contraindications"]
    assert [step.get("max_seconds") for step in single["steps"]] == [None, 5, None]
    assert all(step["poses"] for step in single["steps"])
    assert single["sources"] and all(s["citation"] for s in single["sources"])
