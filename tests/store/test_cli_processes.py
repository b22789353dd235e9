"""Real processes against one diary, on SQLite and PostgreSQL (issue 15).

* Two-process race: two processes run ``backrelief diary add`` in a loop at the same moment;
  every command succeeds and every rating is stored once.
* Process per write: a fresh ``backrelief diary add`` process per rating, each SIGKILLed at a
  random moment of its short life (often mid-write); every acknowledged rating is present and
  the database stays sound.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from backrelief.store import list_ratings, open_database

LOOP = """
import sys, time
from backrelief.cli import main

start_at, tag = float(sys.argv[1]), sys.argv[2]
time.sleep(max(0.0, start_at - time.time()))  # both processes begin together
for number in range(int(sys.argv[3])):
    try:
        main(["diary", "add", "--pain", str(number % 11), "--where", f"{tag}-{number}"])
    except SystemExit as stop:
        if stop.code:
            raise
"""


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "BACKRELIEF_DATABASE_URL": url, "NO_COLOR": "1"}


def _stored(url: str) -> dict[str, int]:
    database = open_database(url)
    try:
        with database.session() as session:
            wheres = [rating.where or "" for rating in list_ratings(session)]
            if database.dialect == "sqlite":
                check = session.execute(text("PRAGMA integrity_check")).scalars().all()
                assert check == ["ok"], check
    finally:
        database.close()
    return {where: wheres.count(where) for where in wheres}


def test_two_cli_processes_writing_at_once(database_url: str) -> None:
    open_database(database_url).close()  # migrated first: the race under test is the writes
    per_process = 15
    start_at = time.time() + 3  # time for both interpreters to import everything
    children = [
        subprocess.Popen([sys.executable, "-c", LOOP, str(start_at), tag, str(per_process)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=_env(database_url))
        for tag in ("alice", "bob")
    ]
    for child in children:
        out, err = child.communicate(timeout=180)
        assert child.returncode == 0, err
        assert out.count("Recorded pain") == per_process
    stored = _stored(database_url)
    expected = {f"{tag}-{n}" for tag in ("alice", "bob") for n in range(per_process)}
    assert set(stored) == expected
    assert set(stored.values()) == {1}


def test_a_process_per_write_killed_at_random(database_url: str, tmp_path: Path) -> None:
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    open_database(database_url).close()
    # How long one `diary add` takes here, so the kills land across its whole life.
    began = time.monotonic()
    subprocess.run([sys.executable, "-m", "backrelief", "diary", "add", "--pain", "1",
                    "--where", "warm-up"], env=_env(database_url), check=True,
                   capture_output=True, timeout=120)
    lifetime = time.monotonic() - began
    acknowledged: set[str] = {"warm-up"}
    for number in range(12):
        where = f"kill-{number}"
        child = subprocess.Popen(
            [sys.executable, "-m", "backrelief", "diary", "add", "--pain", str(number % 11),
             "--where", where],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(database_url))
        time.sleep(rng.uniform(0.5, 1.1) * lifetime)
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=60)
        if "Recorded pain" in out:
            acknowledged.add(where)
    stored = _stored(database_url)
    missing = acknowledged - set(stored)
    assert not missing, f"seed {seed}: acknowledged ratings lost: {sorted(missing)}"
    assert all(count == 1 for count in stored.values()), f"seed {seed}: {stored}"
    # The database is still usable for the next write.
    subprocess.run([sys.executable, "-m", "backrelief", "diary", "add", "--pain", "2"],
                   env=_env(database_url), check=True, capture_output=True, timeout=120)
