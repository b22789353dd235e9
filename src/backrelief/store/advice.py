"""The diary's advice: gathers ratings, sessions and the latest screen for ``core.progress``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from backrelief.core.progress import Advice, assess_progress
from backrelief.store.diary import list_ratings
from backrelief.store.screens import latest_screen
from backrelief.store.sessions import session_outcomes
from backrelief.store.types import utcnow


def diary_advice(db: Session, *, now: datetime | None = None) -> Advice:
    """Trend, flagged techniques and advice from everything the diary holds."""
    screen = latest_screen(db)
    return assess_progress(
        [record.as_progress() for record in list_ratings(db)],
        session_outcomes(db),
        screen.snapshot() if screen is not None else None,
        now=now or utcnow(),
    )
