"""Loading a stored session for the pages that show or play it, behind the safety gate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException
from sqlalchemy.orm import Session

from backrelief.core.catalog import Catalog, Technique
from backrelief.journey.document import document_conditions
from backrelief.store import SessionRecord
from backrelief.store.errors import StoreInputError
from backrelief.store.sessions import session_record
from backrelief.web.gate import Gate, exercise_gate


@dataclass(frozen=True)
class ItemView:
    """One routine item with its technique (for figures), as the templates show it."""

    item: dict[str, Any]
    technique: Technique | None


def load_session(db: Session, session_id: int) -> SessionRecord:
    """The stored session, or 404."""
    try:
        return session_record(db, session_id)  # plain columns, statements built once
    except StoreInputError:
        raise HTTPException(404, "There is no such session.") from None


def gated_session(db: Session, session_id: int) -> tuple[SessionRecord, Gate]:
    """The session and the gate's verdict (the caller redirects when it is not allowed)."""
    return load_session(db, session_id), exercise_gate(db)


def plan_items(routine: Any, catalog: Catalog) -> list[ItemView]:
    """A routine's items (the planner's JSON), each with its catalogue technique if it exists."""
    plan = routine if isinstance(routine, dict) else {}
    return [
        ItemView(item, catalog.techniques.get(str(item.get("technique"))))
        for item in plan.get("items", [])
        if isinstance(item, dict)
    ]


def routine_items(record: SessionRecord, catalog: Catalog) -> list[ItemView]:
    """The session's routine items, each with its catalogue technique when it still exists."""
    return plan_items(record.routine, catalog)


def session_conditions(record: SessionRecord) -> list[str]:
    """The conditions the session was planned for (one document for both shells)."""
    return document_conditions(record.routine)
