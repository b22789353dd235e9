"""Faults outside the user's input get one clear line, never a traceback or a hang (issue 15).

A read-only diary, a PostgreSQL server that accepts the connection and never answers (with no
``connect_timeout`` in the URL), an in-memory SQLite URL (writes acknowledged, then lost), a
``--host`` with spaces, and an unknown migration revision.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import RunCli


@pytest.fixture
def read_only_url(run_cli: RunCli, data_dir: Path, tmp_path: Path) -> str:
    """A diary with one rating, opened read-only (SQLite's ``mode=ro``: the test may run as
    root, for whom file permissions do not stop a write)."""
    assert run_cli("diary", "add", "--pain", "3").returncode == 0
    # Something to merge that the diary does not hold yet: another diary's rating.
    other = {"BACKRELIEF_DATA_DIR": str(tmp_path / "other")}
    assert run_cli("diary", "add", "--pain", "4", env=other).returncode == 0
    export = run_cli("export", "--out", str(tmp_path / "export.json"), env=other)
    assert export.returncode == 0, export.stderr
    return f"sqlite:///file:{data_dir / 'backrelief.db'}?mode=ro&uri=true"


@pytest.mark.parametrize("command", [
    ("diary", "add", "--pain", "4"),
    ("import", "--merge", "{export}"),
    ("forget", "--yes"),
])
def test_a_read_only_diary_gives_one_line(run_cli: RunCli, read_only_url: str, tmp_path: Path,
                                          command: tuple[str, ...]) -> None:
    args = [part.format(export=tmp_path / "export.json") for part in command]
    result = run_cli(*args, env={"BACKRELIEF_DATABASE_URL": read_only_url})
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("backrelief: error: database:")
    assert "readonly" in lines[0] or "read-only" in lines[0]
    assert "INSERT" not in lines[0] and "DELETE" not in lines[0]  # no SQL, no health data
    listed = run_cli("diary", "--json", env={"BACKRELIEF_DATABASE_URL": read_only_url})
    assert listed.returncode == 0 and '"pain": 3' in listed.stdout  # nothing lost or added
    assert '"pain": 4' not in listed.stdout


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(timeout=5)
    for connection in held:
        connection.close()
    listener.close()


def test_a_postgresql_server_that_never_answers(run_cli: RunCli, silent_server: int) -> None:
    """No ``connect_timeout`` in the URL: the default one must end the wait, clearly."""
    url = f"postgresql://postgres@127.0.0.1:{silent_server}/test"
    began = time.monotonic()
    result = run_cli("diary", "--json", env={"BACKRELIEF_DATABASE_URL": url}, timeout=90)
    waited = time.monotonic() - began
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("backrelief: error: database: cannot open")
    assert "timeout" in result.stderr.lower(), result.stderr
    assert waited < 90  # ended by the timeout, not by the test's own limit


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:",
                                 "sqlite:///file:x?mode=memory&uri=true"])
def test_an_in_memory_database_is_refused(run_cli: RunCli, url: str) -> None:
    """It acknowledged writes and lost them when the command ended."""
    result = run_cli("diary", "add", "--pain", "4", env={"BACKRELIEF_DATABASE_URL": url})
    assert result.returncode == 2
    assert result.stderr.startswith("backrelief: error: BACKRELIEF_DATABASE_URL:")
    assert "Recorded" not in result.stdout


def test_serve_trims_the_host(data_dir: Path) -> None:
    """``--host " localhost "`` said the port was in use."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "BACKRELIEF_DATA_DIR": str(data_dir)}
    env.pop("BACKRELIEF_DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "backrelief", "serve", "--host", " localhost ", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert f"running at http://localhost:{port}/" in line, line if line else server.stderr.read()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_refuses_an_empty_host(run_cli: RunCli) -> None:
    result = run_cli("serve", "--host", "  ")
    assert result.returncode == 2
    assert result.stderr.startswith("backrelief: error: --host:")


def test_migrating_to_an_unknown_revision(data_dir: Path) -> None:
    env = {**os.environ, "BACKRELIEF_DATA_DIR": str(data_dir)}
    env.pop("BACKRELIEF_DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-m", "backrelief.store.migrate", "upgrade", "9999"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "9999" in result.stderr
