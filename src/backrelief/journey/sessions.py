"""A guided session's bookkeeping, the same for both shells.

Nothing is stored while a person only looks at a plan or changes their choices: :func:`start`
runs when the player starts, and stores the session (one :mod:`~backrelief.journey.document`),
its "before" rating and the remembered choices at once. A session left unfinished is recorded
as abandoned exactly once, when the next one starts. :func:`finish_after` is the end both
shells share: pain after, per-technique feedback, and the session's end if the player did not
already record it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backrelief.core.planner import Profile, Routine
from backrelief.journey.defaults import remember_choices
from backrelief.journey.document import session_document
from backrelief.store.diary import add_rating
from backrelief.store.errors import StoreInputError
from backrelief.store.models import PracticeSession
from backrelief.store.scope import UNSCOPED, owner_of
from backrelief.store.sessions import (
    add_feedback,
    count_sessions,
    finish_session,
    get_session,
    start_session,
)
from backrelief.store.types import utcnow

ABANDONED = "abandoned"
ANSWER_ID = re.compile(r"[A-Za-z0-9-]{8,40}")


def abandon_unfinished(db: Session, now: datetime | None = None) -> list[int]:
    """Record every session still open as abandoned (not completed); returns their ids."""
    ended = utcnow() if now is None else now
    open_ids = list(db.scalars(
        select(PracticeSession.id).where(PracticeSession.user_id == owner_of(db),
                                         PracticeSession.ended_at.is_(None))
        .order_by(PracticeSession.id)
    ))
    for session_id in open_ids:
        finish_session(db, session_id, completed=False, stop_reason=ABANDONED, ended_at=ended)
    return open_ids


def start(db: Session, routine: Routine, profile: Profile, *, pain_before: int | None,
          screen_id: int | None = None) -> int:
    """The player starts: store the session, pain before and the choices; returns its id."""
    abandon_unfinished(db)
    session_id = start_session(db, session_document(routine, profile), screen_id=screen_id)
    if pain_before is not None:
        add_rating(db, pain_before, kind="before", session_id=session_id)
    remember_choices(db, profile)
    return session_id


def finish_after(db: Session, session_id: int, pain_after: int | None,
                 verdicts: Mapping[str, str], *, completed: bool | None = None,
                 stop_reason: str | None = None, answer_id: str | None = None,
                 spread: bool = False) -> bool:
    """The after-session answers: pain now, how each technique felt, and the session's end.

    ``spread``: the pain has spread down a leg since last time (kept with the "after" rating).
    ``completed`` None means "as the feedback says": not completed when a technique was stopped.
    A session whose end is already recorded (a stop in the player) keeps that end.
    ``answer_id`` is the sender's own id for these answers: sent again (the browser's offline
    outbox retries until it hears back), they are stored once. Returns False for such a repeat.
    """
    record = get_session(db, session_id)
    row = db.get(PracticeSession, session_id)
    assert row is not None  # get_session found it
    if answer_id is not None:
        if not isinstance(answer_id, str) or not ANSWER_ID.fullmatch(answer_id):
            raise StoreInputError("answer_id", "must be 8 to 40 letters, digits or dashes")
        if row.after_id == answer_id:
            return False
        # The id is unique across every user's sessions (the browser makes it at random), so
        # this looks at all of them on purpose: someone else's use is a 422, never the unique
        # key's 500. It says only "already used", nothing of whose session it is.
        used = db.scalar(select(PracticeSession.id).where(PracticeSession.after_id == answer_id)
                         .execution_options(**UNSCOPED))
        if used is not None:
            raise StoreInputError("answer_id", "already used for another session")
        row.after_id = answer_id
    if pain_after is not None:
        add_rating(db, pain_after, kind="after", session_id=session_id, spread=spread)
    for technique, verdict in verdicts.items():
        if technique not in record.techniques:
            raise StoreInputError(f"verdicts.{technique}", "is not a technique of this session")
        add_feedback(db, session_id, technique, verdict)
    if record.ended_at is None:
        done = "stopped" not in verdicts.values() if completed is None else completed
        finish_session(db, session_id, completed=done, stop_reason=stop_reason)
    db.flush()
    return True


def finished_count(db: Session) -> int:
    """Sessions the person finished (played to the end or ended themselves; not abandoned)."""
    return count_sessions(db, ended=True, excluding_stop_reason=ABANDONED)  # COUNT in SQL
