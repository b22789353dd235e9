"""Remembered defaults: a small key/value table (region, equipment, minutes, conditions, ...).

Values are JSON. The store checks only the key's form and that the value is JSON; what a
setting means, and which values are valid, belongs to the code that reads it (the planner's
vocabulary in ``core.vocabulary``; which settings are remembered choices: ``journey.defaults``).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backrelief.store.errors import StoreInputError
from backrelief.store.models import Setting
from backrelief.store.scope import owner_of
from backrelief.store.types import utcnow
from backrelief.store.upsert import upsert
from backrelief.store.validation import json_value

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _key(key: Any) -> str:
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise StoreInputError("key", f"must be a lower-case name like 'region', got {key!r}")
    return key


def get_setting(db: Session, key: str, default: Any = None) -> Any:
    """The value stored under ``key``, or ``default``."""
    row = db.get(Setting, (owner_of(db), _key(key)))
    return default if row is None else row.value


def set_setting(db: Session, key: str, value: Any) -> None:
    """Remember ``value`` (JSON data) under ``key``, replacing any previous value."""
    name = _key(key)
    stored = json_value(name, value)
    db.flush()  # pending ORM changes first: the upsert is a plain statement
    # One statement, so simultaneous identical writes never collide (store.upsert).
    upsert(db, Setting, {"user_id": owner_of(db), "key": name, "value": stored,
                         "updated_at": utcnow()},
           key=("user_id", "key"))
    db.expire_all()


def delete_setting(db: Session, key: str) -> bool:
    """Forget one setting; True if it existed."""
    row = db.get(Setting, (owner_of(db), _key(key)))
    if row is None:
        return False
    db.delete(row)
    db.flush()
    return True


def all_settings(db: Session) -> dict[str, Any]:
    """Every setting, by key."""
    query = select(Setting).where(Setting.user_id == owner_of(db)).order_by(Setting.key)
    return {row.key: row.value for row in db.scalars(query)}
