"""The remembered choices: what the builder and ``backrelief session`` offer first.

The one list of what is remembered (:data:`REMEMBERED_KEYS`) and how a stored value is read
back: leniently, because a value stored by an older version that no longer validates must not
block the builder; it is simply not offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from backrelief.core.planner import REGION_CHOICES, Profile
from backrelief.core.vocabulary import (
    CONDITION_IDS,
    DEFAULT_MINUTES,
    EQUIPMENT,
    MAX_MINUTES,
    MIN_MINUTES,
)
from backrelief.store.sessions import setting_values
from backrelief.store.settings import set_setting

REMEMBERED_KEYS = ("region", "equipment", "minutes", "conditions")


@dataclass(frozen=True)
class Choices:
    """The remembered planner choices."""

    region: str = "whole"
    equipment: tuple[str, ...] = ()
    minutes: int = DEFAULT_MINUTES
    conditions: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON form (lists), as the settings API and the builder's form take it."""
        return {"region": self.region, "equipment": list(self.equipment),
                "minutes": self.minutes, "conditions": list(self.conditions)}


def _known(values: Any, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if not isinstance(values, list):
        return ()
    return tuple(sorted({v for v in values if isinstance(v, str) and v in allowed}))


def read_choices(stored: dict[str, Any]) -> Choices:
    """Choices from stored settings; a value that no longer validates falls back to the default."""
    region = stored.get("region")
    minutes = stored.get("minutes")
    return Choices(
        region=region if isinstance(region, str) and region in REGION_CHOICES else "whole",
        equipment=_known(stored.get("equipment"), EQUIPMENT),
        minutes=(minutes if isinstance(minutes, int) and not isinstance(minutes, bool)
                 and MIN_MINUTES <= minutes <= MAX_MINUTES else DEFAULT_MINUTES),
        conditions=_known(stored.get("conditions"), CONDITION_IDS),
    )


def remembered_choices(db: Session) -> Choices:
    """The choices to offer first."""
    return read_choices(setting_values(db))  # plain columns, one statement (issue 16)


def remember_choices(db: Session, profile: Profile) -> None:
    """Remember the choices of a session that started (never of a mere preview)."""
    for key, value in Choices(profile.region, tuple(sorted(profile.equipment)), profile.minutes,
                              tuple(sorted(profile.conditions))).as_dict().items():
        set_setting(db, key, value)
