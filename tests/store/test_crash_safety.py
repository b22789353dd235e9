"""Crash safety: SIGKILL a process that is writing ratings, and lose nothing it acknowledged.

A child process writes ratings in a tight loop and prints an acknowledgement line after each
commit returns: either through the store API, or through the real CLI command
(``backrelief diary add``, whose "Recorded ... as rating #N." line is its acknowledgement). The
parent kills it with SIGKILL at a random moment, so the kill usually lands in the middle of a
write, and then checks that every acknowledged rating is in the database, that the database
opens cleanly (SQLite recovers its write-ahead log), and that SQLite's integrity check passes.
Several rounds run against the same database, each starting from the previous crash.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from backrelief.store import list_ratings, open_database

ROUNDS = 3
STORE_WRITER = """
import sys
from backrelief.store import add_rating, open_database

database = open_database(sys.argv[1])
number = 0
while True:
    with database.session(write=True) as session:
        record = add_rating(session, number % 11, where=f"{sys.argv[2]}-{number}")
    print(f"ACK {record.id} {sys.argv[2]}-{number}", flush=True)
    number += 1
"""
CLI_WRITER = """
import sys
from backrelief.cli import main

number = 0
while True:
    try:
        main(["diary", "add", "--pain", str(number % 11), "--where", f"{sys.argv[2]}-{number}"])
    except SystemExit as stop:
        if stop.code:
            raise
    sys.stdout.flush()
    number += 1
"""
CLI_ACK = re.compile(r"as rating #(\d+)\.$")


def _run_and_kill(code: str, url: str, tag: str, rng: random.Random) -> list[str]:
    """Start a writer, SIGKILL it at a random moment, return every line it printed."""
    env = {**os.environ, "BACKRELIEF_DATABASE_URL": url, "NO_COLOR": "1"}
    child = subprocess.Popen(
        [sys.executable, "-c", code, url, tag],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    lines: list[str] = []
    first_ack = threading.Event()

    def read() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            lines.append(line.rstrip("\n"))
            first_ack.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not first_ack.wait(timeout=60):
        child.kill()
        pytest.fail(f"writer never acknowledged a write: {child.stderr.read() if child.stderr else ''}")
    time.sleep(rng.uniform(0.15, 0.6))  # mid-stream, at no particular point of a write
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    reader.join(timeout=30)
    assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
    return lines


def _acknowledged(lines: list[str], mode: str) -> dict[int, str | None]:
    """Rating id -> expected 'where' for every acknowledged write."""
    acked: dict[int, str | None] = {}
    for line in lines:
        if mode == "store" and line.startswith("ACK "):
            _, rating_id, where = line.split(" ", 2)
            acked[int(rating_id)] = where
        elif mode == "cli" and (match := CLI_ACK.search(line)):
            acked[int(match.group(1))] = None
    return acked


@pytest.mark.parametrize("mode", ["store", "cli"])
def test_acknowledged_writes_survive_sigkill(database_url: str, mode: str) -> None:
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    code = STORE_WRITER if mode == "store" else CLI_WRITER
    open_database(database_url).close()  # migrate first: the race under test is the writes
    total_acked: dict[int, str | None] = {}
    for round_number in range(ROUNDS):
        lines = _run_and_kill(code, database_url, f"r{round_number}", rng)
        acked = _acknowledged(lines, mode)
        assert acked, f"seed {seed}: no acknowledgements in round {round_number}: {lines[:3]}"
        total_acked.update(acked)

        database = open_database(database_url)  # must open (and recover) cleanly
        try:
            with database.session() as session:
                stored = {rating.id: rating.where for rating in list_ratings(session)}
                if database.dialect == "sqlite":
                    check = session.execute(text("PRAGMA integrity_check")).scalars().all()
                    assert check == ["ok"], f"seed {seed}: {check}"
        finally:
            database.close()
        missing = sorted(set(total_acked) - set(stored))
        assert not missing, f"seed {seed}: acknowledged ratings lost: {missing[:10]}"
        for rating_id, where in total_acked.items():
            if where is not None:
                assert stored[rating_id] == where, f"seed {seed}: rating {rating_id} changed"
        # At most the one write in flight may have committed without its acknowledgement.
        assert len(stored) - len(total_acked) <= round_number + 1


def test_sqlite_file_is_clean_after_a_crash(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/crash.db"
    open_database(url).close()
    _run_and_kill(STORE_WRITER, url, "x", random.Random(7))
    import sqlite3

    # A plain sqlite3 connection, as any other tool would open the file.
    connection = sqlite3.connect(tmp_path / "crash.db")
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert connection.execute("SELECT count(*) FROM pain_ratings").fetchone()[0] > 0
    finally:
        connection.close()
