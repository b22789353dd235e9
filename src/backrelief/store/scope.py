"""Whose rows a database session may see: the user every repository function is scoped to.

Since revision 0006 every diary row belongs to one user. ``Database.session(user=...)`` puts
the user in ``Session.info``; each repository function reads and writes only that user's rows
through :func:`owner_of` and an explicit ``where(Model.user_id == ...)``. Explicit filters are
the rule, because they are what a reader of the query sees.

As a safety net, :func:`scope_statement` (a ``do_orm_execute`` hook every session gets) adds
the same filter to each ORM SELECT, UPDATE and DELETE that touches a user's table, with
``with_loader_criteria``; and a statement on such a table in a session that has no user raises
:class:`NoUserScope` instead of reading everybody's rows. It cannot cover ``Session.get`` (an
object already loaded is returned from the identity map) nor Core inserts: hence the explicit
filters, and :func:`own` instead of ``Session.get``.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql import visitors

from backrelief.store.models import (
    ActivityLog,
    PainRating,
    PracticeSession,
    Programme,
    RatingDay,
    Screen,
    Setting,
)

USER_KEY = "backrelief_user_id"
# Set instead of USER_KEY by a Database whose default is the owner account (the CLI and the
# loopback web app): the owner's id is read once, when a statement first needs it.
OWNER_DEFAULT_KEY = "backrelief_owner_default"
# Execution options of a statement that must see every user's rows on purpose (a lookup by a
# secret token, which is what says whose the row is).
UNSCOPED = {"backrelief_unscoped": True}
OWNED_MODELS: tuple[type[Any], ...] = (Screen, PracticeSession, PainRating, Programme, Setting,
                                       RatingDay,  # rating_days: revision 0007
                                       ActivityLog)
_OWNED_TABLES = frozenset(model.__table__ for model in OWNED_MODELS)
_MODEL_OF: dict[Any, type[Any]] = {model.__table__: model for model in OWNED_MODELS}

Row = TypeVar("Row", Screen, PracticeSession, PainRating, Programme)


class NoUserScope(RuntimeError):
    """A diary read or write in a session that names no user: a programming error (a route
    that forgot ``user=``), never something to show a person."""


def owner_of(db: Session) -> int:
    """The id of the user ``db`` is scoped to (NoUserScope if none)."""
    user = db.info.get(USER_KEY)
    if user is None and db.info.get(OWNER_DEFAULT_KEY):
        from backrelief.store.accounts import owner_id

        user = db.info[USER_KEY] = owner_id(db)
    if user is None:
        raise NoUserScope("this database session names no user: open it with "
                          "Database.session(user=...)")
    return int(user)


def scoped_to(db: Session) -> int | None:
    """The session's user, or None when it names none (no owner lookup)."""
    user = db.info.get(USER_KEY)
    return None if user is None else int(user)


def own(db: Session, model: type[Row], row_id: int) -> Row | None:
    """The row of ``model`` with ``row_id`` if it belongs to the session's user: the scoped
    form of ``Session.get`` (a row of someone else's is simply not there)."""
    found: Row | None = db.scalar(
        select(model).where(model.id == row_id, model.user_id == owner_of(db)))
    return found


def scope_statement(state: ORMExecuteState) -> None:
    """The ``do_orm_execute`` safety net described in the module docstring."""
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get("backrelief_unscoped"):
        return
    # Every table the statement names, in joins, subqueries and select_from() too
    # (``all_mappers`` sees only the top level: a COUNT over select_from(...) has none).
    statement: Any = state.statement  # an ORM SELECT, UPDATE or DELETE: traversible
    models = {_MODEL_OF[element] for element in visitors.iterate(statement)
              if element in _MODEL_OF}
    if not models:
        return
    user = owner_of(state.session)
    # Only the user's tables this statement names: fewer options, less to compile.
    state.statement = state.statement.options(*(
        with_loader_criteria(model, model.user_id == user, include_aliases=True)
        for model in models))


class ScopedSession(Session):
    """The Session every ``Database.session()`` opens: :func:`scope_statement` runs on each of
    its statements. Listened to once on the class; a listener per session cost more than the
    queries of a small read."""


event.listen(ScopedSession, "do_orm_execute", scope_statement)
