"""`backrelief db upgrade` and `backrelief db current`: the schema, on the user's command.

The app and the CLI migrate the database themselves when they open it (``store.migrate``), so
these are for a shared deployment: upgrade once, before starting new workers (or from a
deployment script), and check which revision a database is at. They run the same locked
upgrade as ``open_database``, so running one while a server starts is safe.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from backrelief.store.db import Database


def _open() -> Database:
    from backrelief.cli.common import fail
    from backrelief.config import ConfigError
    from backrelief.store.db import open_database
    from backrelief.store.errors import StoreError

    try:
        return open_database(migrate=False)
    except ConfigError as exc:
        fail(exc.setting, exc.problem)
    except StoreError as exc:
        raise click.ClickException(f"cannot open the database: {exc}") from None


@click.group("db")
def db() -> None:
    """Upgrade the database schema, or show its revision."""


@db.command("current")
def current() -> None:
    """Print the database's schema revision and the one this version expects."""
    from backrelief.store.db import describe_url
    from backrelief.store.migrate import SCHEMA_REVISION, current_revision

    database = _open()
    try:
        revision = current_revision(database.engine)
        click.echo(f"database: {describe_url(database.engine.url)}")
        click.echo(f"revision: {revision or '(empty: no tables yet)'}")
        click.echo(f"this version of backrelief expects: {SCHEMA_REVISION}"
                   + (" (up to date)" if revision == SCHEMA_REVISION else
                      " (run `backrelief db upgrade`)"))
    finally:
        database.close()


@db.command("upgrade")
def upgrade() -> None:
    """Migrate the database to the schema this version of backrelief expects."""
    from backrelief.store.errors import StoreError
    from backrelief.store.migrate import current_revision
    from backrelief.store.migrate import upgrade as run_upgrade

    database = _open()
    try:
        before = current_revision(database.engine)
        try:
            run_upgrade(database.engine)
        except StoreError as exc:
            raise click.ClickException(" ".join(str(exc).split())) from None
        after = current_revision(database.engine)
        if before == after:
            click.echo(f"already at {after}; nothing to do")
        else:
            click.echo(f"upgraded {before or '(empty)'} -> {after}")
    finally:
        database.close()
