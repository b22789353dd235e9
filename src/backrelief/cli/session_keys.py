"""Single key presses from the terminal, for the session player (cbreak mode)."""

from __future__ import annotations

import os
import select
import sys
from typing import Any

_SEQUENCES = {"\x1b[C": "right", "\x1b[D": "left", "\x1b": "escape", " ": "space",
              "\r": "enter", "\n": "enter"}


class KeyReader:
    """Single key presses from the terminal (cbreak mode); nothing when stdin is not a terminal."""

    def __init__(self) -> None:
        self._fd: int | None = None
        self._saved: Any = None

    def __enter__(self) -> KeyReader:
        if sys.stdin.isatty():
            import termios
            import tty

            self._fd = sys.stdin.fileno()
            self._saved = termios.tcgetattr(self._fd)
            tty.setcbreak(self._fd)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            import termios

            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)

    def read(self, timeout: float) -> list[str]:
        """Keys pressed within ``timeout`` seconds (waits at most that long)."""
        timeout = max(0.0, min(timeout, 1.0))
        if self._fd is None:
            import time

            time.sleep(timeout)
            return []
        ready, _, _ = select.select([self._fd], [], [], timeout)
        if not ready:
            return []
        data = os.read(self._fd, 64).decode("utf-8", "ignore")
        keys: list[str] = []
        while data:
            for sequence, name in _SEQUENCES.items():
                if len(sequence) > 1 and data.startswith(sequence):
                    keys.append(name)
                    data = data[len(sequence):]
                    break
            else:
                keys.append(_SEQUENCES.get(data[0], data[0].lower()))
                data = data[1:]
        return keys
