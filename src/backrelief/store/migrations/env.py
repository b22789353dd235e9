"""Alembic environment: runs the shipped revisions on a connection backrelief hands over.

``backrelief.store.migrate`` passes an open connection, already inside a locked transaction, in
``config.attributes["connection"]``; Alembic then runs inside that transaction and commits
nothing itself. Used from the ``alembic`` command line instead (``alembic -x url=... upgrade
head`` with ``script_location`` pointing here), it opens its own connection.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from backrelief.store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def _url() -> str:
    from backrelief.config import load_config

    url = context.get_x_argument(as_dictionary=True).get("url")
    return url or config.get_main_option("sqlalchemy.url") or load_config().database_url


def run_migrations_offline() -> None:
    """Print the SQL instead of running it (``alembic upgrade head --sql``)."""
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the revisions on the handed-over connection, or on a new one."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    from backrelief.store.db import create_database_engine

    engine = create_database_engine(_url())
    try:
        with engine.connect() as own_connection, own_connection.begin():
            _configure(own_connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
