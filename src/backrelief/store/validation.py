"""Checks shared by the repository functions; each failure names its field."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from backrelief.store.errors import StoreInputError

# A phone's clock and the computer's may disagree a little; beyond this, "the future" is a typo.
FUTURE_TOLERANCE = timedelta(minutes=5)
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def aware_utc(field: str, value: Any) -> datetime:
    """``value`` as an aware UTC datetime; naive or non-datetime values are refused."""
    if not isinstance(value, datetime):
        raise StoreInputError(field, f"expected a date and time, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise StoreInputError(field, "needs a time zone (times are stored in UTC)")
    return value.astimezone(UTC)


def past_time(field: str, value: Any, now: datetime) -> datetime:
    """An aware UTC time that is not in the future (beyond a small clock tolerance)."""
    when = aware_utc(field, value)
    if when > now + FUTURE_TOLERANCE:
        raise StoreInputError(field, f"{when.isoformat()} is in the future")
    if when < EARLIEST:
        raise StoreInputError(field, f"{when.isoformat()} is before 1970")
    return when


def whole_number(field: str, value: Any, low: int, high: int) -> int:
    """An int (not a bool) between ``low`` and ``high`` inclusive."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise StoreInputError(field, f"must be a whole number from {low} to {high}, got {value!r}")
    if not low <= value <= high:
        raise StoreInputError(field, f"must be from {low} to {high}, got {value}")
    return value


def row_id(field: str, value: Any) -> int:
    """A stored row's id: an int from 1 to 2**63 - 1 (larger ones overflow the drivers)."""
    from backrelief.core.fields import MAX_ROW_ID

    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ROW_ID:
        raise StoreInputError(field, f"must be an id from 1 to {MAX_ROW_ID}, got {value!r}")
    return value


def one_of(field: str, value: Any, allowed: tuple[str, ...]) -> str:
    """``value`` if it is one of ``allowed``."""
    if not isinstance(value, str) or value not in allowed:
        raise StoreInputError(field, f"must be one of {', '.join(allowed)}; got {value!r}")
    return value


def short_text(field: str, value: Any, max_length: int) -> str | None:
    """A one-line text of at most ``max_length`` characters; blank becomes None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise StoreInputError(field, f"must be text, got {type(value).__name__}")
    text = value.strip()
    if not text:
        return None
    if len(text) > max_length:
        raise StoreInputError(field, f"must be at most {max_length} characters")
    if _CONTROL.search(text):
        raise StoreInputError(field, "must be a single line without control characters")
    return text


def slug(field: str, value: Any) -> str:
    """A content id such as ``cat-cow``."""
    if not isinstance(value, str) or len(value) > 60 or not SLUG.match(value):
        raise StoreInputError(field, f"must be an id like 'cat-cow', got {value!r}")
    return value


def json_value(field: str, value: Any) -> Any:
    """``value`` if it can be stored as JSON (and read back as the same value)."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise StoreInputError(field, f"must be JSON data: {exc}") from None
    return value
