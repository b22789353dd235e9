"""Export, import and forget: the whole diary as one JSON document, and back.

The JSON export holds everything (screens, sessions, ratings, feedback, settings, and since
issue 14 programmes with their session links and check-ins, and the walking log) with the
database ids, so that importing it into an empty diary and exporting again gives the same
document (only ``exported_at`` differs; a programme's calendar token is a secret and is not
exported: an import makes a fresh one). An import is validated completely before anything is
written and runs in one transaction: a bad file writes nothing.

Into a diary that already holds records, :func:`import_diary` refuses unless ``merge=True``.
A merge gives imported records new ids and skips records the diary already has (same time and
values), so merging the same file twice adds nothing the second time. Settings from a file
never overwrite settings already set.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import IO, Any, Literal

from pydantic import AwareDatetime, Field, JsonValue, ValidationError
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from backrelief import __version__
from backrelief.core.activity import MAX_DAY_MINUTES, ActivityError, check_day, check_minutes
from backrelief.core.planner import ProfileError
from backrelief.core.programme import ProgrammeError, ProgrammePlan, check_checkin
from backrelief.core.screening import AnswerError, check_answers
from backrelief.journey.document import DocumentError, read_document
from backrelief.journey.programme import stored_profile
from backrelief.store.diary import SPREAD_BEFORE_PROBLEM, list_ratings
from backrelief.store.errors import StoreInputError
from backrelief.store.export_reader import read_export
from backrelief.store.import_models import (
    SECTION_MODELS,
    CheckinIn,
    FeedbackIn,
    HeaderIn,
    ProgrammeIn,
    ProgrammeSessionIn,
    RatingIn,
    Record,
    RoutineIn,
    ScreenIn,
    SessionIn,
    SettingsIn,
    Strict,
    WalkIn,
    time_fields,
)
from backrelief.store.import_upgrade import as_routine, is_bare, upgraded_document
from backrelief.store.models import (
    ActivityLog,
    PainRating,
    PracticeSession,
    Programme,
    ProgrammeCheckin,
    ProgrammeSession,
    Screen,
    Setting,
    TechniqueFeedback,
)
from backrelief.store.programme import check_week, new_calendar_token
from backrelief.store.rating_days import forget_days, refresh_days, utc_day
from backrelief.store.scope import UNSCOPED, owner_of
from backrelief.store.screens import list_screens, reason_documents
from backrelief.store.sessions import list_sessions
from backrelief.store.settings import KEY_PATTERN, all_settings
from backrelief.store.types import utcnow
from backrelief.store.validation import EARLIEST, FUTURE_TOLERANCE, short_text

EXPORT_FORMAT = "backrelief-diary"
EXPORT_VERSION = 1
RECORD_TABLES = ("screens", "sessions", "pain_ratings", "technique_feedback", "programmes",
                 "programme_sessions", "programme_checkins", "activity_logs")
BATCH = 500  # rows per INSERT (executemany) and per merge look-up


class ExportDocument(Strict):
    """A whole export held in memory (small files and tests; big ones stream, see
    :func:`import_export_file`)."""

    format: Literal["backrelief-diary"]
    version: Literal[1]
    exported_at: AwareDatetime
    app_version: str
    settings: dict[str, JsonValue] = Field(default_factory=dict)
    screens: list[ScreenIn] = Field(default_factory=list)
    sessions: list[SessionIn] = Field(default_factory=list)
    ratings: list[RatingIn] = Field(default_factory=list)
    feedback: list[FeedbackIn] = Field(default_factory=list)
    programmes: list[ProgrammeIn] = Field(default_factory=list)
    programme_sessions: list[ProgrammeSessionIn] = Field(default_factory=list)
    programme_checkins: list[CheckinIn] = Field(default_factory=list)
    walks: list[WalkIn] = Field(default_factory=list)


@dataclass(frozen=True)
class ImportSummary:
    """How many records an import added, and how many it skipped as already present."""

    added: dict[str, int]
    skipped: dict[str, int]


def export_diary(db: Session, *, now: datetime | None = None) -> dict[str, Any]:
    """Everything the session's user's diary holds, as one JSON-ready document."""
    sessions = list_sessions(db)
    feedback = db.scalars(select(TechniqueFeedback).where(_my_feedback(db))
                          .order_by(TechniqueFeedback.id))
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
        **_programme_sections(db),
    }


def _programme_sections(db: Session) -> dict[str, list[dict[str, Any]]]:
    """The user's programmes (without their calendar token), links, check-ins and walks."""
    user = owner_of(db)
    mine = select(Programme.id).where(Programme.user_id == user).scalar_subquery()
    programmes = db.scalars(select(Programme).where(Programme.user_id == user)
                            .order_by(Programme.id))
    links = db.scalars(select(ProgrammeSession).where(ProgrammeSession.programme_id.in_(mine))
                       .order_by(ProgrammeSession.id))
    checkins = db.scalars(select(ProgrammeCheckin)
                          .where(ProgrammeCheckin.programme_id.in_(mine))
                          .order_by(ProgrammeCheckin.id))
    walks = db.scalars(select(ActivityLog).where(ActivityLog.user_id == user)
                       .order_by(ActivityLog.id))
    return {
        "programmes": [
            {"id": p.id, "created_at": p.created_at.isoformat(),
             "start_date": p.start_date.isoformat(), "weeks": p.weeks, "days": list(p.days),
             "at_time": p.at_time, "profile": dict(p.profile), "status": p.status,
             "ended_at": None if p.ended_at is None else p.ended_at.isoformat(),
             "seen_at": None if p.seen_at is None else p.seen_at.isoformat(),
             "seen_rules": None if p.seen_rules is None else list(p.seen_rules)}
            for p in programmes
        ],
        "programme_sessions": [
            {"id": link.id, "programme_id": link.programme_id, "session_id": link.session_id,
             "day": link.day.isoformat()}
            for link in links
        ],
        "programme_checkins": [
            {"id": c.id, "programme_id": c.programme_id, "week": c.week,
             "at": c.recorded_at.isoformat(), "activities": dict(c.activities),
             "sleep": c.sleep, "confidence": c.confidence}
            for c in checkins
        ],
        "walks": [
            {"id": w.id, "day": w.day.isoformat(), "kind": w.kind, "minutes": w.minutes,
             "at": w.recorded_at.isoformat()}
            for w in walks
        ],
    }


def _by_id(record: Any) -> int:
    return int(record.id)


def _my_sessions(db: Session) -> Any:
    return select(PracticeSession.id).where(PracticeSession.user_id == owner_of(db))


def _my_feedback(db: Session) -> Any:
    """Feedback has no user of its own: it is its session's user's."""
    return TechniqueFeedback.session_id.in_(_my_sessions(db).scalar_subquery())


def is_empty(db: Session) -> bool:
    """True when the user's diary holds no screens, sessions, ratings, feedback, programmes or
    walks (settings aside). Feedback hangs off sessions and links and check-ins off programmes,
    so none of those means none of these."""
    for model in (Screen, PracticeSession, PainRating, Programme, ActivityLog):
        if db.scalar(select(model.id).where(model.user_id == owner_of(db)).limit(1)):
            return False
    return True


def _no_rows_at_all(db: Session) -> bool:
    """Nobody has any record: only then can an import keep the file's ids (they are unique
    across users)."""
    for model in (Screen, PracticeSession, PainRating, TechniqueFeedback, Programme,
                  ProgrammeSession, ProgrammeCheckin, ActivityLog):
        if db.scalar(select(model.id).limit(1).execution_options(**UNSCOPED)):
            return False
    return True


def _location(prefix: str, errors: list[Any]) -> tuple[str, str]:
    first = errors[0]
    parts: list[str] = [prefix] if prefix else []
    for item in first["loc"]:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "file", str(first["msg"])


def _model(model: type[Strict], prefix: str, value: Any) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        raise StoreInputError(*_location(prefix, exc.errors())) from None


@dataclass
class _Checks:
    """Cross-checks over the whole file, kept small: the screen and session ids seen (records
    refer back to them), the last id of each list (ids must rise, as the export writes them,
    so a duplicate needs no set of every id) and the feedback pairs."""

    now: datetime
    screens: set[int] = field(default_factory=set)
    sessions: set[int] = field(default_factory=set)
    last_id: dict[str, int] = field(default_factory=dict)
    pairs: set[tuple[int, str]] = field(default_factory=set)
    programmes: dict[int, int] = field(default_factory=dict)  # id -> its weeks
    active: bool = False
    linked: set[int] = field(default_factory=set)  # session ids linked to a programme
    walked: dict[date, int] = field(default_factory=dict)  # minutes per day

    def record(self, section: str, index: int, record: Record) -> None:
        where = f"{section}[{index}]"
        if record.id <= self.last_id.get(section, 0):
            raise StoreInputError(f"{where}.id", f"duplicate or out-of-order id {record.id} "
                                  "(ids are unique and rising, as the export writes them)")
        self.last_id[section] = record.id
        latest = self.now + FUTURE_TOLERANCE
        for name, when in time_fields(record):
            if when > latest:
                raise StoreInputError(f"{where}.{name}", "is in the future")
            if when < EARLIEST:
                raise StoreInputError(f"{where}.{name}", "is before 1970")
        CHECKS[section](self, where, record)

    def screen(self, where: str, screen: ScreenIn) -> None:
        try:
            check_answers(screen.answers)
        except AnswerError as exc:
            raise StoreInputError(f"{where}.answers.{exc.field}", exc.problem) from None
        reason_documents(f"{where}.reasons", screen.reasons)
        self.screens.add(screen.id)

    def session(self, where: str, session: SessionIn) -> None:
        if session.ended_at is not None and session.ended_at < session.started_at:
            raise StoreInputError(f"{where}.ended_at", "is before the session started")
        if session.screen_id is not None and session.screen_id not in self.screens:
            raise StoreInputError(f"{where}.screen_id", f"no screen with id {session.screen_id} "
                                  "before this session in the file")
        short_text(f"{where}.stop_reason", session.stop_reason, 200)
        routine = _model(RoutineIn, f"{where}.routine", as_routine(session.routine))
        if routine.profile is not None:
            try:  # the planner's own profile checks (pregnancy weeks, ...), as the pages read it
                read_document(session.routine)
            except DocumentError as exc:
                raise StoreInputError(f"{where}.routine.profile", str(exc)) from None
        self.sessions.add(session.id)

    def rating(self, where: str, rating: RatingIn) -> None:
        if rating.session_id is not None and rating.session_id not in self.sessions:
            raise StoreInputError(f"{where}.session_id", f"no session with id {rating.session_id} "
                                  "before this rating in the file")
        short_text(f"{where}.where", rating.where, 80)
        if rating.spread and rating.kind == "before":
            raise StoreInputError(f"{where}.spread", SPREAD_BEFORE_PROBLEM)

    def feedback(self, where: str, item: FeedbackIn) -> None:
        if item.session_id not in self.sessions:
            raise StoreInputError(f"{where}.session_id", f"no session with id {item.session_id} "
                                  "before this feedback in the file")
        if (item.session_id, item.technique) in self.pairs:
            raise StoreInputError(f"{where}.technique", "appears twice for one session")
        self.pairs.add((item.session_id, item.technique))

    def programme(self, where: str, item: ProgrammeIn) -> None:
        try:  # the plan's own rules, as starting a programme applies them
            ProgrammePlan(item.start_date, item.weeks, tuple(item.days),
                          time(int(item.at_time[:2]), int(item.at_time[3:])))
        except ProgrammeError as exc:
            raise StoreInputError(f"{where}.{exc.field}", exc.problem) from None
        try:  # the profile as the programme reads it back
            stored_profile(item.profile.model_dump(exclude_unset=True))
        except (KeyError, ProfileError) as exc:
            raise StoreInputError(f"{where}.profile", str(exc)) from None
        if item.status == "active":
            if self.active:
                raise StoreInputError(f"{where}.status", "only one programme can be active")
            self.active = True
        if item.ended_at is not None and item.ended_at < item.created_at:
            raise StoreInputError(f"{where}.ended_at", "is before the programme was started")
        self.programmes[item.id] = item.weeks

    def programme_session(self, where: str, item: ProgrammeSessionIn) -> None:
        if item.programme_id not in self.programmes:
            raise StoreInputError(f"{where}.programme_id", f"no programme with id "
                                  f"{item.programme_id} before this link in the file")
        if item.session_id not in self.sessions:
            raise StoreInputError(f"{where}.session_id", f"no session with id {item.session_id} "
                                  "before this link in the file")
        if item.session_id in self.linked:
            raise StoreInputError(f"{where}.session_id", "is linked to a programme twice")
        self.linked.add(item.session_id)

    def checkin(self, where: str, item: CheckinIn) -> None:
        weeks = self.programmes.get(item.programme_id)
        if weeks is None:
            raise StoreInputError(f"{where}.programme_id", f"no programme with id "
                                  f"{item.programme_id} before this check-in in the file")
        check_week(f"{where}.week", item.week, weeks)
        try:
            check_checkin(item.activities, item.sleep, item.confidence)
        except ProgrammeError as exc:
            raise StoreInputError(f"{where}.{exc.field}", exc.problem) from None

    def walk(self, where: str, item: WalkIn) -> None:
        try:
            check_minutes(item.minutes)
            check_day(item.day, (self.now + FUTURE_TOLERANCE).astimezone().date())
        except ActivityError as exc:
            name = "day" if exc.field == "date" else exc.field
            raise StoreInputError(f"{where}.{name}", exc.problem) from None
        total = self.walked.get(item.day, 0) + item.minutes
        if total > MAX_DAY_MINUTES:
            raise StoreInputError(f"{where}.minutes", f"that would make {total} minutes on "
                                  f"{item.day.isoformat()}, more than a day holds")
        self.walked[item.day] = total


CHECKS: dict[str, Callable[[_Checks, str, Any], None]] = {
    "screens": _Checks.screen,
    "sessions": _Checks.session,
    "ratings": _Checks.rating,
    "feedback": _Checks.feedback,
    "programmes": _Checks.programme,
    "programme_sessions": _Checks.programme_session,
    "programme_checkins": _Checks.checkin,
    "walks": _Checks.walk,
}


def _settings(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise StoreInputError("settings", "must be an object")
    for key in value:
        if not KEY_PATTERN.match(key):
            raise StoreInputError(f"settings.{key}", "is not a valid setting name")
    _model(SettingsIn, "settings", value)
    return dict(value)


Item = tuple[str, int, Record]


def _checked(raw: Iterable[tuple[str, int | str, Any]], header: dict[str, Any],
             settings: dict[str, Any], now: datetime) -> Iterator[Item]:
    """Each record of ``raw`` validated with its model and the cross-checks, in file order;
    ``header`` and ``settings`` are filled in as they pass."""
    checks = _Checks(now)
    for section, index, value in raw:
        if section == "header":
            header[str(index)] = value
        elif section == "settings":
            settings.update(_settings(value))
        else:
            assert isinstance(index, int)
            record = value if isinstance(value, Record) else _model(
                SECTION_MODELS[section], f"{section}[{index}]", value)
            checks.record(section, index, record)
            if isinstance(record, SessionIn) and is_bare(record.routine):  # milestone 1's
                record = record.model_copy(update={
                    "routine": upgraded_document(as_routine(record.routine))})
            yield section, index, record
    _model(HeaderIn, "", header)


def _document_items(document: ExportDocument) -> Iterator[tuple[str, int | str, Any]]:
    for key in ("format", "version", "exported_at", "app_version"):
        yield "header", key, getattr(document, key).isoformat() if key == "exported_at" \
            else getattr(document, key)
    yield "settings", "", document.settings
    for section in SECTION_MODELS:
        for index, record in enumerate(getattr(document, section)):
            yield section, index, record


def parse_export(raw: str | bytes) -> ExportDocument:
    """Parse and fully validate an export file's text (StoreInputError naming the field)."""
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    header: dict[str, Any] = {}
    settings: dict[str, Any] = {}
    lists: dict[str, list[Any]] = {section: [] for section in SECTION_MODELS}
    for section, _, record in _checked(read_export(io.BytesIO(data)), header, settings, utcnow()):
        lists[section].append(record)
    top = _model(HeaderIn, "", header)
    fields: dict[str, Any] = {**lists, "format": top.format, "version": top.version,
                              "exported_at": top.exported_at, "app_version": top.app_version,
                              "settings": settings}
    return ExportDocument.model_construct(**fields)


def check_export_file(stream: IO[bytes]) -> dict[str, int]:
    """Validate a whole export file without a database (how many records each list holds);
    reads it as a stream, so memory stays flat whatever the file's size."""
    counts = dict.fromkeys(SECTION_MODELS, 0)
    for section, _, _ in _checked(read_export(stream), {}, {}, utcnow()):
        counts[section] += 1
    return counts


def import_export_file(db: Session, stream: IO[bytes], *, merge: bool = False) -> ImportSummary:
    """Validate, then write, an export file read as a stream (two passes over ``stream``, which
    must be seekable): a bad record anywhere writes nothing."""
    stream.seek(0)
    check_export_file(stream)
    stream.seek(0)
    settings: dict[str, Any] = {}
    return _write(db, _checked(read_export(stream), {}, settings, utcnow()), settings,
                  merge=merge)


def import_diary(db: Session, document: ExportDocument, *, merge: bool = False) -> ImportSummary:
    """Write a validated export into the diary (refuses a non-empty diary unless ``merge``)."""
    settings: dict[str, Any] = {}
    return _write(db, _checked(_document_items(document), {}, settings, utcnow()), settings,
                  merge=merge)


# ---- writing: one table-driven path for the four record lists ---------------------------------


def _canonical(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":"))
                          .encode("utf-8")).hexdigest()


def _utc(when: datetime) -> datetime:
    return when.astimezone(UTC)


@dataclass(frozen=True)
class _Table:
    """How one record list is written: its table, the row for a record, and, for a merge,
    the identity that says "the diary already has this one" and how to look it up."""

    name: str
    model: type[Any]
    row: Callable[[Any, dict[str, dict[int, int]]], dict[str, Any]]
    key: Callable[[dict[str, Any]], Hashable]
    existing: Callable[[Session, list[dict[str, Any]]], set[Hashable]]
    mapped: bool  # later records refer to this list's ids: a merge must learn the new ones


def _screen_row(screen: ScreenIn, _maps: dict[str, dict[int, int]]) -> dict[str, Any]:
    return {"taken_at": screen.taken_at, "tier": screen.tier,
            "exercise_allowed": screen.exercise_allowed, "answers": dict(screen.answers),
            "reasons": list(screen.reasons), "advice": screen.advice}


def _session_row(session: SessionIn, maps: dict[str, dict[int, int]]) -> dict[str, Any]:
    return {"started_at": session.started_at, "ended_at": session.ended_at,
            "routine": session.routine,
            "completed": session.completed,
            "stop_reason": short_text("stop_reason", session.stop_reason, 200),
            "screen_id": None if session.screen_id is None else maps["screens"][session.screen_id]}


def _rating_row(rating: RatingIn, maps: dict[str, dict[int, int]]) -> dict[str, Any]:
    return {"rated_at": rating.at, "pain": rating.pain, "kind": rating.kind,
            "location": short_text("where", rating.where, 80),
            "session_id": None if rating.session_id is None else maps["sessions"][rating.session_id],
            "spread": rating.spread}


def _feedback_row(item: FeedbackIn, maps: dict[str, dict[int, int]]) -> dict[str, Any]:
    return {"session_id": maps["sessions"][item.session_id], "technique_id": item.technique,
            "verdict": item.verdict, "recorded_at": item.at}


def _programme_row(item: ProgrammeIn, _maps: dict[str, dict[int, int]]) -> dict[str, Any]:
    return {"created_at": item.created_at, "start_date": item.start_date, "weeks": item.weeks,
            "days": sorted(set(item.days)), "at_time": item.at_time,
            "profile": item.profile.model_dump(exclude_unset=True), "status": item.status,
            "ended_at": item.ended_at, "seen_at": item.seen_at,
            "seen_rules": None if item.seen_rules is None else list(item.seen_rules),
            "calendar_token": new_calendar_token()}  # the file never holds the secret


def _link_row(item: ProgrammeSessionIn, maps: dict[str, dict[int, int]]) -> dict[str, Any]:
    return {"programme_id": maps["programmes"][item.programme_id],
            "session_id": maps["sessions"][item.session_id], "day": item.day}


def _checkin_row(item: CheckinIn, maps: dict[str, dict[int, int]]) -> dict[str, Any]:
    activities, sleep, confidence = check_checkin(item.activities, item.sleep, item.confidence)
    return {"programme_id": maps["programmes"][item.programme_id], "week": item.week,
            "recorded_at": item.at, "activities": activities, "sleep": sleep,
            "confidence": confidence}


def _walk_row(item: WalkIn, _maps: dict[str, dict[int, int]]) -> dict[str, Any]:
    return {"day": item.day, "kind": item.kind, "minutes": item.minutes,
            "recorded_at": item.at}


def _existing(column: Any, columns: Sequence[Any], key_of: Callable[[Any], Hashable],
              values: Callable[[list[dict[str, Any]]], list[Any]]
              ) -> Callable[[Session, list[dict[str, Any]]], set[Hashable]]:
    def look_up(db: Session, rows: list[dict[str, Any]]) -> set[Hashable]:
        wanted = list(set(values(rows)))
        if not wanted:
            return set()
        query = select(*columns).where(column.in_(wanted))
        owned = getattr(column.class_, "user_id", None)
        # Feedback is looked up by session ids, which are the user's own sessions already.
        query = query if owned is None else query.where(owned == owner_of(db))
        return {key_of(row) for row in db.execute(query)}
    return look_up


# Merge identities: a screen is its time and answers; a session its start and its routine
# document (two sessions may start in the same second: the routine tells them apart); a rating
# its time and values; feedback its session and technique (one verdict per technique).
TABLES: tuple[_Table, ...] = (
    _Table("screens", Screen, _screen_row,
           lambda r: (_utc(r["taken_at"]), r["tier"], _canonical(r["answers"])),
           _existing(Screen.taken_at, (Screen.taken_at, Screen.tier, Screen.answers),
                     lambda s: (_utc(s[0]), s[1], _canonical(s[2])),
                     lambda rows: [r["taken_at"] for r in rows]), mapped=True),
    _Table("sessions", PracticeSession, _session_row,
           lambda r: (_utc(r["started_at"]), _canonical(r["routine"])),
           _existing(PracticeSession.started_at,
                     (PracticeSession.started_at, PracticeSession.routine),
                     lambda s: (_utc(s[0]), _canonical(s[1])),
                     lambda rows: [r["started_at"] for r in rows]), mapped=True),
    _Table("ratings", PainRating, _rating_row,
           lambda r: (_utc(r["rated_at"]), r["pain"], r["kind"], r["spread"]),
           _existing(PainRating.rated_at, (PainRating.rated_at, PainRating.pain,
                                            PainRating.kind, PainRating.spread),
                     lambda s: (_utc(s[0]), s[1], s[2], bool(s[3])),
                     lambda rows: [r["rated_at"] for r in rows]), mapped=False),
    _Table("feedback", TechniqueFeedback, _feedback_row,
           lambda r: (r["session_id"], r["technique_id"]),
           _existing(TechniqueFeedback.session_id,
                     (TechniqueFeedback.session_id, TechniqueFeedback.technique_id),
                     lambda s: (s[0], s[1]), lambda rows: [r["session_id"] for r in rows]),
           mapped=False),
    # A programme is its start time and plan; a link its session (a session is one programme
    # day at most); a check-in its programme, week and time; a walk its day, minutes and time.
    _Table("programmes", Programme, _programme_row,
           lambda r: (_utc(r["created_at"]), r["start_date"], r["weeks"], tuple(r["days"]),
                      r["at_time"]),
           _existing(Programme.created_at, (Programme.created_at, Programme.start_date,
                                            Programme.weeks, Programme.days, Programme.at_time),
                     lambda s: (_utc(s[0]), s[1], s[2], tuple(s[3]), s[4]),
                     lambda rows: [r["created_at"] for r in rows]), mapped=True),
    _Table("programme_sessions", ProgrammeSession, _link_row, lambda r: r["session_id"],
           _existing(ProgrammeSession.session_id, (ProgrammeSession.session_id,),
                     lambda s: s[0], lambda rows: [r["session_id"] for r in rows]),
           mapped=False),
    _Table("programme_checkins", ProgrammeCheckin, _checkin_row,
           lambda r: (r["programme_id"], r["week"], _utc(r["recorded_at"])),
           _existing(ProgrammeCheckin.programme_id,
                     (ProgrammeCheckin.programme_id, ProgrammeCheckin.week,
                      ProgrammeCheckin.recorded_at),
                     lambda s: (s[0], s[1], _utc(s[2])),
                     lambda rows: [r["programme_id"] for r in rows]), mapped=False),
    _Table("walks", ActivityLog, _walk_row,
           lambda r: (r["day"], r["minutes"], _utc(r["recorded_at"])),
           _existing(ActivityLog.day, (ActivityLog.day, ActivityLog.minutes,
                                       ActivityLog.recorded_at),
                     lambda s: (s[0], s[1], _utc(s[2])), lambda rows: [r["day"] for r in rows]),
           mapped=False),
)
_BY_NAME = {table.name: table for table in TABLES}


def _write(db: Session, items: Iterable[Item], settings: dict[str, Any], *,
           merge: bool) -> ImportSummary:
    empty = is_empty(db)
    # Ids are unique across users: keep the file's only when nobody has any record yet.
    keep_ids = empty and _no_rows_at_all(db)
    user = owner_of(db)
    if not empty and not merge:
        raise StoreInputError(
            "diary", "is not empty; import only into an empty diary, or ask to merge"
        )
    added = dict.fromkeys((*SECTION_MODELS, "settings"), 0)
    skipped = dict(added)
    mapped = [table.name for table in TABLES if table.mapped]
    maps: dict[str, dict[int, int]] = {name: _Identity() if keep_ids else {} for name in mapped}
    pending: list[tuple[int, dict[str, Any]]] = []
    current: _Table | None = None
    rated: list[datetime] = []  # the first and last rating time seen, for the per-day totals

    def flush() -> None:
        if current is None or not pending:
            return
        table, rows = current, pending[:]
        pending.clear()
        if hasattr(table.model, "user_id"):  # feedback, links, check-ins: their parent's user
            rows = [(file_id, {"user_id": user, **row}) for file_id, row in rows]
        if keep_ids:
            db.execute(insert(table.model), [{"id": file_id, **row} for file_id, row in rows])
            added[table.name] += len(rows)
            return
        have = table.existing(db, [row for _, row in rows])
        for file_id, row in rows:
            key = table.key(row)
            if key in have:
                skipped[table.name] += 1
                if table.mapped:
                    maps[table.name][file_id] = _find(db, table, key, row)
                continue
            have.add(key)
            added[table.name] += 1
            if table.mapped:
                new_id = db.execute(insert(table.model).returning(table.model.id), row).scalar_one()
                maps[table.name][file_id] = int(new_id)
            else:
                db.execute(insert(table.model), row)

    for section, _, record in items:
        table = _BY_NAME[section]
        if table is not current:
            flush()
            current = table
        row = table.row(record, maps)
        pending.append((record.id, row))
        if section == "ratings":
            rated[:] = [min(rated[0], row["rated_at"]), max(rated[1], row["rated_at"])] \
                if rated else [row["rated_at"], row["rated_at"]]
        if len(pending) >= BATCH:
            flush()
    flush()
    _settle(db, user, added)
    if rated:  # the days the file touched, recomputed once (store.rating_days)
        refresh_days(db, utc_day(rated[0]), utc_day(rated[1]))
    for key, value in sorted(settings.items()):
        present = db.get(Setting, (user, key)) is not None
        if not present:
            db.add(Setting(user_id=user, key=key, value=value, updated_at=utcnow()))
        (skipped if present else added)["settings"] += 1
    db.flush()
    if keep_ids:
        _resync_sequences(db)
    return ImportSummary(added=added, skipped=skipped)


def _settle(db: Session, user: int, added: dict[str, int]) -> None:
    """What the store's own writes keep true, after a merge: one programme active at a time
    (the latest started; the others end, as starting a new one ends the old) and no day with
    more walking than a day holds."""
    if added["programmes"]:
        active = list(db.scalars(select(Programme).where(
            Programme.user_id == user, Programme.status == "active")
            .order_by(Programme.created_at, Programme.id)))
        for row in active[:-1]:
            row.status, row.ended_at = "ended", utcnow()
    if added["walks"]:
        over = db.execute(select(ActivityLog.day, func.sum(ActivityLog.minutes))
                          .where(ActivityLog.user_id == user).group_by(ActivityLog.day)
                          .having(func.sum(ActivityLog.minutes) > MAX_DAY_MINUTES).limit(1)).first()
        if over is not None:
            raise StoreInputError("walks", f"would make {over[1]} minutes on "
                                  f"{over[0].isoformat()}, more than a day holds")


class _Identity(dict[int, int]):
    """Into an empty diary ids are kept: every file id maps to itself."""

    def __missing__(self, key: int) -> int:
        return key


_WHEN = {"screens": "taken_at", "sessions": "started_at", "programmes": "created_at"}


def _find(db: Session, table: _Table, key: Hashable, row: dict[str, Any]) -> int:
    """The id of the diary's own copy of a mapped record a merge skips."""
    name = _WHEN[table.name]
    column, when = getattr(table.model, name), row[name]
    rows: list[Any] = list(db.execute(select(table.model).where(
        column == when, table.model.user_id == owner_of(db))).scalars())
    for found in rows:
        values = {c.name: getattr(found, c.name) for c in table.model.__table__.columns}
        if table.key(values) == key:
            return int(found.id)
    raise AssertionError("the merge look-up found a record it cannot find again")  # pragma: no cover


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
    """Delete every record and setting of the session's user; returns the rows each lost.

    Call ``Database.compact()`` afterwards (outside the transaction) so that a SQLite file
    keeps no trace of the deleted rows.
    """
    from backrelief.store.programme import forget_programmes  # issue 14: programme tables

    gone = forget_programmes(db)
    forget_days(db)
    deleted: dict[str, int] = {  # named as the export names them
        "programme_checkins": gone["programme_checkins"],
        "programme_sessions": gone["programme_sessions"],
        "programmes": gone["programmes"], "walks": gone["activity_logs"]}
    user = owner_of(db)
    for name, model, where in (
        ("feedback", TechniqueFeedback, _my_feedback(db)),
        ("ratings", PainRating, PainRating.user_id == user),
        ("sessions", PracticeSession, PracticeSession.user_id == user),
        ("screens", Screen, Screen.user_id == user),
        ("settings", Setting, Setting.user_id == user),
    ):
        deleted[name] = int(db.scalar(select(func.count()).select_from(model).where(where)) or 0)
        db.execute(delete(model).where(where))
    return deleted
