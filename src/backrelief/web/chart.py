"""The pain trend as an accessible SVG chart, drawn on the server (no chart library, no script).

The chart is an ``<svg role="img">`` with a title and a description that says in words what the
lines show; the page puts the same numbers in a table beside it, so nothing depends on seeing
the picture. Resting ratings (daily and before a session) and after-session ratings are two
lines; the after line is dashed-free and the before line dashed so they differ without colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 16, 40


@dataclass(frozen=True)
class ChartPoint:
    """One rating to plot: when (aware), how much pain (0-10), and its kind."""

    at: datetime
    pain: int
    kind: str


def _local(at: datetime) -> datetime:
    return at.astimezone()  # the server is the user's own computer: its zone is theirs


def _x(at: datetime, start: datetime, end: datetime) -> float:
    span = (end - start).total_seconds()
    inner = WIDTH - LEFT - RIGHT
    if span <= 0:
        return LEFT + inner / 2
    return LEFT + inner * (at - start).total_seconds() / span


def _y(pain: int) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (10 - pain) / 10


def _series(points: Sequence[ChartPoint], start: datetime, end: datetime, css: str) -> list[str]:
    if not points:
        return []
    coords = [(_x(p.at, start, end), _y(p.pain)) for p in points]
    out = []
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        out.append(f'<polyline class="{css}" points="{path}"/>')
    for (x, y), point in zip(coords, points, strict=True):
        when = _local(point.at).strftime("%d %b %H:%M")
        out.append(
            f'<circle class="dot-{css}" cx="{x:.1f}" cy="{y:.1f}" r="5">'
            f"<title>{escape(when)}: {point.pain}/10</title></circle>"
        )
    return out


def pain_chart(points: Sequence[ChartPoint], description: str) -> Markup:
    """The SVG chart of ``points`` (oldest first); ``description`` is read by screen readers."""
    ordered = sorted(points, key=lambda p: p.at)
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title chart-desc"'
        ' focusable="false">',
        '<title id="chart-title">Pain over time (0 = no pain, 10 = worst)</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
    ]
    for level in range(0, 11, 2):
        y = _y(level)
        parts.append(f'<line class="grid-line" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" '
                     f'y2="{y:.1f}"/>')
        parts.append(f'<text class="tick" x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">'
                     f"{level}</text>")
    parts.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_y(0):.1f}" '
                 f'y2="{_y(0):.1f}"/>')
    if ordered:
        start, end = ordered[0].at, ordered[-1].at
        labels = [(start, "start")] if start == end else [(start, "start"), (end, "end")]
        for at, anchor in labels:
            x = _x(at, start, end)
            align = "middle" if start == end else anchor
            parts.append(f'<text class="tick" x="{x:.1f}" y="{HEIGHT - 12}" text-anchor="{align}">'
                         f"{escape(_local(at).strftime('%d %b'))}</text>")
        resting = [p for p in ordered if p.kind != "after"]
        after = [p for p in ordered if p.kind == "after"]
        parts += _series(resting, start, end, "before")
        parts += _series(after, start, end, "after")
    else:
        parts.append(f'<text class="tick" x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">'
                     "No ratings yet</text>")
    parts.append("</svg>")
    return Markup("".join(parts))  # every value above is a number or escaped
