"""Diary benchmarks: reads at 10^2, 10^4 and 10^6 ratings, import memory, concurrent writes.

Prints one table; asserts nothing (DESIGN.md: performance is measured by bench/, never by timed
tests). Every figure is also given as a ratio, because the machine is shared and only ratios
taken in the same run mean anything:

* growth: each read at 10^4 and 10^6 ratings against the same read at 10^2;
* baseline: each read against a trivial one run in the same process and moment (a ``SELECT 1``
  transaction for store reads; a bare FastAPI hello page through the same test client for
  ``/progress``).

The diaries are bulk-generated in one transaction (executemany, not the ORM), then the
per-day totals (``store.rating_days``) in one INSERT ... SELECT: ratings spread evenly over ten
years, plus 100 guided sessions with before/after ratings in the last year (sessions do not grow
with the ratings). The pain cycles 2-7, so every day has a 7: a run of high-pain days ten years
long, the worst case for the advice (issue 15: this stalled the 10^6 stage, each advice reading
every rating). Import memory is each probe's own peak (VmHWM). Runs on a temporary SQLite
file; set BACKRELIEF_BENCH_DATABASE_URL to a PostgreSQL
URL (a database you can spare: it is emptied) to measure that too.

    .venv/bin/python bench/bench_diary.py [--sizes 100,10000,1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import insert, text

from backrelief.store import (
    Database,
    add_rating,
    diary_advice,
    export_diary,
    forget_everything,
    list_ratings,
    open_database,
)
from backrelief.store.diary import daily_means
from backrelief.store.models import PainRating, PracticeSession, TechniqueFeedback
from backrelief.store.rating_days import refresh_days
from backrelief.store.scope import owner_of

SPAN = timedelta(days=3650)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SESSIONS = 100
ITEM = {"technique": "cat-cow", "name": "Cat-cow", "position": "all_fours", "equipment": [],
        "seconds": 120, "variant": None, "rounds": 2, "role": "mobility", "intensity": "gentle",
        "why": "To move."}
ROUTINE = {"version": 1, "items": [ITEM, {**ITEM, "technique": "bridge", "name": "Bridge",
                                          "position": "supine"}],
           "seconds": 240, "excluded": [], "advice": [],
           "profile": {"region": "whole", "equipment": [], "minutes": 5, "conditions": [],
                       "pregnancy_weeks": None, "pain": 4, "gentle_only": False,
                       "no_floor": False}}
BATCH = 20_000


def timed(function: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``function`` in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def fill(database: Database, ratings: int) -> None:
    """``ratings`` daily ratings over ten years and SESSIONS sessions in the last year."""
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - SPAN
    step = SPAN / max(1, ratings)
    with database.session(write=True) as s:
        forget_everything(s)
        user = owner_of(s)
        session_rows = [{"id": n + 1, "user_id": user,
                         "started_at": now - timedelta(days=3 * n + 1),
                         "ended_at": now - timedelta(days=3 * n + 1) + timedelta(minutes=5),
                         "routine": ROUTINE, "completed": True} for n in range(SESSIONS)]
        s.execute(insert(PracticeSession), session_rows)
        around = []
        for row in session_rows:
            around.append({"user_id": user, "rated_at": row["started_at"], "pain": 5, "kind": "before",
                           "session_id": row["id"], "spread": False})
            around.append({"user_id": user, "rated_at": row["ended_at"], "pain": 4, "kind": "after",
                           "session_id": row["id"], "spread": False})
        s.execute(insert(PainRating), around)
        s.execute(insert(TechniqueFeedback), [
            {"session_id": row["id"], "technique_id": "cat-cow", "verdict": "better",
             "recorded_at": row["ended_at"]} for row in session_rows])
        rows: list[dict[str, Any]] = []
        for number in range(max(0, ratings - 2 * SESSIONS)):
            rows.append({"user_id": user, "rated_at": start + step * number, "pain": 2 + number % 6,
                         "kind": "daily", "session_id": None, "spread": False})
            if len(rows) == BATCH:
                s.execute(insert(PainRating), rows)
                rows = []
        if rows:
            s.execute(insert(PainRating), rows)
        # The per-day totals every write keeps (store.rating_days), in one INSERT ... SELECT.
        refresh_days(s, (start - timedelta(days=1)).date(), now.date())
    if database.dialect == "postgresql":
        with database.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def reads(database: Database, size: int) -> dict[str, float]:
    """Median ms of each read, and of the baselines, on the diary as it is."""
    from backrelief.web.app import create_app
    from backrelief.web.config import WebConfig

    repeat = 3 if size >= 10**6 else 7

    def baseline() -> object:
        with database.session() as s:
            return s.execute(text("SELECT 1")).scalar()

    def advice() -> object:
        with database.session() as s:
            return diary_advice(s)

    def history() -> object:  # `backrelief history`: advice with the slope, per-day means
        with database.session() as s:
            return diary_advice(s, slope=True), daily_means(s, since=EPOCH)

    def history_json() -> object:  # `history --json`: advice with the slope, every rating
        with database.session() as s:
            return diary_advice(s, slope=True), list_ratings(s)

    def history_90() -> object:  # `history --days 90`
        with database.session() as s:
            since = datetime.now(UTC) - timedelta(days=90)
            return diary_advice(s, slope=True), list_ratings(s, since=since)

    def export() -> object:
        with database.session() as s:
            return json.dumps(export_diary(s))

    hello = FastAPI()
    hello.get("/")(lambda: {"hello": "world"})
    app = create_app(WebConfig(), database=database)
    with TestClient(app, base_url="http://127.0.0.1") as client, \
            TestClient(hello, base_url="http://127.0.0.1") as bare:
        client.get("/progress")  # warm: templates, catalogue
        figures = {
            "baseline": timed(baseline, 21),
            "hello page": timed(lambda: bare.get("/"), 21),
            "advice": timed(advice, repeat),
            "/progress": timed(lambda: client.get("/progress"), repeat),
            "progress bytes": float(len(client.get("/progress").content)),
            "history --days 90": timed(history_90, repeat),
            "history": timed(history, repeat),
            "history --json": timed(history_json, 1 if size >= 10**6 else 3),
            "export": timed(export, 1 if size >= 10**5 else 3),
        }
    return figures


def write_p99(database: Database, clients: int = 32, writes: int = 10) -> tuple[float, float]:
    """p99 ms of one acknowledged rating write, and of a SELECT 1 read, at ``clients`` threads."""
    def run(work: Callable[[], object]) -> float:
        samples: list[float] = []
        lock = threading.Lock()

        def client() -> None:
            for _ in range(writes):
                start = time.perf_counter()
                work()
                with lock:
                    samples.append((time.perf_counter() - start) * 1000)

        threads = [threading.Thread(target=client) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return statistics.quantiles(samples, n=100)[98]

    def write() -> None:
        with database.session(write=True) as s:
            add_rating(s, 3)

    def read() -> None:
        with database.session() as s:
            s.execute(text("SELECT 1"))

    return run(write), run(read)


# Peak RSS from /proc/self/status VmHWM (kB), the high-water mark of this process's own memory:
# getrusage's ru_maxrss survives exec on Linux, so a probe started by a big parent reported the
# parent's peak (911 MB for a 0.1 MB file).
IMPORT_PROBE = """
import sys
from pathlib import Path
from backrelief.store import open_database
from backrelief.store.transfer import import_export_file
database = open_database(sys.argv[2])
with open(sys.argv[1], "rb") as stream, database.session(write=True) as s:
    import_export_file(s, stream)
status = Path("/proc/self/status").read_text()
print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
"""


def export_file(path: Path, ratings: int) -> int:
    """Write an export with ``ratings`` ratings, streamed; returns its size in bytes."""
    start = datetime(2016, 1, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as out:
        out.write('{"format": "backrelief-diary", "version": 1, "exported_at": "'
                  f'{datetime.now(UTC).isoformat()}", "app_version": "bench", "settings": {{}}, '
                  '"screens": [], "sessions": [], "ratings": [')
        for number in range(ratings):
            at = (start + timedelta(minutes=5 * number)).isoformat()
            out.write(("," if number else "") + json.dumps(
                {"id": number + 1, "at": at, "pain": number % 11, "kind": "daily",
                 "where": "lower back", "session_id": None, "spread": False}))
        out.write('], "feedback": []}')
    return path.stat().st_size


def import_memory(folder: Path) -> list[tuple[int, int, float]]:
    """(ratings, file bytes, peak RSS MB) of a streamed import at two file sizes."""
    results = []
    for ratings in (1_000, 100_000):
        path = folder / f"export-{ratings}.json"
        size = export_file(path, ratings)
        url = f"sqlite:///{folder / f'import-{ratings}.db'}"
        done = subprocess.run([sys.executable, "-c", IMPORT_PROBE, str(path), url],
                              capture_output=True, text=True, check=True)
        results.append((ratings, size, int(done.stdout.split()[-1]) / 1024))
    return results


def report(label: str, url: str, sizes: list[int]) -> None:
    database = open_database(url)
    table: dict[int, dict[str, float]] = {}
    try:
        for size in sizes:
            start = time.perf_counter()
            fill(database, size)
            print(f"[{label}] generated {size:,} ratings in {time.perf_counter() - start:.1f} s",
                  flush=True)
            table[size] = reads(database, size)
        p99_write, p99_read = write_p99(database)
    finally:
        database.close()
    first = table[sizes[0]]
    print(f"\n[{label}] diary reads: median ms (x baseline in the same run; x growth over "
          f"{sizes[0]:,} ratings)")
    names = ["advice", "/progress", "history --days 90", "history", "history --json", "export"]
    print(f"{'ratings':>10} " + " ".join(f"{name:>28}" for name in names))
    for size, figures in table.items():
        cells = []
        for name in names:
            base = figures["hello page"] if name == "/progress" else figures["baseline"]
            cells.append(f"{figures[name]:9.1f} ({figures[name] / base:6.1f}x, "
                         f"{figures[name] / first[name]:6.1f}x)")
        print(f"{size:>10,} " + " ".join(f"{cell:>28}" for cell in cells))
    largest = table[sizes[-1]]
    print(f"[{label}] goal: /progress and advice under 50 ms at {sizes[-1]:,} ratings: "
          f"/progress {largest['/progress']:.1f} ms, advice {largest['advice']:.1f} ms; "
          f"/progress sends {largest['progress bytes'] / 1024:.0f} KB")
    print(f"[{label}] baselines: SELECT 1 transaction {first['baseline']:.2f} ms, hello page "
          f"{first['hello page']:.2f} ms")
    print(f"[{label}] 32 threads, store level: write p99 {p99_write:.1f} ms, SELECT 1 read p99 "
          f"{p99_read:.1f} ms ({p99_write / p99_read:.1f}x; goal for the web write: <= 10x "
          "hello's p99)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,10000,1000000")
    sizes = [int(size) for size in parser.parse_args().sizes.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        report("sqlite", f"sqlite:///{Path(folder) / 'backrelief.db'}", sizes)
        memory = import_memory(Path(folder))
    (small, small_bytes, small_mb), (big, big_bytes, big_mb) = memory
    print(f"[import] peak RSS {small_mb:.0f} MB for {small:,} ratings ({small_bytes / 1e6:.1f} MB "
          f"file), {big_mb:.0f} MB for {big:,} ({big_bytes / 1e6:.1f} MB): "
          f"{big_mb / small_mb:.2f}x memory for {big_bytes / small_bytes:.0f}x the file "
          "(goal: flat)")
    pg_url = os.environ.get("BACKRELIEF_BENCH_DATABASE_URL")
    if pg_url:
        report("postgresql", pg_url, sizes)
    else:
        print("(set BACKRELIEF_BENCH_DATABASE_URL to also measure PostgreSQL)")


if __name__ == "__main__":
    main()
