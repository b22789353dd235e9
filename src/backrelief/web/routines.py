"""A planned routine kept in the diary, and back.

The store keeps a session's routine as the planner's JSON (``Routine.to_json()``) plus the
profile it was planned for. Playing it again needs the :class:`~backrelief.core.planner.Routine`
itself, so :func:`routine_from_json` rebuilds one from exactly the fields ``to_json`` wrote;
``core.timeline.build_timeline`` then re-checks every item's seconds against the catalogue, so a
routine that no longer fits the shipped catalogue is refused rather than played wrong.
"""

from __future__ import annotations

from typing import Any

from backrelief.core.catalog import Catalog
from backrelief.core.planner import Exclusion, Profile, Routine, RoutineItem
from backrelief.core.timeline import Cue, build_timeline


class StoredRoutineError(ValueError):
    """A stored routine cannot be rebuilt or no longer matches the catalogue."""


def routine_document(routine: Routine, profile: Profile) -> dict[str, Any]:
    """What the web app stores for a session: the plan, plus the profile it was made for."""
    return {
        **routine.to_json(),
        "profile": {
            "region": profile.region,
            "equipment": sorted(profile.equipment),
            "minutes": profile.minutes,
            "conditions": sorted(profile.conditions),
            "pregnancy_weeks": profile.pregnancy_weeks,
            "pain": profile.pain,
            "gentle_only": profile.gentle_only,
            "no_floor": profile.no_floor,
        },
    }


def routine_from_json(data: Any) -> Routine:
    """Rebuild a :class:`Routine` from its stored JSON (StoredRoutineError if it is damaged)."""
    try:
        items = tuple(
            RoutineItem(
                technique=str(item["technique"]),
                name=str(item["name"]),
                role=item["role"],
                position=item["position"],
                equipment=tuple(item["equipment"]),
                intensity=item["intensity"],
                variant=item["variant"],
                rounds=int(item["rounds"]),
                seconds=int(item["seconds"]),
                why=str(item["why"]),
            )
            for item in data["items"]
        )
        excluded = tuple(
            Exclusion(str(entry["technique"]), tuple(str(r) for r in entry["reasons"]))
            for entry in data.get("excluded", [])
        )
        advice = tuple(str(text) for text in data.get("advice", []))
        return Routine(items, int(data["seconds"]), excluded, advice)
    except (KeyError, TypeError, ValueError) as exc:
        raise StoredRoutineError(f"the stored routine is damaged: {exc}") from None


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
    routine = routine_from_json(data)
    try:
        return build_timeline(routine, catalog)
    except (KeyError, ValueError) as exc:
        raise StoredRoutineError(str(exc)) from None
