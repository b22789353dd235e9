"""One session document for both shells, and the "not today" verdict.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

Before this, the web stored ``{items, seconds, excluded, advice, profile}`` and the terminal the
bare routine without ``profile`` (sometimes a list of items), so terminal sessions lost their
conditions in the browser. Every row now holds the document of ``journey.document``: the routine
fields, ``profile`` and ``version: 1``. A terminal row's profile is rebuilt from what the row
says, best effort: the conditions named by its exclusions (the planner writes "<condition id>:
..."), the equipment its items use, its minutes from its length, pain from the session's "before"
rating; the region is not recorded, so it reads as "whole". Downgrade removes ``version`` and the
profiles this revision made up (``"migrated": true``), so old code reads what it wrote.

Sessions get ``after_id``: the browser's own id for the after-session answers, so answers the
offline outbox sends twice are stored once.

Technique feedback may also say "not_today" (journey.memory leaves it out for the rest of the
day); downgrade turns those into "stopped", the nearest old verdict.

Written by hand with plain SQLAlchemy (not the application's models), like 0001.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies: a later change to the vocabulary must not change what this revision does.
CONDITION_IDS = ("osteoporosis", "pregnancy", "hypermobility", "anticoagulants", "sciatica",
                 "stenosis", "knee_problem", "wrist_problem", "shoulder_problem", "acute_strain")
EQUIPMENT_IDS = ("foam_roller", "tennis_ball", "lacrosse_ball", "chair", "wall")

_sessions = sa.table("sessions", sa.column("id", sa.Integer()), sa.column("routine", sa.JSON()))
_ratings = sa.table("pain_ratings", sa.column("session_id", sa.Integer()),
                    sa.column("kind", sa.String()), sa.column("pain", sa.Integer()),
                    sa.column("rated_at", sa.DateTime(timezone=True)), sa.column("id", sa.Integer()))
_feedback = sa.table("technique_feedback", sa.column("verdict", sa.String()))

OLD_VERDICTS = "verdict IN ('better', 'same', 'worse', 'stopped')"
NEW_VERDICTS = "verdict IN ('better', 'same', 'worse', 'stopped', 'not_today')"


def _profile(routine: dict[str, Any], pain: int | None) -> dict[str, Any]:
    conditions = {
        str(reason).split(":", 1)[0]
        for entry in routine.get("excluded", []) if isinstance(entry, dict)
        for reason in entry.get("reasons", [])
    } & set(CONDITION_IDS)
    equipment = {
        str(kit)
        for item in routine.get("items", []) if isinstance(item, dict)
        for kit in item.get("equipment", [])
    } & set(EQUIPMENT_IDS)
    seconds = routine.get("seconds")
    minutes = round(seconds / 60) if isinstance(seconds, int) and not isinstance(seconds, bool) else 10
    return {
        "region": "whole",
        "equipment": sorted(equipment),
        "minutes": min(60, max(3, minutes)),
        "conditions": sorted(conditions),
        "pregnancy_weeks": None,
        "pain": pain if isinstance(pain, int) and 0 <= pain <= 10 else None,
        "gentle_only": False,
        "no_floor": False,
        "migrated": True,
    }


def _upgraded(routine: Any, pain: int | None) -> Any:
    if isinstance(routine, list):
        routine = {"items": routine, "seconds": sum(
            item.get("seconds", 0) for item in routine
            if isinstance(item, dict) and isinstance(item.get("seconds"), int)
        ), "excluded": [], "advice": []}
    if not isinstance(routine, dict):
        return routine  # not a routine at all: left for the readers to refuse
    document = dict(routine)
    if not isinstance(document.get("profile"), dict):
        document["profile"] = _profile(document, pain)
    document["version"] = 1
    return document


def _before_pain(connection: sa.Connection) -> dict[int, int]:
    first: dict[int, int] = {}
    rows = connection.execute(
        sa.select(_ratings.c.session_id, _ratings.c.pain)
        .where(_ratings.c.kind == "before", _ratings.c.session_id.is_not(None))
        .order_by(_ratings.c.rated_at, _ratings.c.id)
    )
    for session_id, pain in rows:
        first.setdefault(session_id, pain)
    return first


def upgrade() -> None:
    connection = op.get_bind()
    pain = _before_pain(connection)
    for session_id, routine in connection.execute(sa.select(_sessions.c.id, _sessions.c.routine)).all():
        document = _upgraded(routine, pain.get(session_id))
        if document != routine:
            connection.execute(_sessions.update().where(_sessions.c.id == session_id)
                               .values(routine=document))
    with op.batch_alter_table("technique_feedback") as batch:
        batch.drop_constraint(op.f("ck_technique_feedback_verdict"), type_="check")
        batch.create_check_constraint(op.f("ck_technique_feedback_verdict"), NEW_VERDICTS)
    # Not in batch mode: on SQLite that rebuilds the table, and dropping the old "sessions"
    # would cascade to its ratings and feedback. A nullable column and an index need no rebuild.
    op.add_column("sessions", sa.Column("after_id", sa.String(length=40), nullable=True))
    op.create_index(op.f("ix_sessions_after_id"), "sessions", ["after_id"], unique=True)


def downgrade() -> None:
    connection = op.get_bind()
    op.drop_index(op.f("ix_sessions_after_id"), table_name="sessions")
    op.drop_column("sessions", "after_id")  # SQLite 3.35+ drops a column without a rebuild
    connection.execute(_feedback.update().where(_feedback.c.verdict == "not_today")
                       .values(verdict="stopped"))
    with op.batch_alter_table("technique_feedback") as batch:
        batch.drop_constraint(op.f("ck_technique_feedback_verdict"), type_="check")
        batch.create_check_constraint(op.f("ck_technique_feedback_verdict"), OLD_VERDICTS)
    for session_id, routine in connection.execute(sa.select(_sessions.c.id, _sessions.c.routine)).all():
        if not isinstance(routine, dict) or "version" not in routine:
            continue
        document = {key: value for key, value in routine.items() if key != "version"}
        profile = document.get("profile")
        if isinstance(profile, dict) and profile.get("migrated") is True:
            del document["profile"]
        connection.execute(_sessions.update().where(_sessions.c.id == session_id)
                           .values(routine=document))
