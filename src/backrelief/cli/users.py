"""`backrelief users`: accounts for a server that others reach (issue 13).

Invitations, adding a user (or a new password for one), listing and removing. Thin shells over
``store.accounts``; the rules (names, password strength, the last owner) live there. Bad input
exits 2 with one line naming the argument or option, and writes nothing.

Every other command acts as the owner account, whose diary is the one the loopback web app
shows; this one manages the accounts themselves.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from backrelief.cli.common import fail, print_json

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from backrelief.store import StoreInputError
    from backrelief.store.accounts import UserRecord
    from backrelief.store.db import Database

FIELDS = {"name": "NAME", "password": "password", "days": "--days", "role": "--role"}


def _refuse(error: StoreInputError) -> None:
    fail(FIELDS.get(error.field, error.field), error.problem)


def _check_name(name: str) -> None:
    """NAME as the store would take it, before the diary is opened (exit 2 naming it)."""
    from backrelief.store import StoreInputError
    from backrelief.store.accounts import valid_name

    try:
        valid_name(name)
    except StoreInputError as exc:
        _refuse(exc)


@contextmanager
def _opened() -> Iterator[Database]:
    """The configured diary, closed however the command ends."""
    from backrelief.cli.diary import open_store

    database = open_store()
    try:
        yield database
    finally:
        database.close()


def _existing(s: Session, name: str) -> UserRecord:
    """The account called NAME (exit 2 if there is none)."""
    from backrelief.store.accounts import find_user

    user = find_user(s, name)
    if user is None:
        fail("NAME", f"there is no user called {name!r}")
    return user


@click.group()
def users() -> None:
    """Accounts for the web app when it serves more than this computer."""


@users.command()
@click.option("--days", type=click.IntRange(1, 30), default=7, show_default=True,
              help="How long the invitation works.")
def invite(days: int) -> None:
    """Print a single-use invitation link: whoever opens it can create one account."""
    from backrelief.store import StoreInputError
    from backrelief.store.accounts import create_invite

    try:
        with _opened() as database, database.session(write=True) as s:
            token = create_invite(s, days=days)
    except StoreInputError as exc:
        _refuse(exc)
    click.echo(f"/register/{token}")
    click.echo(f"Open it on the server's address (e.g. https://HOST:PORT/register/{token}); "
               f"it works once, for {days} day{'s' if days != 1 else ''}.", err=True)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt="Again",
                                 show_default=False)
    return password


@users.command()
@click.argument("name")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input instead of asking.")
@click.option("--role", type=click.Choice(["member", "owner"]), default="member",
              show_default=True, help="An owner can use the CLI's diary and manage accounts.")
@click.option("--reset", is_flag=True, help="NAME exists: give it this new password (and sign "
                                            "out all its sessions).")
def add(name: str, password_stdin: bool, role: str, reset: bool) -> None:
    """Add the account NAME with a password (asked twice, not shown), or with --reset give an
    existing one a new password (the owner account starts without one)."""
    from backrelief.store import StoreInputError
    from backrelief.store.accounts import check_password, create_user, find_user, set_password

    _check_name(name)
    with _opened() as database:
        with database.session() as s:
            existing = find_user(s, name)
        if existing is not None and not reset:
            fail("NAME", f"{existing.name!r} exists; to give it a new password, add --reset")
        if existing is None and reset:
            fail("NAME", f"there is no user called {name!r} to reset")
        password = _read_password(password_stdin)
        try:
            check_password(existing.name if existing else name, password)
            with database.session(write=True) as s:
                if existing is not None:
                    set_password(s, existing.id, password)
                else:
                    create_user(s, name, password, role=role)
        except StoreInputError as exc:
            _refuse(exc)
    if existing is not None:
        click.echo(f"New password set for {existing.name}; its sessions were signed out.")
    else:
        click.echo(f"Added {name} ({role}).")


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def list_(as_json: bool) -> None:
    """List the accounts."""
    from backrelief.cli.diary import local_date
    from backrelief.store.accounts import list_users

    with _opened() as database, database.session() as s:
        found = list_users(s)
    if as_json:
        print_json([user.as_dict() for user in found])
        return
    for user in found:
        password = "" if user.has_password else ", no password yet"
        click.echo(f"{user.name}  ({user.role}{password}; since {local_date(user.created_at)})")


@users.command()
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def remove(name: str, yes: bool) -> None:
    """Delete the account NAME and its whole diary (not the last owner)."""
    from backrelief.store import StoreInputError, count_ratings
    from backrelief.store.accounts import remove_user

    _check_name(name)
    with _opened() as database:
        with database.session() as s:
            user = _existing(s, name)
        with database.session(user=user.id) as s:
            ratings = count_ratings(s)
        if not yes and not click.confirm(
                f"Delete {user.name} and their whole diary ({ratings} pain ratings, every "
                "session, screen and setting)? This cannot be undone.", default=False):
            click.echo("Nothing deleted.")
            raise SystemExit(1)
        try:
            with database.session(write=True) as s:
                remove_user(s, name)
        except StoreInputError as exc:
            _refuse(exc)
        database.compact()
    click.echo(f"Removed {user.name} and their diary.")


@users.command("sign-out")
@click.argument("name")
def sign_out(name: str) -> None:
    """End every browser session and paired device of NAME (its password stays)."""
    from backrelief.store.accounts import end_all_sessions

    _check_name(name)
    with _opened() as database, database.session(write=True) as s:
        user = _existing(s, name)
        ended = end_all_sessions(s, user.id)
    click.echo(f"Signed out {ended} session{'s' if ended != 1 else ''} of {user.name}.")
