"""`backrelief export`, `import` and `forget`, run as the real CLI in a subprocess."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle

from backrelief.config import load_config
from backrelief.store import add_feedback, finish_session, open_database, set_setting
from backrelief.store import add_rating as store_add_rating
from backrelief.store import start_session as store_start_session
from tests.conftest import RunCli
from tests.store.conftest import fresh_pg_schema, postgres_server_url  # noqa: F401 - fixtures
from tests.store.test_transfer_store import ITEM, PROFILE


def fill(run_cli: RunCli, data_dir: Path) -> None:
    """Ratings through the CLI, plus a session with feedback and a setting through the store."""
    for at, pain in (("2025-03-01T08:00:00Z", 6), ("2025-03-02T08:00:00Z", 5)):
        assert run_cli("diary", "add", "--pain", str(pain), "--at", at,
                       "--where", "lower back").returncode == 0
    database = open_database(config=load_config({"BACKRELIEF_DATA_DIR": str(data_dir)}))
    try:
        with database.session(write=True) as s:
            session_id = store_start_session(s, {"items": [ITEM], "seconds": 60,
                                                 "excluded": [], "advice": [],
                                                 "version": 1, "profile": PROFILE})
            store_add_rating(s, 5, kind="before", session_id=session_id)
            add_feedback(s, session_id, "cat-cow", "better")
            store_add_rating(s, 3, kind="after", session_id=session_id)
            finish_session(s, session_id, True)
            set_setting(s, "minutes", 10)
    finally:
        database.close()


def export_json(run_cli: RunCli, **kwargs: dict[str, str]) -> dict[str, object]:
    result = run_cli("export", "--format", "json", **kwargs)
    assert result.returncode == 0, result.stderr
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_json_export_round_trips_through_import(run_cli: RunCli, data_dir: Path,
                                                tmp_path: Path) -> None:
    fill(run_cli, data_dir)
    out = tmp_path / "diary.json"
    written = run_cli("export", "--out", str(out))
    assert written.returncode == 0, written.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    original = json.loads(out.read_text())

    other_dir = tmp_path / "other"
    other_dir.mkdir()
    env = {"BACKRELIEF_DATA_DIR": str(other_dir)}
    imported = run_cli("import", str(out), env=env)
    assert imported.returncode == 0, imported.stderr
    assert "4 ratings" in imported.stdout
    again = json.loads(run_cli("export", env=env).stdout)
    original.pop("exported_at")
    again.pop("exported_at")
    assert again == original


def test_import_from_standard_input_with_json_summary(run_cli: RunCli, data_dir: Path,
                                                      tmp_path: Path) -> None:
    fill(run_cli, data_dir)
    text = run_cli("export").stdout
    env = {"BACKRELIEF_DATA_DIR": str(tmp_path)}
    result = run_cli("import", "-", "--json", input=text, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["added"]["ratings"] == 4


def test_import_refuses_a_non_empty_diary_unless_merging(run_cli: RunCli, data_dir: Path,
                                                         tmp_path: Path) -> None:
    fill(run_cli, data_dir)
    out = tmp_path / "diary.json"
    run_cli("export", "--out", str(out))
    before = export_json(run_cli)
    refused = run_cli("import", str(out))
    assert refused.returncode == 2
    assert refused.stderr.strip().startswith("backrelief: error: diary:")
    assert "--merge" in refused.stderr
    merged = run_cli("import", str(out), "--merge")
    assert merged.returncode == 0, merged.stderr
    assert "Skipped" in merged.stdout
    after = export_json(run_cli)
    before.pop("exported_at")
    after.pop("exported_at")
    assert after == before  # merging the diary into itself adds nothing


def _valid_file() -> dict[str, object]:
    return {"format": "backrelief-diary", "version": 1,
            "exported_at": "2025-03-05T10:00:00+00:00", "app_version": "0.1.0",
            "ratings": [{"id": 1, "at": "2025-03-01T08:00:00+00:00", "pain": 4,
                         "kind": "daily", "where": None, "session_id": None}]}


def _with_rating(**changes: object) -> str:
    document = _valid_file()
    rating = dict(document["ratings"][0])  # type: ignore[index]
    rating.update(changes)
    document["ratings"] = [rating]
    return json.dumps(document)


@pytest.mark.parametrize(("content", "field"), [
    ("this is not json", "FILE"),
    ("{}", "format"),
    (json.dumps({**_valid_file(), "format": "other"}), "format"),
    (_with_rating(pain=11), "ratings[0].pain"),
    (_with_rating(pain="4"), "ratings[0].pain"),
    (_with_rating(kind="weekly"), "ratings[0].kind"),
    (_with_rating(at="2025-03-01T08:00:00"), "ratings[0].at"),
    (_with_rating(at="3000-01-01T00:00:00+00:00"), "ratings[0].at"),
    (_with_rating(session_id=4), "ratings[0].session_id"),
])
def test_malformed_files_exit_2_naming_the_field_and_write_nothing(
    run_cli: RunCli, data_dir: Path, tmp_path: Path, content: str, field: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = run_cli("import", str(path))
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f" {field}:" in lines[0], result.stderr
    assert not (data_dir / "backrelief.db").exists()  # validated before the diary is opened


def test_the_valid_file_above_imports(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "good.json"
    path.write_text(json.dumps(_valid_file()))
    assert run_cli("import", str(path)).returncode == 0
    assert [r["pain"] for r in json.loads(run_cli("diary", "--json").stdout)] == [4]


@pytest.mark.parametrize(("args", "field"), [
    (["import", "/no/such/file.json"], "FILE"),
    (["export", "--format", "xml"], "--format"),
    (["export", "--out", "/no/such/folder/out.json"], "--out"),
])
def test_bad_transfer_arguments_exit_2(run_cli: RunCli, args: list[str], field: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    assert field in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_import_of_a_non_utf8_file_exits_2(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "binary.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    result = run_cli("import", str(path))
    assert result.returncode == 2 and "FILE" in result.stderr


def test_csv_export_is_one_row_per_rating(run_cli: RunCli, data_dir: Path) -> None:
    fill(run_cli, data_dir)
    result = run_cli("export", "--format", "csv", env={"TZ": "XYZ-02"})
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [int(r["pain"]) for r in rows] == [6, 5, 5, 3]
    assert rows[0]["time_utc"] == "2025-03-01T08:00:00+00:00"
    assert rows[0]["time_local"] == "2025-03-01T10:00:00+02:00"
    assert rows[2]["kind"] == "before" and rows[2]["session_id"] == "1"


def test_fhir_export_validates_as_an_r4_bundle(run_cli: RunCli, data_dir: Path,
                                               tmp_path: Path) -> None:
    fill(run_cli, data_dir)
    out = tmp_path / "bundle.json"
    assert run_cli("export", "--format", "fhir", "--out", str(out)).returncode == 0
    bundle = Bundle.model_validate(json.loads(out.read_text()))
    assert bundle.type == "collection" and len(bundle.entry) == 4
    observation = bundle.entry[0].resource
    assert observation.code.coding[0].code == "72514-3"
    assert observation.valueInteger == 6
    assert observation.effectiveDateTime.isoformat() == "2025-03-01T08:00:00+00:00"


def test_forget_asks_first(run_cli: RunCli, data_dir: Path) -> None:
    fill(run_cli, data_dir)
    declined = run_cli("forget", input="n\n")
    assert declined.returncode == 1 and "Nothing deleted" in declined.stdout
    assert len(json.loads(run_cli("diary", "--json").stdout)) == 4
    confirmed = run_cli("forget", input="y\n")
    assert confirmed.returncode == 0, confirmed.stderr
    assert json.loads(run_cli("diary", "--json").stdout) == []
    document = export_json(run_cli)
    assert document["settings"] == {} and document["sessions"] == []
    assert b"lower back" not in (data_dir / "backrelief.db").read_bytes()


def test_forget_yes_skips_the_question(run_cli: RunCli, data_dir: Path) -> None:
    fill(run_cli, data_dir)
    assert run_cli("forget", "--yes").returncode == 0
    assert json.loads(run_cli("diary", "--json").stdout) == []


@pytest.mark.postgres
def test_the_cli_works_on_postgresql_too(run_cli: RunCli, fresh_pg_schema: str,  # noqa: F811
                                         tmp_path: Path) -> None:
    env = {"BACKRELIEF_DATABASE_URL": fresh_pg_schema}
    assert run_cli("diary", "add", "--pain", "4", "--at", "2025-03-01T08:00Z", env=env
                   ).returncode == 0
    out = tmp_path / "pg.json"
    assert run_cli("export", "--out", str(out), env=env).returncode == 0
    assert run_cli("forget", "--yes", env=env).returncode == 0
    assert run_cli("import", str(out), env=env).returncode == 0
    listed = json.loads(run_cli("diary", "--json", env=env).stdout)
    assert [(r["id"], r["pain"], r["at"]) for r in listed] == [
        (1, 4, "2025-03-01T08:00:00+00:00")]
    assert run_cli("diary", "add", "--pain", "2", env=env).returncode == 0
    assert json.loads(run_cli("advice", "--json", env=env).stdout)["tier"] in {
        "self_care", "see_professional"}
