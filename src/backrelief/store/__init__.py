"""The diary store: SQLAlchemy 2 tables, repository functions and Alembic migrations.

Framework-free on purpose: the CLI and the web app call the same plain functions. Open the
database once, then run each unit of work in a transaction::

    from backrelief.store import open_database, add_rating, diary_advice

    db = open_database()                      # configured database, migrated to head
    with db.session(write=True) as s:         # one transaction, committed at the end
        add_rating(s, 4, kind="before", session_id=session_id)
    with db.session() as s:
        advice = diary_advice(s)              # core.progress.Advice

A guided session, as ``backrelief session`` records it::

    with db.session() as s:
        avoid = flagged_techniques(s)         # pass to the planner
        defaults = all_settings(s)            # remembered region, equipment, minutes, ...
    with db.session(write=True) as s:
        screen_id = record_result(s, result, answers)  # a core ScreenResult
        session_id = start_session(s, routine_json, screen_id=screen_id)
        add_rating(s, 5, kind="before", session_id=session_id)
    ...                                       # play the routine; commit as you go
    with db.session(write=True) as s:
        add_feedback(s, session_id, "cat-cow", "better")
        add_rating(s, 3, kind="after", session_id=session_id)
        finish_session(s, session_id, completed=True)

Every repository function takes a ``sqlalchemy.orm.Session`` first and returns plain frozen
records (never ORM rows), so results stay usable after the session closes. Bad values raise
:class:`StoreInputError` naming the field, before anything is written.

Opening (``db``, ``migrate``)
    ``open_database(url=None, *, config=None, migrate=True) -> Database``: the database named
    by ``BACKRELIEF_DATABASE_URL``, else SQLite in ``BACKRELIEF_DATA_DIR`` or the platform's
    user data directory. Migrates automatically (``alembic upgrade head``) when behind.
    ``Database.session(write=False)``, ``Database.compact()``, ``Database.close()``.

Safety screens (``screens``)
    ``record_result(s, result, answers, *, taken_at=None) -> int`` stores a
    ``core.screening.ScreenResult`` (the one way the shells record a screen);
    ``record_screen(s, *, answers, tier, exercise_allowed, reasons=(), advice=None,
    taken_at=None) -> int`` is the field-by-field form (each reason a ``Reason`` document).
    ``get_screen(s, id)``, ``latest_screen(s) -> ScreenRecord | None``, ``list_screens(s)``
    read them back typed (``ScreenRecord.reasons`` are ``core.screening.Reason``).
    ``ScreenRecord.snapshot()`` is the input ``core.progress`` takes.

Sessions (``sessions``)
    ``start_session(s, routine_json, *, started_at=None, screen_id=None) -> int``;
    ``finish_session(s, session_id, completed, stop_reason=None, *, ended_at=None)``;
    ``add_feedback(s, session_id, technique_id, verdict)`` with verdict ``better``, ``same``,
    ``worse`` or ``stopped`` (a second call for the same technique replaces the first);
    ``get_session``, ``list_sessions``, ``session_outcomes``;
    ``flagged_techniques(s) -> set[str]``: techniques the planner should leave out next time.

Pain ratings (``diary``)
    ``add_rating(s, pain, *, kind="daily", at=None, where=None, session_id=None) ->
    RatingRecord``: 0-10; kind ``before``/``after``/``daily``; ``at`` aware, not in the future.
    ``list_ratings(s, *, since=None, session_id=None, limit=None)``, ``count_ratings``,
    ``delete_rating``.

Advice (``advice``)
    ``diary_advice(s, *, now=None) -> core.progress.Advice``: trend, flagged techniques, tier,
    reasons and advice; ``Advice.as_dict()`` is the ``backrelief advice --json`` document.

Settings (``settings``)
    ``get_setting(s, key, default=None)``, ``set_setting(s, key, value)``,
    ``delete_setting(s, key)``, ``all_settings(s)``: JSON values under lower-case keys
    (``region``, ``equipment``, ``minutes``, ``conditions``, ...).

Export, import, forget (``transfer``, ``formats``)
    ``export_diary(s) -> dict`` (everything, re-importable); ``parse_export(text) ->
    ExportDocument``; ``import_diary(s, document, *, merge=False) -> ImportSummary``;
    ``is_empty(s)``; ``forget_everything(s)`` then ``Database.compact()``.
    ``ratings_csv(ratings)`` and ``fhir_bundle(ratings, now=...)`` for other programs.

Migrations (``migrate``)
    ``upgrade(engine, revision="head")``, ``downgrade(engine, revision)``,
    ``current_revision(engine)``; ``python -m backrelief.store.migrate`` from a shell.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backrelief.store.advice import diary_advice
    from backrelief.store.db import Database, open_database
    from backrelief.store.diary import (
        RatingRecord,
        add_rating,
        count_ratings,
        delete_rating,
        list_ratings,
    )
    from backrelief.store.errors import (
        DatabaseUnavailable,
        SchemaError,
        StoreError,
        StoreInputError,
    )
    from backrelief.store.formats import fhir_bundle, ratings_csv
    from backrelief.store.screens import (
        ScreenRecord,
        get_screen,
        latest_screen,
        list_screens,
        record_result,
        record_screen,
    )
    from backrelief.store.sessions import (
        SessionRecord,
        add_feedback,
        finish_session,
        flagged_techniques,
        get_session,
        list_sessions,
        session_outcomes,
        start_session,
    )
    from backrelief.store.settings import (
        all_settings,
        delete_setting,
        get_setting,
        set_setting,
    )
    from backrelief.store.transfer import (
        ExportDocument,
        ImportSummary,
        export_diary,
        forget_everything,
        import_diary,
        is_empty,
        parse_export,
    )

# Public name -> submodule. Loaded on first use (PEP 562), so a command that only adds a
# rating does not pay for building the import models, and so on: CLI start-up time matters.
_EXPORTS = {
    "diary_advice": "advice",
    "Database": "db",
    "open_database": "db",
    "RatingRecord": "diary",
    "add_rating": "diary",
    "count_ratings": "diary",
    "delete_rating": "diary",
    "list_ratings": "diary",
    "DatabaseUnavailable": "errors",
    "SchemaError": "errors",
    "StoreError": "errors",
    "StoreInputError": "errors",
    "fhir_bundle": "formats",
    "ratings_csv": "formats",
    "ScreenRecord": "screens",
    "get_screen": "screens",
    "latest_screen": "screens",
    "list_screens": "screens",
    "record_result": "screens",
    "record_screen": "screens",
    "SessionRecord": "sessions",
    "add_feedback": "sessions",
    "finish_session": "sessions",
    "flagged_techniques": "sessions",
    "get_session": "sessions",
    "list_sessions": "sessions",
    "session_outcomes": "sessions",
    "start_session": "sessions",
    "all_settings": "settings",
    "delete_setting": "settings",
    "get_setting": "settings",
    "set_setting": "settings",
    "ExportDocument": "transfer",
    "ImportSummary": "transfer",
    "export_diary": "transfer",
    "forget_everything": "transfer",
    "import_diary": "transfer",
    "is_empty": "transfer",
    "parse_export": "transfer",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "Database",
    "DatabaseUnavailable",
    "ExportDocument",
    "ImportSummary",
    "RatingRecord",
    "SchemaError",
    "ScreenRecord",
    "SessionRecord",
    "StoreError",
    "StoreInputError",
    "add_feedback",
    "add_rating",
    "all_settings",
    "count_ratings",
    "delete_rating",
    "delete_setting",
    "diary_advice",
    "export_diary",
    "fhir_bundle",
    "finish_session",
    "flagged_techniques",
    "forget_everything",
    "get_screen",
    "get_session",
    "get_setting",
    "import_diary",
    "is_empty",
    "latest_screen",
    "list_ratings",
    "list_screens",
    "list_sessions",
    "open_database",
    "parse_export",
    "ratings_csv",
    "record_result",
    "record_screen",
    "session_outcomes",
    "set_setting",
    "start_session",
]
