"""Column types: timezone-aware UTC timestamps on every database.

PostgreSQL has ``timestamptz``; SQLite has no time type at all and SQLAlchemy stores its
DATETIME as text without an offset. :class:`UTCDateTime` makes both behave the same: it refuses
naive datetimes on the way in (a naive time is a bug, STYLE.md habit 6), stores UTC, and always
returns aware UTC datetimes on the way out. UTC text of one fixed width also sorts correctly in
SQLite, so ``ORDER BY`` on these columns is chronological.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and returned as an aware UTC datetime."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"expected a timezone-aware datetime, got {value!r}")
        utc: datetime = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return utc.replace(tzinfo=None)  # SQLite keeps no offset: store the UTC wall time
        return utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):  # pragma: no cover - the driver parses DATETIME
            raise TypeError(f"expected a datetime from the database, got {value!r}")
        stored: datetime = value
        if stored.tzinfo is None:
            return stored.replace(tzinfo=UTC)
        return stored.astimezone(UTC)
