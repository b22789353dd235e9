"""Safety-screen results: record each screen, read the latest one back.

The screening engine (``core.screening``) decides; the store only keeps what it decided, so
the diary's advice can honour a red flag found at the latest screen (``core.progress``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backrelief.core.progress import ScreenSnapshot
from backrelief.store.errors import StoreInputError
from backrelief.store.models import Screen
from backrelief.store.types import utcnow
from backrelief.store.validation import json_value, one_of, past_time

SCREEN_TIERS = ("emergency", "same_day", "see_professional", "self_care", "incomplete")
_TEXT_KEYS = ("text", "message", "reason", "explanation", "summary", "advice")


@dataclass(frozen=True)
class ScreenRecord:
    """One stored screen."""

    id: int
    taken_at: datetime
    tier: str
    exercise_allowed: bool
    answers: dict[str, Any]
    reasons: list[Any]
    advice: str | None

    def snapshot(self) -> ScreenSnapshot:
        """The form ``core.progress`` takes: tier, reason texts and their sources."""
        texts: list[str] = []
        sources: list[str] = []
        for reason in self.reasons:
            texts.append(_reason_text(reason))
            sources.extend(source for source in _reason_sources(reason) if source not in sources)
        return ScreenSnapshot(
            tier=self.tier,
            taken_at=self.taken_at,
            reasons=tuple(texts),
            sources=tuple(sources),
            advice=self.advice,
            duration_weeks=_duration_weeks(self.answers),
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON form (export)."""
        return {
            "id": self.id,
            "taken_at": self.taken_at.isoformat(),
            "tier": self.tier,
            "exercise_allowed": self.exercise_allowed,
            "answers": self.answers,
            "reasons": self.reasons,
            "advice": self.advice,
        }


def _duration_weeks(answers: Mapping[str, Any]) -> float | None:
    """The screen's "how many weeks has this bout lasted" answer, if it holds a number."""
    value = answers.get("duration_weeks")
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 520:
        return None
    return float(value)


def _reason_text(reason: Any) -> str:
    # The screening engine's reason shape belongs to it; read the usual keys, fall back to str.
    if isinstance(reason, Mapping):
        for key in _TEXT_KEYS:
            value = reason.get(key)
            if isinstance(value, str) and value:
                return value
    return str(reason)


def _reason_sources(reason: Any) -> list[str]:
    if not isinstance(reason, Mapping):
        return []
    found: list[str] = []
    for key in ("source", "sources"):
        value = reason.get(key)
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, str):
                found.append(item)
            elif isinstance(item, Mapping) and isinstance(item.get("id"), str):
                found.append(item["id"])
    return found


def _advice_text(advice: Any) -> str | None:
    if advice is None:
        return None
    if not isinstance(advice, str) or len(advice) > 4000:
        raise StoreInputError("advice", "must be text of at most 4000 characters")
    return advice


def _record(row: Screen) -> ScreenRecord:
    return ScreenRecord(
        id=row.id,
        taken_at=row.taken_at,
        tier=row.tier,
        exercise_allowed=row.exercise_allowed,
        answers=dict(row.answers),
        reasons=list(row.reasons),
        advice=row.advice,
    )


def record_screen(
    db: Session,
    *,
    answers: Mapping[str, Any],
    tier: str,
    exercise_allowed: bool,
    reasons: Sequence[Any] = (),
    advice: str | None = None,
    taken_at: datetime | None = None,
) -> int:
    """Store one screen result; returns its id."""
    now = utcnow()
    if not isinstance(answers, Mapping):
        raise StoreInputError("answers", "must be a mapping of question id to answer")
    if not isinstance(exercise_allowed, bool):
        raise StoreInputError("exercise_allowed", "must be true or false")
    if isinstance(reasons, str | bytes) or not isinstance(reasons, Sequence):
        raise StoreInputError("reasons", "must be a list")
    row = Screen(
        taken_at=now if taken_at is None else past_time("taken_at", taken_at, now),
        tier=one_of("tier", tier, SCREEN_TIERS),
        exercise_allowed=exercise_allowed,
        answers=json_value("answers", dict(answers)),
        reasons=json_value("reasons", list(reasons)),
        advice=_advice_text(advice),
    )
    db.add(row)
    db.flush()
    return row.id


def latest_screen(db: Session) -> ScreenRecord | None:
    """The most recent screen, or None if there has been none."""
    row = db.scalars(select(Screen).order_by(Screen.taken_at.desc(), Screen.id.desc()).limit(1)).first()
    return None if row is None else _record(row)


def list_screens(db: Session) -> list[ScreenRecord]:
    """Every screen, oldest first."""
    return [_record(row) for row in db.scalars(select(Screen).order_by(Screen.taken_at, Screen.id))]
