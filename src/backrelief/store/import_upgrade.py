"""Sessions exported before the one session document (revision 0003), upgraded on import.

Milestone 1's terminal stored a session's routine bare: the ``plan --json`` routine without
``profile`` and ``version`` (``{items, seconds, excluded, advice}``), and sometimes only the list
of its items. Its exports carry them so. Issue 15: import refused the list and stored the bare
routine as it came, which the pages then cannot read as a document. Import now writes what the
store writes today: :func:`backrelief.journey.document.session_document` of the routine (read
with ``read_routine``) and a profile rebuilt from what the routine says, best effort as
migration 0003 does for such rows: the conditions named by its exclusions (the planner writes
``"<condition id>: ..."``), the equipment its items use, its minutes from its length. The
region was never recorded, so it reads as "whole"; the pain before is left unknown (the file's
ratings come after its sessions). The profile is marked ``"migrated": true``, as 0003's are.
"""

from __future__ import annotations

from typing import Any, cast

from backrelief.core.planner import Profile
from backrelief.core.vocabulary import (
    CONDITION_IDS,
    EQUIPMENT,
    MAX_MINUTES,
    MIN_MINUTES,
    ConditionId,
)
from backrelief.journey.document import read_routine, session_document


def is_bare(routine: Any) -> bool:
    """True for a routine written before the session document: a list of items, or a routine
    object without a ``profile``."""
    return isinstance(routine, list) or (
        isinstance(routine, dict) and routine.get("profile") is None)


def as_routine(routine: Any) -> Any:
    """A bare list of items as the routine object it stood for; anything else unchanged (an
    empty list was never a routine: it is left for the model to refuse)."""
    if not isinstance(routine, list) or not routine:
        return routine
    seconds = sum(item["seconds"] for item in routine
                  if isinstance(item, dict) and type(item.get("seconds")) is int)
    return {"items": routine, "seconds": seconds, "excluded": [], "advice": []}


def upgraded_document(routine: dict[str, Any]) -> dict[str, Any]:
    """Today's session document for a bare routine object (already validated as one)."""
    named = {str(reason).split(":", 1)[0]
             for entry in routine.get("excluded", []) for reason in entry.get("reasons", [])}
    # Only known ids are kept, and Profile checks them again.
    conditions = cast("frozenset[ConditionId]", frozenset(named & set(CONDITION_IDS)))
    equipment = {kit for item in routine["items"] for kit in item["equipment"]} & set(EQUIPMENT)
    minutes = min(MAX_MINUTES, max(MIN_MINUTES, round(routine["seconds"] / 60)))
    profile = Profile(region="whole", equipment=frozenset(equipment), minutes=minutes,
                      conditions=conditions)
    document = session_document(read_routine(routine), profile)
    document["profile"]["migrated"] = True
    return document
