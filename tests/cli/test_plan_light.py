"""`plan` reads the diary's memory with the standard library when it can (store/light.py).

The light read must say exactly what the store says (random diaries), must never be used for
a file that needs a migration, and `plan` with a diary must not import SQLAlchemy (issue 16).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from backrelief.journey.memory import current_memory
from backrelief.store import add_feedback, open_database, start_session
from backrelief.store.light import head_revision, read_memory
from backrelief.store.migrate import MIGRATIONS_DIR, SCHEMA_REVISION
from backrelief.store.types import utcnow
from tests.store.test_narrow_reads import ZONE, _seed, someone_else


def test_the_light_path_expects_the_schema_the_store_migrates_to() -> None:
    assert head_revision() == SCHEMA_REVISION
    shipped = sorted(p.name[4:8] for p in (MIGRATIONS_DIR / "versions").glob("rev_*.py"))
    assert shipped[-1] == SCHEMA_REVISION


@pytest.mark.parametrize("seed", range(16))
def test_the_light_read_says_what_the_store_says(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "diary.db"
    database = open_database(f"sqlite:///{path}")
    now = utcnow()
    try:
        someone_else(database, seed, now)  # another account's rows: never the owner's memory
        _seed(database, seed, now)
        for moment in (now, now - timedelta(days=2), now - timedelta(days=8)):
            with database.session() as s:
                expected = current_memory(s, now=moment, zone=ZONE)
            assert read_memory(path, now=moment, zone=ZONE) == expected, f"seed {seed}"
    finally:
        database.close()


def test_a_file_it_cannot_read_goes_to_the_store(tmp_path: Path) -> None:
    assert read_memory(tmp_path / "missing.db") is None  # mode=ro never creates a file
    assert not (tmp_path / "missing.db").exists()
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    assert read_memory(tmp_path / "junk.db") is None
    path = tmp_path / "diary.db"
    open_database(f"sqlite:///{path}").close()
    assert read_memory(path) == {}
    with sqlite3.connect(path) as connection:  # as if an older backrelief made it
        connection.execute("UPDATE alembic_version SET version_num = '0004'")
    assert read_memory(path) is None  # a migration is due: only the store may run it


def _plan(data_dir: Path, tmp_path: Path) -> tuple[dict[str, object], str]:
    env = {**os.environ, "BACKRELIEF_DATA_DIR": str(data_dir), "NO_COLOR": "1",
           "BACKRELIEF_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("BACKRELIEF_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "backrelief", "plan",
                           "--json", "--minutes", "10"], env=env, capture_output=True,
                          text=True, check=True, timeout=120)
    return json.loads(done.stdout), done.stderr


def test_plan_with_a_diary_leaves_out_what_felt_worse_without_sqlalchemy(
        tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env_before = os.environ.get("BACKRELIEF_DATA_DIR")
    os.environ["BACKRELIEF_DATA_DIR"] = str(data_dir)
    try:
        database = open_database()
        plain, _ = _plan(data_dir, tmp_path)
        first = plain["items"][0]["technique"]  # type: ignore[index]
        with database.session(write=True) as s:
            session = start_session(s, {"items": [{"technique": first, "seconds": 60}]})
            add_feedback(s, session, first, "worse")
        database.close()
    finally:
        if env_before is None:
            os.environ.pop("BACKRELIEF_DATA_DIR")
        else:
            os.environ["BACKRELIEF_DATA_DIR"] = env_before
    planned, imports = _plan(data_dir, tmp_path)
    assert first not in [item["technique"] for item in planned["items"]]  # type: ignore[index]
    excluded = {entry["technique"]: entry for entry in planned["excluded"]}  # type: ignore[index]
    assert "felt worse today" in json.dumps(excluded[first])
    modules = {line.split("|")[-1].strip() for line in imports.splitlines() if "|" in line}
    assert not {name for name in modules if name.split(".")[0] == "sqlalchemy"}, imports[-2000:]
