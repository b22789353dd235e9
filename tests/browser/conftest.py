"""Browser fixtures: Debian's Chromium, driven by Playwright, against a real `backrelief serve`.

Like Datasette's own browser tests, nothing is mocked on the server side: each test gets a fresh
``backrelief serve`` subprocess on a free loopback port with a private data directory, and a real
Chromium talks to it over HTTP. The player runs ``TIME_SCALE`` times faster through
``BACKRELIEF_TEST_TIME_SCALE``, a server setting normal users never set.

Chromium and the one Playwright per process come from ``tests/conftest.py`` (``browser``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

TIME_SCALE = 30
PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 800}


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    """A running `backrelief serve` subprocess."""

    url: str
    data_dir: Path
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)


def start_server(data_dir: Path, scale: float = TIME_SCALE) -> Server:
    """Start `backrelief serve` on a free port and wait until /healthz answers."""
    port = free_port()
    env = {**os.environ, "BACKRELIEF_DATA_DIR": str(data_dir),
           "BACKRELIEF_TEST_TIME_SCALE": str(scale)}
    env.pop("BACKRELIEF_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "backrelief", "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise RuntimeError(f"backrelief serve exited with {process.returncode}: {output}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError("backrelief serve did not answer /healthz within 30 s")
    return Server(url=url, data_dir=data_dir, process=process)


def stop_server(server: Server) -> str:
    """Stop the subprocess and return what it printed."""
    server.process.terminate()
    try:
        output, _ = server.process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        output, _ = server.process.communicate()
    return output or ""


@pytest.fixture
def server(tmp_path: Path, chromium_path: str) -> Iterator[Server]:
    """A fresh server with its own empty diary."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    running = start_server(data_dir)
    yield running
    output = stop_server(running)
    assert "Traceback" not in output, output


@dataclass
class PageErrors:
    """Console errors and uncaught exceptions seen by a page (CSP violations show up here)."""

    messages: list[str] = field(default_factory=list)


def new_page(browser: Any, viewport: dict[str, int] = PHONE, **options: Any) -> tuple[Any, Any, PageErrors]:
    """A fresh context and page that records console errors."""
    context = browser.new_context(viewport=viewport, **options)
    context.set_default_timeout(30_000)  # generous: CI runs other tests beside these
    page = context.new_page()
    errors = PageErrors()
    page.on("console", lambda m: errors.messages.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.messages.append(str(exc)))
    return context, page, errors


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A phone-sized page; fails the test on any console error (a CSP violation included)."""
    context, opened, errors = new_page(browser)
    yield opened
    context.close()
    assert errors.messages == [], errors.messages
