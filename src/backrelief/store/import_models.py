"""What an imported record may hold: the same models and ranges the API and the CLI apply.

Issue 15: import took screens whose answers were wrong (``{"age": "old"}``, unknown ids),
routines with wrong fields, ratings from year 1 and feedback from 9999, settings such as
``minutes: 9999``; the pages then answered 500. Each record is now checked with

* a screen's answers: ``core.screening.check_answers`` (the screen's own question model), its
  reasons: ``core.screening.Reason``;
* a session's routine: the routine and profile models of ``plan --json`` and
  ``journey.document`` (the profile through ``core.planner.Profile``'s own checks);
* times: aware, not before 1970 and not in the future (``store.validation``, as the CLI);
* settings: the keys the app remembers, with the builder's ranges.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
)

from backrelief.core.catalog import HOLD_STAGES, Role
from backrelief.core.planner import RegionChoice
from backrelief.core.programme import MAX_WEEKS, MIN_WEEKS
from backrelief.core.progress import Verdict
from backrelief.core.vocabulary import (
    MAX_MINUTES,
    MIN_MINUTES,
    ConditionId,
    Equipment,
    Intensity,
    Position,
)

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
TechniqueId = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)
]


def _text_time(value: Any) -> Any:
    if not isinstance(value, str):  # lax datetime parsing would take a number as a timestamp
        raise ValueError("must be an ISO 8601 date and time with an offset, as text")
    return value


def _text_day(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("must be a date like 2026-12-07, as text")
    return value


# Records are strict (no "5" for 5, no 1 for true), but times arrive as text from the stream.
Timestamp = Annotated[AwareDatetime, BeforeValidator(_text_time), Field(strict=False)]
Text = Annotated[str, StringConstraints(max_length=4000)]
Day = Annotated[date, BeforeValidator(_text_day), Field(strict=False)]


class Strict(BaseModel):
    """Unknown keys refused, no type coercion, frozen."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Record(Strict):
    """Every record has an id: the export's own, kept when importing into an empty diary."""

    id: Id


class RoutineItemIn(Strict):
    """One item of a routine, as ``core.planner.RoutineItem.to_json`` writes it."""

    technique: TechniqueId
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    position: Position
    equipment: list[Equipment] = Field(max_length=10)
    seconds: Annotated[int, Field(ge=0, le=24 * 3600)]
    variant: Annotated[str, StringConstraints(max_length=60)] | None
    rounds: Annotated[int, Field(ge=1, le=1000)]
    # A programme's longer holds (core.catalog.Step.held); exports before issue 14 have none.
    hold: Annotated[int, Field(ge=0, le=HOLD_STAGES)] = 0
    role: Role
    intensity: Intensity
    why: Text


class ExclusionIn(Strict):
    """A technique the planner left out, and why."""

    technique: TechniqueId
    reasons: list[Text] = Field(max_length=50)


class ProfileIn(Strict):
    """The profile a session was planned for (``journey.document.profile_json``)."""

    region: RegionChoice
    equipment: list[Equipment] = Field(max_length=10)
    minutes: Annotated[int, Field(ge=MIN_MINUTES, le=MAX_MINUTES)]
    conditions: list[ConditionId] = Field(max_length=20)
    pregnancy_weeks: int | None = None
    pain: Annotated[int, Field(ge=0, le=10)] | None = None
    gentle_only: bool = False
    no_floor: bool = False
    migrated: bool = False  # written by migration 0003 for rows that had no profile


class RoutineIn(Strict):
    """A stored session document: the ``plan --json`` routine, its profile and version.

    Files exported before revision 0003 may lack ``profile`` and ``version``.
    """

    version: Literal[1] | None = None
    items: list[RoutineItemIn] = Field(max_length=500)
    seconds: Annotated[int, Field(ge=0, le=24 * 3600)]
    excluded: list[ExclusionIn] = Field(default_factory=list, max_length=2000)
    advice: list[Text] = Field(default_factory=list, max_length=100)
    profile: ProfileIn | None = None


class ScreenIn(Record):
    taken_at: Timestamp
    tier: Literal["emergency", "same_day", "see_professional", "self_care", "incomplete"]
    exercise_allowed: bool
    answers: dict[str, JsonValue]
    reasons: list[JsonValue]
    advice: Text | None = None


class SessionIn(Record):
    started_at: Timestamp
    ended_at: Timestamp | None = None
    routine: JsonValue  # checked with RoutineIn, stored exactly as the file has it
    completed: bool | None = None
    stop_reason: str | None = None
    screen_id: Id | None = None


class RatingIn(Record):
    at: Timestamp
    pain: Annotated[int, Field(ge=0, le=10)]
    kind: Literal["before", "after", "daily"]
    where: str | None = None
    session_id: Id | None = None
    # Added with schema revision 0002; files exported before it have no such field.
    spread: bool = False


class FeedbackIn(Record):
    session_id: Id
    technique: TechniqueId
    verdict: Verdict
    at: Timestamp


class ProgrammeIn(Record):
    """A programme (issue 14) as ``store.programme`` keeps it, without its calendar token (a
    secret: an import makes a fresh one). The plan's rules are ``core.programme.ProgrammePlan``'s
    and the profile the planner's, both checked again by the import's cross-checks."""

    created_at: Timestamp
    start_date: Day
    weeks: Annotated[int, Field(ge=MIN_WEEKS, le=MAX_WEEKS)]
    days: list[int] = Field(min_length=1, max_length=7)
    at_time: Annotated[str, StringConstraints(pattern=r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$")]
    profile: ProfileIn
    status: Literal["active", "ended"]
    ended_at: Timestamp | None = None
    seen_at: Timestamp | None = None
    seen_rules: list[Annotated[str, StringConstraints(max_length=80)]] | None = Field(
        default=None, max_length=100)


class ProgrammeSessionIn(Record):
    """A session done as one of a programme's days."""

    programme_id: Id
    session_id: Id
    day: Day


class CheckinIn(Record):
    """A weekly check-in; its ranges are ``core.programme.check_checkin``'s."""

    programme_id: Id
    week: int
    at: Timestamp
    activities: dict[str, int]
    sleep: int | None = None
    confidence: int | None = None


class WalkIn(Record):
    """A walk in the activity log; its ranges are ``core.activity``'s."""

    day: Day
    kind: Literal["walk"]
    minutes: int
    at: Timestamp


class SettingsIn(Strict):
    """The settings the app remembers (``journey.defaults``, ``journey.memory``), with the
    builder's ranges; an unknown key is refused."""

    region: RegionChoice | None = None
    minutes: Annotated[int, Field(ge=MIN_MINUTES, le=MAX_MINUTES)] | None = None
    equipment: list[Equipment] | None = Field(default=None, max_length=10)
    conditions: list[ConditionId] | None = Field(default=None, max_length=20)
    brought_back: dict[TechniqueId, Timestamp] | None = None


class HeaderIn(Strict):
    """The export's top-level fields."""

    format: Literal["backrelief-diary"]
    version: Literal[1]
    exported_at: Timestamp
    app_version: Annotated[str, StringConstraints(max_length=40)]


SECTION_MODELS: dict[str, type[Record]] = {
    "screens": ScreenIn,
    "sessions": SessionIn,
    "ratings": RatingIn,
    "feedback": FeedbackIn,
    # Issue 14's tables; files exported before them have none of these lists.
    "programmes": ProgrammeIn,
    "programme_sessions": ProgrammeSessionIn,
    "programme_checkins": CheckinIn,
    "walks": WalkIn,
}


def time_fields(record: Record) -> list[tuple[str, datetime]]:
    """The record's times, by field name (each must be from 1970 on and not in the future)."""
    return [(name, value) for name, value in record if isinstance(value, datetime)]
