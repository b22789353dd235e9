"""Export, import and forget: the whole diary as one JSON document, and back.

The JSON export holds everything (screens, sessions, ratings, feedback, settings) with the
database ids, so that importing it into an empty diary and exporting again gives the same
document (only ``exported_at`` differs). An import is validated completely before anything is
written and runs in one transaction: a bad file writes nothing.

Into a diary that already holds records, :func:`import_diary` refuses unless ``merge=True``.
A merge gives imported records new ids and skips records the diary already has (same time and
values), so merging the same file twice adds nothing the second time. Settings from a file
never overwrite settings already set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    ValidationError,
)
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from backrelief import __version__
from backrelief.store.diary import SPREAD_BEFORE_PROBLEM, list_ratings
from backrelief.store.errors import StoreInputError
from backrelief.store.models import (
    PainRating,
    PracticeSession,
    Screen,
    Setting,
    TechniqueFeedback,
)
from backrelief.store.screens import list_screens, reason_documents
from backrelief.store.sessions import list_sessions
from backrelief.store.settings import KEY_PATTERN, all_settings
from backrelief.store.types import utcnow
from backrelief.store.validation import FUTURE_TOLERANCE, short_text

EXPORT_FORMAT = "backrelief-diary"
EXPORT_VERSION = 1
RECORD_TABLES = ("screens", "sessions", "pain_ratings", "technique_feedback")

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
TechniqueId = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _Record(_Strict):
    id: Id


class ScreenIn(_Record):
    taken_at: AwareDatetime
    tier: Literal["emergency", "same_day", "see_professional", "self_care", "incomplete"]
    exercise_allowed: bool
    answers: dict[str, JsonValue]
    reasons: list[JsonValue]
    advice: Annotated[str, StringConstraints(max_length=4000)] | None = None


class SessionIn(_Record):
    started_at: AwareDatetime
    ended_at: AwareDatetime | None = None
    routine: JsonValue
    completed: bool | None = None
    stop_reason: str | None = None
    screen_id: Id | None = None


class RatingIn(_Record):
    at: AwareDatetime
    pain: Annotated[int, Field(ge=0, le=10)]
    kind: Literal["before", "after", "daily"]
    where: str | None = None
    session_id: Id | None = None
    # Added with schema revision 0002; files exported before it have no such field.
    spread: bool = False


class FeedbackIn(_Record):
    session_id: Id
    technique: TechniqueId
    verdict: Literal["better", "same", "worse", "stopped"]
    at: AwareDatetime


class ExportDocument(_Strict):
    """The JSON export, version 1."""

    format: Literal["backrelief-diary"]
    version: Literal[1]
    exported_at: AwareDatetime
    app_version: str
    settings: dict[str, JsonValue] = Field(default_factory=dict)
    screens: list[ScreenIn] = Field(default_factory=list)
    sessions: list[SessionIn] = Field(default_factory=list)
    ratings: list[RatingIn] = Field(default_factory=list)
    feedback: list[FeedbackIn] = Field(default_factory=list)


@dataclass(frozen=True)
class ImportSummary:
    """How many records an import added, and how many it skipped as already present."""

    added: dict[str, int]
    skipped: dict[str, int]


def export_diary(db: Session, *, now: datetime | None = None) -> dict[str, Any]:
    """Everything the diary holds, as one JSON-ready document."""
    sessions = list_sessions(db)
    feedback = db.scalars(select(TechniqueFeedback).order_by(TechniqueFeedback.id))
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": (now or utcnow()).isoformat(),
        "app_version": __version__,
        "settings": all_settings(db),
        "screens": [record.as_dict() for record in sorted(list_screens(db), key=_by_id)],
        "sessions": [record.as_dict() for record in sorted(sessions, key=_by_id)],
        "ratings": [record.as_dict() for record in sorted(list_ratings(db), key=_by_id)],
        "feedback": [
            {
                "id": row.id,
                "session_id": row.session_id,
                "technique": row.technique_id,
                "verdict": row.verdict,
                "at": row.recorded_at.isoformat(),
            }
            for row in feedback
        ],
    }


def _by_id(record: Any) -> int:
    return int(record.id)


def is_empty(db: Session) -> bool:
    """True when the diary holds no screens, sessions, ratings or feedback (settings aside)."""
    for model in (Screen, PracticeSession, PainRating, TechniqueFeedback):
        if db.scalar(select(func.count()).select_from(model)):
            return False
    return True


def _location(errors: list[Any]) -> tuple[str, str]:
    first = errors[0]
    parts: list[str] = []
    for item in first["loc"]:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "file", str(first["msg"])


def parse_export(raw: str | bytes) -> ExportDocument:
    """Parse and fully validate an export file's text (StoreInputError naming the field)."""
    try:
        document = ExportDocument.model_validate_json(raw)
    except ValidationError as exc:
        field, problem = _location(exc.errors())
        if exc.errors()[0]["type"] == "json_invalid":
            field = "file"
        raise StoreInputError(field, problem) from None
    _check_document(document, utcnow())  # all checks that need no database, before opening it
    return document


def _check_document(document: ExportDocument, now: datetime) -> None:
    """Cross-checks pydantic cannot do: unique ids, references, times, text."""
    latest = now + FUTURE_TOLERANCE
    tables: tuple[tuple[str, Sequence[_Record]], ...] = (
        ("screens", document.screens),
        ("sessions", document.sessions),
        ("ratings", document.ratings),
        ("feedback", document.feedback),
    )
    for name, records in tables:
        seen: set[int] = set()
        for index, record in enumerate(records):
            if record.id in seen:
                raise StoreInputError(f"{name}[{index}].id", f"duplicate id {record.id}")
            seen.add(record.id)
    screen_ids = {screen.id for screen in document.screens}
    session_ids = {session.id for session in document.sessions}
    for index, screen in enumerate(document.screens):
        if screen.taken_at > latest:
            raise StoreInputError(f"screens[{index}].taken_at", "is in the future")
        reason_documents(f"screens[{index}].reasons", screen.reasons)
    for index, session in enumerate(document.sessions):
        where = f"sessions[{index}]"
        if session.started_at > latest:
            raise StoreInputError(f"{where}.started_at", "is in the future")
        if session.ended_at is not None and session.ended_at < session.started_at:
            raise StoreInputError(f"{where}.ended_at", "is before the session started")
        if session.screen_id is not None and session.screen_id not in screen_ids:
            raise StoreInputError(f"{where}.screen_id", f"no screen with id {session.screen_id}")
        short_text(f"{where}.stop_reason", session.stop_reason, 200)
    for index, rating in enumerate(document.ratings):
        where = f"ratings[{index}]"
        if rating.at > latest:
            raise StoreInputError(f"{where}.at", "is in the future")
        if rating.session_id is not None and rating.session_id not in session_ids:
            raise StoreInputError(f"{where}.session_id", f"no session with id {rating.session_id}")
        short_text(f"{where}.where", rating.where, 80)
        if rating.spread and rating.kind == "before":
            raise StoreInputError(f"{where}.spread", SPREAD_BEFORE_PROBLEM)
    pairs: set[tuple[int, str]] = set()
    for index, item in enumerate(document.feedback):
        where = f"feedback[{index}]"
        if item.session_id not in session_ids:
            raise StoreInputError(f"{where}.session_id", f"no session with id {item.session_id}")
        if (item.session_id, item.technique) in pairs:
            raise StoreInputError(f"{where}.technique", "appears twice for one session")
        pairs.add((item.session_id, item.technique))
    for key in document.settings:
        if not KEY_PATTERN.match(key):
            raise StoreInputError(f"settings.{key}", "is not a valid setting name")


def import_diary(db: Session, document: ExportDocument, *, merge: bool = False) -> ImportSummary:
    """Write a validated export into the diary (refuses a non-empty diary unless ``merge``)."""
    _check_document(document, utcnow())
    keep_ids = is_empty(db)
    if not keep_ids and not merge:
        raise StoreInputError(
            "diary", "is not empty; import only into an empty diary, or ask to merge"
        )
    added = dict.fromkeys(("screens", "sessions", "ratings", "feedback", "settings"), 0)
    skipped = dict(added)

    def count(name: str, was_added: bool) -> None:
        (added if was_added else skipped)[name] += 1

    screen_map: dict[int, int] = {}
    for screen in document.screens:
        existing = None if keep_ids else db.scalar(
            select(Screen.id).where(Screen.taken_at == screen.taken_at, Screen.tier == screen.tier)
        )
        if existing is None:
            screen_row = Screen(
                id=screen.id if keep_ids else None,
                taken_at=screen.taken_at,
                tier=screen.tier,
                exercise_allowed=screen.exercise_allowed,
                answers=screen.answers,
                reasons=screen.reasons,
                advice=screen.advice,
            )
            db.add(screen_row)
            db.flush()
            screen_map[screen.id] = screen_row.id
        else:
            screen_map[screen.id] = existing
        count("screens", existing is None)

    session_map: dict[int, int] = {}
    for session in document.sessions:
        existing = None if keep_ids else db.scalar(
            select(PracticeSession.id).where(PracticeSession.started_at == session.started_at)
        )
        if existing is None:
            session_row = PracticeSession(
                id=session.id if keep_ids else None,
                started_at=session.started_at,
                ended_at=session.ended_at,
                routine=session.routine,
                completed=session.completed,
                stop_reason=short_text("stop_reason", session.stop_reason, 200),
                screen_id=None if session.screen_id is None else screen_map[session.screen_id],
            )
            db.add(session_row)
            db.flush()
            session_map[session.id] = session_row.id
        else:
            session_map[session.id] = existing
        count("sessions", existing is None)

    for rating in document.ratings:
        session_id = None if rating.session_id is None else session_map[rating.session_id]
        where = short_text("where", rating.where, 80)
        duplicate = None if keep_ids else db.scalar(
            select(PainRating.id).where(
                PainRating.rated_at == rating.at,
                PainRating.pain == rating.pain,
                PainRating.kind == rating.kind,
                PainRating.spread == rating.spread,
            )
        )
        if duplicate is None:
            db.add(PainRating(
                id=rating.id if keep_ids else None,
                rated_at=rating.at,
                pain=rating.pain,
                kind=rating.kind,
                location=where,
                session_id=session_id,
                spread=rating.spread,
            ))
        count("ratings", duplicate is None)

    for item in document.feedback:
        target = session_map[item.session_id]
        duplicate = None if keep_ids else db.scalar(
            select(TechniqueFeedback.id).where(
                TechniqueFeedback.session_id == target,
                TechniqueFeedback.technique_id == item.technique,
            )
        )
        if duplicate is None:
            db.add(TechniqueFeedback(
                id=item.id if keep_ids else None,
                session_id=target,
                technique_id=item.technique,
                verdict=item.verdict,
                recorded_at=item.at,
            ))
        count("feedback", duplicate is None)

    for key, value in sorted(document.settings.items()):
        present = db.get(Setting, key) is not None
        if not present:
            db.add(Setting(key=key, value=value, updated_at=utcnow()))
        count("settings", not present)

    db.flush()
    if keep_ids:
        _resync_sequences(db)
    return ImportSummary(added=added, skipped=skipped)


def _resync_sequences(db: Session) -> None:
    """After inserting explicit ids, move PostgreSQL's id sequences past them.

    SQLite picks max(rowid) + 1 by itself; PostgreSQL's serial sequences do not notice
    explicit ids and would hand out ids that already exist.
    """
    if db.get_bind().dialect.name != "postgresql":
        return
    for table in RECORD_TABLES:
        db.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
        ))


def forget_everything(db: Session) -> dict[str, int]:
    """Delete every record and setting; returns how many rows each table lost.

    Call ``Database.compact()`` afterwards (outside the transaction) so that a SQLite file
    keeps no trace of the deleted rows.
    """
    from backrelief.store.programme import forget_programmes  # issue 14: programme tables

    forget_programmes(db)
    deleted: dict[str, int] = {}
    for name, model in (
        ("feedback", TechniqueFeedback),
        ("ratings", PainRating),
        ("sessions", PracticeSession),
        ("screens", Screen),
        ("settings", Setting),
    ):
        deleted[name] = int(db.scalar(select(func.count()).select_from(model)) or 0)
        db.execute(delete(model))
    return deleted
