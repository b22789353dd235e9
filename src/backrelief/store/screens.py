"""Safety-screen results: record each screen, read them back typed.

The screening engine (``core.screening``) decides; the store only keeps what it decided, so
the diary's advice can honour a red flag found at the latest screen (``core.progress``).
:func:`record_result` is the one way to store a ``ScreenResult``; a stored reason is always a
``core.screening.Reason`` document, checked on the way in and read back as a ``Reason``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backrelief.core.progress import ScreenSnapshot
from backrelief.core.screening import TIER_ORDER, Reason, ScreenResult
from backrelief.store.errors import StoreInputError
from backrelief.store.models import Screen
from backrelief.store.scope import own, owner_of
from backrelief.store.types import utcnow
from backrelief.store.validation import json_value, one_of, past_time

SCREEN_TIERS: tuple[str, ...] = TIER_ORDER


@dataclass(frozen=True)
class ScreenRecord:
    """One stored screen, read back typed: its reasons are ``core.screening.Reason`` objects."""

    id: int
    taken_at: datetime
    tier: str
    exercise_allowed: bool
    answers: dict[str, Any]
    reasons: tuple[Reason, ...]
    advice: str | None

    def snapshot(self) -> ScreenSnapshot:
        """The form ``core.progress`` takes: tier, reason texts and their sources."""
        sources = dict.fromkeys(source for reason in self.reasons for source in reason.sources)
        return ScreenSnapshot(
            tier=self.tier,
            taken_at=self.taken_at,
            reasons=tuple(reason.text for reason in self.reasons),
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
            "reasons": [reason.to_json() for reason in self.reasons],
            "advice": self.advice,
        }


def _duration_weeks(answers: Mapping[str, Any]) -> float | None:
    """The screen's "how many weeks has this bout lasted" answer, if it holds a number."""
    value = answers.get("duration_weeks")
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 520:
        return None
    return float(value)


def reason_documents(field: str, reasons: object) -> list[dict[str, Any]]:
    """Reasons as stored: each one a ``core.screening.Reason`` document, checked on the way in
    (StoreInputError naming ``field[index].key``)."""
    if isinstance(reasons, str | bytes) or not isinstance(reasons, Sequence):
        raise StoreInputError(field, "must be a list")
    documents: list[dict[str, Any]] = []
    for index, reason in enumerate(reasons):
        try:
            documents.append(Reason.from_json(reason).to_json())
        except ValueError as exc:
            key, _, problem = str(exc).partition(": ")
            raise StoreInputError(f"{field}[{index}].{key}", problem or str(exc)) from None
    return documents


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
        reasons=tuple(Reason.from_json(reason) for reason in row.reasons),
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
    documents = reason_documents("reasons", reasons)
    row = Screen(
        user_id=owner_of(db),
        taken_at=now if taken_at is None else past_time("taken_at", taken_at, now),
        tier=one_of("tier", tier, SCREEN_TIERS),
        exercise_allowed=exercise_allowed,
        answers=json_value("answers", dict(answers)),
        reasons=json_value("reasons", documents),
        advice=_advice_text(advice),
    )
    db.add(row)
    db.flush()
    return row.id


def record_result(
    db: Session,
    result: ScreenResult,
    answers: Mapping[str, object],
    *,
    taken_at: datetime | None = None,
) -> int:
    """Store a ``core.screening.ScreenResult`` and the answers it rests on; returns its id.

    The one way both shells record a screen (the check pages, the diary API, the terminal).
    """
    return record_screen(
        db,
        answers=answers,
        tier=result.tier,
        exercise_allowed=result.exercise_allowed,
        reasons=[reason.to_json() for reason in result.reasons],
        advice=result.advice,
        taken_at=taken_at,
    )


def get_screen(db: Session, screen_id: int) -> ScreenRecord | None:
    """One stored screen by id, or None."""
    row = own(db, Screen, screen_id)
    return None if row is None else _record(row)


def latest_screen(db: Session) -> ScreenRecord | None:
    """The most recent screen, or None if there has been none."""
    row = db.scalars(select(Screen).where(Screen.user_id == owner_of(db))
                     .order_by(Screen.taken_at.desc(), Screen.id.desc()).limit(1)).first()
    return None if row is None else _record(row)


def list_screens(db: Session) -> list[ScreenRecord]:
    """Every screen, oldest first."""
    query = select(Screen).where(Screen.user_id == owner_of(db))
    return [_record(row) for row in db.scalars(query.order_by(Screen.taken_at, Screen.id))]
