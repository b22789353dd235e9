"""The pain trend as an accessible SVG chart, drawn on the server (no chart library, no script).

The chart is an ``<svg role="img">`` with a title and a description that says in words what the
lines show; the page puts the same numbers in a table beside it, so nothing depends on seeing
the picture. Resting ratings (daily and before a session) and after-session ratings are two
lines; the before line is dashed and the after line solid so they differ without colour.

Text stays readable on a phone (issue 12): the SVG has no ``viewBox``, so it is never scaled
down as a whole. Horizontal positions are percentages of the chart's width and vertical ones
pixels, so the plot stretches to any width while labels keep their CSS size (at least 12 px).
The dates on the x axis are few; the in-between ones carry ``minor`` and the stylesheet hides
them on narrow screens.

The shaded band is :func:`backrelief.core.progress.meaningful_band` around the first rating,
and the thick line the recent level the trend's words are about: inside the band the page
says "no meaningful change", below it "improving", above it "getting worse".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from itertools import pairwise

from markupsafe import Markup

HEIGHT = 280
TOP, BOTTOM = 14, 40  # px: room above 10 and for the dates below 0
LEFT, RIGHT = 9.0, 3.0  # percent of the width: room for the 0-10 labels, and a margin
X_TICKS = 5  # dates on a wide chart; the middle one and the ends stay on a narrow one
MANY_POINTS = 60  # above this, smaller dots so a long diary stays legible


@dataclass(frozen=True)
class ChartPoint:
    """One rating to plot: when (aware), how much pain (0-10), and its kind; or, for a long
    diary, one day's mean of ``count`` ratings (``store.diary.daily_means``)."""

    at: datetime
    pain: float
    kind: str
    count: int = 1


@dataclass(frozen=True)
class ChartGuide:
    """What the words about the trend rest on: the first rating and its "no meaningful change"
    band, the recent level (since ``recent_from``) and, after a flare-up, the best level."""

    first: float
    low: float
    high: float
    current: float | None = None
    recent_from: datetime | None = None
    best: float | None = None


def _local(at: datetime) -> datetime:
    return at.astimezone()  # the server is the user's own computer: its zone is theirs


def _x(at: datetime, start: datetime, end: datetime) -> float:
    """Percent of the width."""
    span = (end - start).total_seconds()
    inner = 100 - LEFT - RIGHT
    if span <= 0:
        return LEFT + inner / 2
    return LEFT + inner * (at - start).total_seconds() / span


def _y(pain: float) -> float:
    pain = min(10.0, max(0.0, pain))
    return TOP + (HEIGHT - TOP - BOTTOM) * (10 - pain) / 10


def _series(points: Sequence[ChartPoint], start: datetime, end: datetime, css: str,
            radius: int) -> list[str]:
    if not points:
        return []
    coords = [(_x(p.at, start, end), _y(p.pain)) for p in points]
    out = [
        f'<line class="{css}" x1="{x1:.2f}%" y1="{y1:.1f}" x2="{x2:.2f}%" y2="{y2:.1f}"/>'
        for (x1, y1), (x2, y2) in pairwise(coords)
    ]
    for (x, y), point in zip(coords, points, strict=True):
        if point.count == 1:
            label = f"{_local(point.at).strftime('%d %b %H:%M')}: {point.pain:g}/10"
        else:
            label = (f"{point.at.strftime('%d %b')}: mean {point.pain:.1f}/10 of "
                     f"{point.count} ratings")
        out.append(
            f'<circle class="dot-{css}" cx="{x:.2f}%" cy="{y:.1f}" r="{radius}">'
            f"<title>{escape(label)}</title></circle>"
        )
    return out


def _x_ticks(start: datetime, end: datetime) -> list[str]:
    if start == end:
        x = _x(start, start, end)
        return [f'<text class="tick" x="{x:.2f}%" y="{HEIGHT - 14}" text-anchor="middle">'
                f"{escape(_local(start).strftime('%d %b'))}</text>"]
    out = []
    seen: set[str] = set()
    for index in range(X_TICKS):
        at = start + (end - start) * index / (X_TICKS - 1)
        label = _local(at).strftime("%d %b")
        if label in seen:
            continue  # a short diary: the same day twice
        seen.add(label)
        anchor = "start" if index == 0 else "end" if index == X_TICKS - 1 else "middle"
        minor = index not in (0, X_TICKS // 2, X_TICKS - 1)
        css = "tick minor" if minor else "tick"
        out.append(f'<text class="{css}" x="{_x(at, start, end):.2f}%" y="{HEIGHT - 14}" '
                   f'text-anchor="{anchor}">{escape(label)}</text>')
    return out


def _band(guide: ChartGuide) -> list[str]:
    top, bottom = _y(guide.high), _y(guide.low)
    inner = 100 - LEFT - RIGHT
    return [
        f'<rect class="band" x="{LEFT}%" width="{inner}%" y="{top:.1f}" '
        f'height="{bottom - top:.1f}"/>',
        f'<line class="baseline" x1="{LEFT}%" x2="{100 - RIGHT}%" y1="{_y(guide.first):.1f}" '
        f'y2="{_y(guide.first):.1f}"/>',
    ]


def _levels(guide: ChartGuide, start: datetime, end: datetime) -> list[str]:
    out: list[str] = []
    if guide.best is not None:
        out.append(f'<line class="best" x1="{LEFT}%" x2="{100 - RIGHT}%" '
                   f'y1="{_y(guide.best):.1f}" y2="{_y(guide.best):.1f}"/>')
    if guide.current is not None and guide.recent_from is not None:
        x1 = _x(guide.recent_from, start, end)
        x2 = _x(end, start, end)
        if x2 - x1 < 5:  # a day or two: still a visible mark
            x1 = max(LEFT, x2 - 5)
        y = _y(guide.current)
        out.append(f'<line class="recent" x1="{x1:.2f}%" x2="{x2:.2f}%" y1="{y:.1f}" '
                   f'y2="{y:.1f}"><title>Recent level: {guide.current:g}/10</title></line>')
    return out


def pain_chart(points: Sequence[ChartPoint], description: str,
               guide: ChartGuide | None = None) -> Markup:
    """The SVG chart of ``points`` (oldest first); ``description`` is read by screen readers."""
    ordered = sorted(points, key=lambda p: p.at)
    css = "pain-chart many" if len(ordered) > MANY_POINTS else "pain-chart"
    parts = [
        f'<svg class="{css}" width="100%" height="{HEIGHT}" role="img" '
        'aria-labelledby="chart-title chart-desc" focusable="false">',
        '<title id="chart-title">Pain over time (0 = no pain, 10 = worst)</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
    ]
    if ordered and guide is not None:
        parts += _band(guide)
    for level in range(0, 11, 2):
        y = _y(level)
        parts.append(f'<line class="grid-line" x1="{LEFT}%" x2="{100 - RIGHT}%" y1="{y:.1f}" '
                     f'y2="{y:.1f}"/>')
        parts.append(f'<text class="tick" x="{LEFT - 1.5}%" y="{y + 5:.1f}" text-anchor="end">'
                     f"{level}</text>")
    parts.append(f'<line class="axis" x1="{LEFT}%" x2="{100 - RIGHT}%" y1="{_y(0):.1f}" '
                 f'y2="{_y(0):.1f}"/>')
    if ordered:
        start, end = ordered[0].at, ordered[-1].at
        parts += _x_ticks(start, end)
        radius = 3 if len(ordered) > MANY_POINTS else 5
        resting = [p for p in ordered if p.kind != "after"]
        after = [p for p in ordered if p.kind == "after"]
        parts += _series(resting, start, end, "before", radius)
        parts += _series(after, start, end, "after", radius)
        if guide is not None:
            parts += _levels(guide, start, end)  # on top: the recent level is what is read
    else:
        parts.append(f'<text class="tick" x="50%" y="{HEIGHT / 2}" text-anchor="middle">'
                     "No ratings yet</text>")
    parts.append("</svg>")
    return Markup("".join(parts))  # every value above is a number or escaped
