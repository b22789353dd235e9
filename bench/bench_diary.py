"""Diary benchmarks: write throughput and the time to give advice on a two-year diary.

Prints numbers; asserts nothing (DESIGN.md: performance is measured by bench/, never by timed
tests). Runs on a temporary SQLite file; set BACKRELIEF_BENCH_DATABASE_URL to a PostgreSQL URL
(an empty database or schema you can spare) to measure that too.

    .venv/bin/python bench/bench_diary.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from backrelief.store import (
    Database,
    add_feedback,
    add_rating,
    diary_advice,
    export_diary,
    finish_session,
    forget_everything,
    open_database,
    start_session,
)

DAYS = 730  # two years of daily ratings
SESSION_EVERY = 3  # a guided session every third day, with before/after ratings and feedback
ACKED_WRITES = 300
ROUTINE = {"items": [{"technique": t} for t in ("cat-cow", "knee-rolls", "bridge", "bird-dog")]}


def timed(function: Callable[[], object], repeat: int = 7) -> tuple[float, float]:
    """Median and best wall time of ``function`` in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples)


def acked_writes(database: Database) -> float:
    """One rating per transaction, as the CLI and web app write: commits per second."""
    start = time.perf_counter()
    for number in range(ACKED_WRITES):
        with database.session(write=True) as session:
            add_rating(session, number % 11)
    return ACKED_WRITES / (time.perf_counter() - start)


def fill_two_years(database: Database) -> int:
    """730 daily ratings plus a session every third day; returns the number of ratings."""
    start = datetime.now(UTC) - timedelta(days=DAYS)
    count = 0
    with database.session(write=True) as session:
        for day in range(DAYS):
            at = start + timedelta(days=day, hours=8)
            add_rating(session, 3 + (day // 60) % 5, at=at, where="lower back")
            count += 1
            if day % SESSION_EVERY == 0:
                session_at = at + timedelta(hours=10)
                session_id = start_session(session, ROUTINE, started_at=session_at)
                add_rating(session, 5, kind="before", session_id=session_id, at=session_at)
                for item in ROUTINE["items"]:
                    add_feedback(session, session_id, item["technique"], "better",
                                 at=session_at + timedelta(minutes=10))
                add_rating(session, 4, kind="after", session_id=session_id,
                           at=session_at + timedelta(minutes=15))
                finish_session(session, session_id, True,
                               ended_at=session_at + timedelta(minutes=15))
                count += 2
    return count


def run(label: str, url: str, data_dir: Path | None) -> None:
    database = open_database(url)
    try:
        with database.session(write=True) as session:
            forget_everything(session)
        rate = acked_writes(database)
        print(f"[{label}] acknowledged writes (one transaction each): {rate:8.0f} /s "
              f"({1000 / rate:.2f} ms per write)")
        with database.session(write=True) as session:
            forget_everything(session)
        start = time.perf_counter()
        count = fill_two_years(database)
        elapsed = time.perf_counter() - start
        print(f"[{label}] two-year diary in one transaction: {count} ratings, "
              f"{DAYS // SESSION_EVERY + 1} sessions in {elapsed * 1000:.0f} ms")

        def advise() -> object:
            with database.session() as session:
                return diary_advice(session)

        median, best = timed(advise)
        print(f"[{label}] diary_advice on the two-year diary: median {median:.1f} ms, "
              f"best {best:.1f} ms")

        def export() -> object:
            with database.session() as session:
                return export_diary(session)

        median, best = timed(export, repeat=3)
        print(f"[{label}] export_diary (JSON document): median {median:.1f} ms")

        if data_dir is not None:
            env = {**os.environ, "BACKRELIEF_DATA_DIR": str(data_dir)}
            env.pop("BACKRELIEF_DATABASE_URL", None)
            command = [sys.executable, "-m", "backrelief", "advice", "--json"]

            def cli_advice() -> object:
                return subprocess.run(command, env=env, capture_output=True, check=True)

            median, best = timed(cli_advice, repeat=5)
            print(f"[{label}] `backrelief advice --json` whole process: median {median:.0f} ms, "
                  f"best {best:.0f} ms")
    finally:
        database.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        run("sqlite", f"sqlite:///{data_dir / 'backrelief.db'}", data_dir)
    pg_url = os.environ.get("BACKRELIEF_BENCH_DATABASE_URL")
    if pg_url:
        run("postgresql", pg_url, None)
    else:
        print("(set BACKRELIEF_BENCH_DATABASE_URL to also measure PostgreSQL)")


if __name__ == "__main__":
    main()
