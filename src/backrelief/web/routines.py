"""A stored session's routine, back as the timeline the browser player plays.

The document itself is :mod:`backrelief.journey.document` (one for both shells);
``core.timeline.build_timeline`` then re-checks every item's seconds against the catalogue, so a
routine that no longer fits the shipped catalogue is refused rather than played wrong.
"""

from __future__ import annotations

from typing import Any

from backrelief.core.catalog import Catalog
from backrelief.core.planner import Exclusion
from backrelief.core.timeline import Cue, build_timeline
from backrelief.journey.document import DocumentError, read_routine


class StoredRoutineError(ValueError):
    """A stored routine cannot be rebuilt or no longer matches the catalogue."""


def left_out(data: Any, catalog: Catalog) -> list[tuple[str, str]]:
    """A stored routine's exclusions as (technique name, reasons in words), as the terminal
    shows them (core's :meth:`Exclusion.describe`)."""
    entries = data.get("excluded", []) if isinstance(data, dict) else []
    return [
        Exclusion(str(entry["technique"]), tuple(str(r) for r in entry.get("reasons", []))
                  ).describe(catalog)
        for entry in entries
        if isinstance(entry, dict) and "technique" in entry
    ]


def stored_timeline(data: Any, catalog: Catalog) -> list[Cue]:
    """The timeline of a stored routine (StoredRoutineError if it no longer fits the catalogue)."""
    try:
        routine = read_routine(data)
        return build_timeline(routine, catalog)
    except DocumentError as exc:
        raise StoredRoutineError(str(exc)) from None
    except (KeyError, ValueError) as exc:
        raise StoredRoutineError(str(exc)) from None
