"""The one document a session stores: the routine as planned and the profile it was planned for.

Both shells write it with :func:`session_document` and read it with :func:`read_document`, so a
session started in the terminal shows its conditions in the browser and the other way round.
The routine's fields stay at the top level (``items``, ``seconds``, ``excluded``, ``advice``: the
``plan --json`` shape) so a reader that only wants the items needs nothing from here; ``profile``
and ``version`` sit beside them. Migration 0003 converts the rows written before this existed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from backrelief.core.planner import Exclusion, Profile, ProfileError, Routine, RoutineItem

DOCUMENT_VERSION = 1


class DocumentError(ValueError):
    """A stored session document cannot be read back."""


@dataclass(frozen=True)
class SessionDocument:
    """A session's routine and the profile it was planned for."""

    routine: Routine
    profile: Profile

    def to_json(self) -> dict[str, Any]:
        """The JSON stored in the session's ``routine`` column."""
        return {
            "version": DOCUMENT_VERSION,
            **self.routine.to_json(),
            "profile": profile_json(self.profile),
        }


def profile_json(profile: Profile) -> dict[str, Any]:
    """A profile as stored (lists sorted, so equal profiles store equal JSON)."""
    return {
        "region": profile.region,
        "equipment": sorted(profile.equipment),
        "minutes": profile.minutes,
        "conditions": sorted(profile.conditions),
        "pregnancy_weeks": profile.pregnancy_weeks,
        "pain": profile.pain,
        "gentle_only": profile.gentle_only,
        "no_floor": profile.no_floor,
    }


def session_document(routine: Routine, profile: Profile) -> dict[str, Any]:
    """What either shell stores for a session."""
    return SessionDocument(routine, profile).to_json()


def _profile(data: Any) -> Profile:
    if not isinstance(data, Mapping):
        raise DocumentError("the stored session has no profile")
    try:
        return Profile(
            region=data["region"],
            equipment=frozenset(data["equipment"]),
            minutes=int(data["minutes"]),
            conditions=frozenset(data["conditions"]),
            pregnancy_weeks=data.get("pregnancy_weeks"),
            pain=data.get("pain"),
            gentle_only=bool(data.get("gentle_only", False)),
            no_floor=bool(data.get("no_floor", False)),
        )
    except (KeyError, TypeError, ValueError, ProfileError) as exc:
        raise DocumentError(f"the stored profile is damaged: {exc}") from None


def _routine(data: Mapping[str, Any]) -> Routine:
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
                hold=int(item.get("hold", 0)),  # absent before programmes lengthened holds
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
        raise DocumentError(f"the stored routine is damaged: {exc}") from None


def read_routine(data: Any) -> Routine:
    """Only the routine of a stored session: all a player needs, also from an imported row
    written before the document had a profile."""
    if not isinstance(data, Mapping):
        raise DocumentError("the stored session is not a routine document")
    return _routine(data)


def read_document(data: Any) -> SessionDocument:
    """The typed document from a stored session (DocumentError if it is damaged)."""
    if not isinstance(data, Mapping):
        raise DocumentError("the stored session is not a routine document")
    return SessionDocument(_routine(data), _profile(data.get("profile")))


def document_conditions(data: Any) -> list[str]:
    """The conditions a stored session was planned for (empty when the document is damaged)."""
    try:
        return sorted(read_document(data).profile.conditions)
    except DocumentError:
        return []
