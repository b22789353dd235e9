"""The one table `make bench` prints: what was measured, the goal, and the figure beside it.

Every bench script that can report against a goal has a ``rows()`` function returning
:class:`Row` tuples; bench/run.py collects them all. Figures are ratios to a baseline measured in
the same run, interleaved (the machine may be shared, so bare times mean little).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from typing import NamedTuple


class Row(NamedTuple):
    """One line of the table: ``what`` was measured, the ``goal``, and the ``measured`` figure."""

    what: str
    goal: str
    measured: str


def at_most(what: str, value: float, limit: float, unit: str = "x", detail: str = "") -> Row:
    """A row whose figure should stay at or below ``limit`` (a slowdown ratio)."""
    verdict = "ok" if value <= limit else "MISSED"
    extra = f" ({detail})" if detail else ""
    return Row(what, f"<= {limit:g}{unit}", f"{value:.2f}{unit} {verdict}{extra}")


def at_least(what: str, value: float, limit: float, unit: str = "%", detail: str = "") -> Row:
    """A row whose figure should stay at or above ``limit`` (a throughput share)."""
    verdict = "ok" if value >= limit else "MISSED"
    extra = f" ({detail})" if detail else ""
    return Row(what, f">= {limit:g}{unit}", f"{value:.0f}{unit} {verdict}{extra}")


def interleaved(runs: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """Median seconds of each run, taking one of each in turn ``rounds`` times (so a busy moment
    on a shared machine hits every run alike)."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            times[name].append(run())
    return {name: statistics.median(values) for name, values in times.items()}


def render(rows: Iterable[Row]) -> str:
    """The rows as a Markdown table (pasteable into an issue note)."""
    lines = [Row("what", "goal", "measured"), *rows]
    widths = [max(len(row[column]) for row in lines) for column in range(3)]
    out = []
    for index, row in enumerate(lines):
        out.append("| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths,
                                                                           strict=True)) + " |")
        if index == 0:
            out.append("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(out)
