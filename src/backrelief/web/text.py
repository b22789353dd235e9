"""Small pure helpers that turn core's plain-text advice into display blocks."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Block:
    """A paragraph (``items`` empty) or a bulleted list (``text`` empty)."""

    text: str = ""
    items: list[str] = field(default_factory=list)


def blocks(advice: str | None) -> list[Block]:
    """Split advice into paragraphs at newlines; runs of ``- item`` lines become one list."""
    out: list[Block] = []
    for line in (advice or "").split("\n"):
        line = line.strip()
        if not line:
            continue
        if line.startswith("- "):
            if out and out[-1].items:
                out[-1].items.append(line[2:])
            else:
                out.append(Block(items=[line[2:]]))
        else:
            out.append(Block(text=line))
    return out
