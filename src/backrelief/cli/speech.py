"""Spoken cues through espeak-ng, in a background thread that never delays the player's timer.

``say()`` only puts text on a queue and returns at once. One worker thread speaks the queue in
order through an ``espeak-ng`` child process. When speech falls behind (a long instruction, then a
3-2-1 countdown), lines that waited longer than ``STALE_AFTER`` seconds are dropped rather than
spoken late: a late "three" is worse than none. Without espeak-ng, :func:`make_speaker` returns a
silent speaker and says why once.
"""

from __future__ import annotations

import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from typing import Protocol

STALE_AFTER = 2.5  # seconds a line may wait before it is dropped as out of date
WORDS_PER_MINUTE = 150  # calm, clear speech


class Speaker(Protocol):
    """Anything that can speak a line without blocking."""

    def say(self, text: str) -> None: ...

    def close(self) -> None: ...


class SilentSpeaker:
    """Speaks nothing (``--no-voice``, or espeak-ng is not installed)."""

    def say(self, text: str) -> None:
        """Ignore the line."""

    def close(self) -> None:
        """Nothing to stop."""


class EspeakSpeaker:
    """Speaks lines through espeak-ng in a daemon thread; ``say`` never blocks."""

    def __init__(self, program: str, voice: str = "en-gb") -> None:
        self._program = program
        self._voice = voice
        self._lines: queue.Queue[tuple[float, str] | None] = queue.Queue()
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="backrelief-speech", daemon=True)
        self._thread.start()

    def say(self, text: str) -> None:
        """Queue a line to speak."""
        if text.strip():
            self._lines.put((time.monotonic(), text))

    def close(self) -> None:
        """Stop speaking (the current line too) and end the worker."""
        while True:  # drop what is still waiting
            try:
                self._lines.get_nowait()
            except queue.Empty:
                break
        self._lines.put(None)
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                self._process.terminate()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        while True:
            item = self._lines.get()
            if item is None:
                return
            queued_at, text = item
            if time.monotonic() - queued_at > STALE_AFTER:
                continue
            try:
                with self._lock:
                    self._process = subprocess.Popen(
                        [self._program, "-v", self._voice, "-s", str(WORDS_PER_MINUTE), "--", text],
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                self._process.wait()
            except OSError:
                return  # the program vanished or cannot run: go quiet rather than crash


def find_espeak() -> str | None:
    """The path of espeak-ng, or None when it is not installed."""
    return shutil.which("espeak-ng")


def make_speaker(voice: bool, notify: Callable[[str], None] | None = None) -> Speaker:
    """A speaker for ``--voice``/``--no-voice``; tells ``notify`` once when espeak-ng is missing."""
    if not voice:
        return SilentSpeaker()
    program = find_espeak()
    if program is None:
        if notify is not None:
            notify("Voice cues need espeak-ng, which is not installed: this session runs silently.")
        return SilentSpeaker()
    return EspeakSpeaker(program)

