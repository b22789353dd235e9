"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

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


# One Chromium per test process, for every folder that needs one (tests/browser, tests/figures):
# Playwright's sync API cannot run two instances in one process, so nobody starts their own.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _unavailable(reason: str) -> NoReturn:
    if _on_ci():
        pytest.fail(f"{reason} (CI=true: the browser tests are mandatory)", pytrace=False)
    pytest.skip(f"{reason}; install Debian's chromium or set BACKRELIEF_CHROMIUM")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The Chromium executable, checked once per run."""
    candidate = os.environ.get("BACKRELIEF_CHROMIUM", "").strip() or "/usr/bin/chromium"
    path = shutil.which(candidate) or (candidate if Path(candidate).is_file() else None)
    if path is None:
        _unavailable(f"Chromium not found at {candidate}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright Python package is not installed")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    """One Chromium for the whole run (each test gets its own context)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
