"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A private data directory, so no test touches the user's real diary."""
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def run_cli(data_dir: Path) -> RunCli:
    """Run the real `backrelief` CLI in a subprocess, with its own data directory."""

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "BACKRELIEF_DATA_DIR": str(data_dir), "NO_COLOR": "1",
                    "COLUMNS": "120"}
        full_env.pop("BACKRELIEF_DATABASE_URL", None)
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "backrelief", *args],
            input=input, capture_output=True, text=True, env=full_env, timeout=timeout,
        )

    return run
