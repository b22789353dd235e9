"""The diary's tables (SQLAlchemy 2 declarative models).

Changing a table means a new Alembic revision under ``migrations/versions/``; a test compares
these models with the migrated schema on SQLite and PostgreSQL so the two cannot drift apart.
Rows are never handed out of the store: repository functions return plain frozen records, so
callers (CLI, web app) never depend on a Session being open.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from backrelief.store.types import UTCDateTime

# Stable constraint names, so migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with the naming convention above."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Accounts (issue 13, revision 0006). Every diary row belongs to one user; the repository
# functions read and write only the rows of the session's user (store.scope). The account
# tables themselves are reached through store.accounts only.
class User(Base):
    """One person with a diary: the owner (made by revision 0006) or a member."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('owner', 'member')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    # The name folded to lower case: names are unique whatever their case ("Alice" = "alice").
    name_key: Mapped[str] = mapped_column(String(40), unique=True)
    # Argon2id (PHC string); NULL for an account that cannot log in with a password (the owner
    # on loopback, a user who signs in only through a paired device).
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuthSession(Base):
    """A signed-in browser or paired device. The id is the SHA-256 of the cookie's token, so a
    copy of the database does not let anyone in."""

    __tablename__ = "auth_sessions"
    __table_args__ = (CheckConstraint("kind IN ('browser', 'device')", name="kind"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    label: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)  # absolute, whatever the activity
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginAttempt(Base):
    """Failed logins counted per account and per address, in the database so that every
    worker process sees the same counts (store.accounts' throttling)."""

    __tablename__ = "login_attempts"
    __table_args__ = (CheckConstraint("scope IN ('account', 'address')", name="scope"),)

    scope: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Invite(Base):
    """A single-use registration link; only the SHA-256 of its token is stored."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PairingCode(Base):
    """A single-use, ten-minute code that signs a phone in to one user's account."""

    __tablename__ = "pairing_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Screen(Base):
    """One completed safety screen: the answers given and the tier it produced."""

    __tablename__ = "screens"
    __table_args__ = (
        CheckConstraint(
            "tier IN ('emergency', 'same_day', 'see_professional', 'self_care', 'incomplete')",
            name="tier",
        ),
        Index("ix_screens_user_id_taken_at", "user_id", "taken_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    tier: Mapped[str] = mapped_column(String(20))
    exercise_allowed: Mapped[bool]
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    reasons: Mapped[list[Any]] = mapped_column(JSON)
    advice: Mapped[str | None] = mapped_column(Text)


class PracticeSession(Base):
    """One guided session: the routine played, when, and how it ended."""

    __tablename__ = "sessions"
    __table_args__ = (
        Index("ix_sessions_user_id_started_at", "user_id", "started_at"),
        Index("ix_sessions_user_id_ended_at", "user_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # revision 0004
    routine: Mapped[Any] = mapped_column(JSON)
    completed: Mapped[bool | None]
    stop_reason: Mapped[str | None] = mapped_column(String(200))
    screen_id: Mapped[int | None] = mapped_column(
        ForeignKey("screens.id", ondelete="SET NULL"), index=True
    )
    # The browser's own id for the after-session answers: the offline outbox may send them
    # again, and they must be stored once (journey.sessions.finish_after).
    after_id: Mapped[str | None] = mapped_column(String(40), index=True, unique=True)


class PainRating(Base):
    """One 0-10 numeric pain rating: before or after a session, or a daily rating."""

    __tablename__ = "pain_ratings"
    __table_args__ = (
        CheckConstraint("pain >= 0 AND pain <= 10", name="pain_range"),
        CheckConstraint("kind IN ('before', 'after', 'daily')", name="kind"),
        # Revision 0004: the windowed reads (store.advice, the progress page's chart); since
        # 0006 they lead with the user, as every read does.
        Index("ix_pain_ratings_user_id_kind_rated_at", "user_id", "kind", "rated_at"),
        Index("ix_pain_ratings_user_id_rated_at_kind_pain", "user_id", "rated_at", "kind",
              "pain"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    pain: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(String(10))
    location: Mapped[str | None] = mapped_column(String(80))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    # The pain has spread down a leg, or further down it, since the rating before (revision 0002).
    spread: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class TechniqueFeedback(Base):
    """How one technique felt in one session: better, same, worse, stopped or not today."""

    __tablename__ = "technique_feedback"
    __table_args__ = (
        CheckConstraint(
            "verdict IN ('better', 'same', 'worse', 'stopped', 'not_today')", name="verdict"
        ),
        UniqueConstraint("session_id", "technique_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    technique_id: Mapped[str] = mapped_column(String(60))
    verdict: Mapped[str] = mapped_column(String(10))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Setting(Base):
    """A remembered default (region, equipment, minutes, conditions, ...) as a JSON value."""

    __tablename__ = "settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


# The programme (issue 14, revision 0005): a plan over weeks, the sessions it led to, and the
# weekly check-ins. Kept together here so the schema test sees them; the rules are in
# core.programme and the repository functions in store.programme.
class Programme(Base):
    """A programme of weeks: when it runs, on which weekdays, for which planner profile."""

    __tablename__ = "programmes"
    __table_args__ = (
        CheckConstraint("weeks >= 1 AND weeks <= 12", name="weeks"),
        CheckConstraint("status IN ('active', 'ended')", name="status"),
        Index("ix_programmes_user_id_status", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    start_date: Mapped[date] = mapped_column(Date)
    weeks: Mapped[int] = mapped_column(SmallInteger)
    days: Mapped[list[int]] = mapped_column(JSON)
    at_time: Mapped[str] = mapped_column(String(5))  # "HH:MM", local wall-clock time
    profile: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "I have been seen": when, and the see-a-professional rules the person was seen about.
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seen_rules: Mapped[list[str] | None] = mapped_column(JSON)
    # The secret in the private calendar subscription URL.
    calendar_token: Mapped[str] = mapped_column(String(64), unique=True)


class ProgrammeSession(Base):
    """A guided session done as part of a programme, and the programme day it was for."""

    __tablename__ = "programme_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), unique=True
    )
    day: Mapped[date] = mapped_column(Date)


class ProgrammeCheckin(Base):
    """A weekly check-in: up to three activities rated 0-10, sleep and confidence."""

    __tablename__ = "programme_checkins"
    __table_args__ = (
        CheckConstraint("sleep IS NULL OR (sleep >= 0 AND sleep <= 10)", name="sleep_range"),
        CheckConstraint("confidence IS NULL OR (confidence >= 0 AND confidence <= 10)",
                        name="confidence_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    week: Mapped[int] = mapped_column(SmallInteger)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    activities: Mapped[dict[str, int]] = mapped_column(JSON)
    sleep: Mapped[int | None] = mapped_column(SmallInteger)
    confidence: Mapped[int | None] = mapped_column(SmallInteger)


class ActivityLog(Base):
    """Minutes of walking on a calendar day (issue 14's daily activity goal); a day may have
    several entries, which add up."""

    __tablename__ = "activity_logs"
    __table_args__ = (
        CheckConstraint("minutes >= 1 AND minutes <= 600", name="minutes_range"),
        CheckConstraint("kind IN ('walk')", name="kind"),
        Index("ix_activity_logs_user_id_day", "user_id", "day"),  # every read is one user's days
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))
    minutes: Mapped[int] = mapped_column(SmallInteger)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
