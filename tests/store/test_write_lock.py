"""One writer at a time: a process's SQLite writes take the store's lock, not SQLite's back-off."""

from __future__ import annotations

import threading
from pathlib import Path

from backrelief.store import add_rating, count_ratings, open_database


def test_concurrent_writers_in_one_process_are_serialised(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path}/diary.db")
    inside = 0
    most = 0
    guard = threading.Lock()
    errors: list[BaseException] = []

    def writer() -> None:
        nonlocal inside, most
        try:
            for _ in range(5):
                with database.session(write=True) as s:
                    with guard:
                        inside += 1
                        most = max(most, inside)
                    add_rating(s, 3)
                    with guard:
                        inside -= 1
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(16)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert most == 1  # never two write transactions open at once
        with database.session() as s:
            assert count_ratings(s) == 80
    finally:
        database.close()


def test_reads_do_not_wait_for_the_write_lock(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path}/diary.db")
    try:
        with database.session(write=True) as s:
            add_rating(s, 4)
            done = threading.Event()

            def reader() -> None:
                with database.session() as r:
                    assert count_ratings(r) == 0  # WAL: the reader sees the last commit
                done.set()

            thread = threading.Thread(target=reader)
            thread.start()
            thread.join(timeout=30)
            assert done.is_set()
    finally:
        database.close()
