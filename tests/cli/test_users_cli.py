"""`backrelief users`: invite, add, list, remove, as the real CLI (and a terminal for the
hidden password prompt)."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pexpect

from backrelief.store import accounts, add_rating, list_ratings, open_database
from tests.conftest import RunCli

PASSWORD = "seven quiet harbour lamps"


def _users(data_dir: Path) -> dict[str, accounts.UserRecord]:
    database = open_database(f"sqlite:///{data_dir}/backrelief.db")
    try:
        with database.session() as s:
            return {user.name: user for user in accounts.list_users(s)}
    finally:
        database.close()


def test_list_shows_the_owner_account(run_cli: RunCli) -> None:
    result = run_cli("users", "list", "--json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [(u["name"], u["role"], u["has_password"]) for u in listed] == [
        ("owner", "owner", False)]


def test_add_with_a_password_on_stdin_then_log_in(run_cli: RunCli, data_dir: Path) -> None:
    result = run_cli("users", "add", "alice", "--password-stdin", input=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert "Added alice (member)" in result.stdout
    users = _users(data_dir)
    assert users["alice"].has_password and users["alice"].role == "member"
    database = open_database(f"sqlite:///{data_dir}/backrelief.db")
    try:
        with database.session(write=True) as s:
            assert accounts.verify_login(s, "alice", PASSWORD, address=None).name == "alice"
    finally:
        database.close()


def test_bad_input_exits_2_naming_the_field_and_writes_nothing(run_cli: RunCli,
                                                               data_dir: Path) -> None:
    cases = [
        (("users", "add", "alice", "--password-stdin"), "short\n", "password:"),
        (("users", "add", "alice", "--password-stdin"), "password1234\n", "password:"),
        (("users", "add", "9lives", "--password-stdin"), PASSWORD + "\n", "NAME:"),
        (("users", "add", "owner", "--password-stdin"), PASSWORD + "\n", "--reset"),
        (("users", "add", "ghost", "--reset", "--password-stdin"), PASSWORD + "\n", "NAME:"),
        (("users", "invite", "--days", "0"), None, "--days"),
        (("users", "remove", "owner", "--yes"), None, "last owner"),
        (("users", "remove", "ghost", "--yes"), None, "NAME:"),
    ]
    for args, stdin, field in cases:
        result = run_cli(*args, input=stdin)
        assert result.returncode == 2, (args, result.stderr)
        assert field in result.stderr and len(result.stderr.strip().splitlines()) == 1, args
    assert list(_users(data_dir)) == ["owner"]


def test_reset_gives_the_owner_a_password(run_cli: RunCli, data_dir: Path) -> None:
    result = run_cli("users", "add", "owner", "--reset", "--password-stdin", input=PASSWORD)
    assert result.returncode == 0, result.stderr
    assert _users(data_dir)["owner"].has_password


def test_invite_prints_a_register_path_that_works_once(run_cli: RunCli, data_dir: Path) -> None:
    result = run_cli("users", "invite", "--days", "2")
    assert result.returncode == 0, result.stderr
    path = result.stdout.strip()
    assert path.startswith("/register/")
    database = open_database(f"sqlite:///{data_dir}/backrelief.db")
    try:
        with database.session(write=True) as s:
            accounts.redeem_invite(s, path.removeprefix("/register/"), "carol", PASSWORD)
        with database.session() as s:
            assert not accounts.invite_is_valid(s, path.removeprefix("/register/"))
    finally:
        database.close()


def test_remove_deletes_that_users_diary_only(run_cli: RunCli, data_dir: Path) -> None:
    run_cli("users", "add", "bob", "--password-stdin", input=PASSWORD)
    bob = _users(data_dir)["bob"].id
    database = open_database(f"sqlite:///{data_dir}/backrelief.db")
    try:
        with database.session(write=True, user=bob) as s:
            add_rating(s, 6)
        with database.session(write=True) as s:
            add_rating(s, 3)  # the owner's
    finally:
        database.close()
    declined = run_cli("users", "remove", "bob", input="n\n")
    assert declined.returncode == 1 and "Nothing deleted" in declined.stdout
    result = run_cli("users", "remove", "bob", "--yes")
    assert result.returncode == 0, result.stderr
    assert list(_users(data_dir)) == ["owner"]
    database = open_database(f"sqlite:///{data_dir}/backrelief.db")
    try:
        with database.session(user=bob) as s:
            assert list_ratings(s) == []
        with database.session() as s:
            assert [r.pain for r in list_ratings(s)] == [3]
    finally:
        database.close()


def test_the_password_prompt_is_hidden_and_asked_twice(data_dir: Path) -> None:
    env = {**os.environ, "BACKRELIEF_DATA_DIR": str(data_dir), "NO_COLOR": "1"}
    env.pop("BACKRELIEF_DATABASE_URL", None)
    child = pexpect.spawn(sys.executable, ["-m", "backrelief", "users", "add", "dora"], env=env,
                          encoding="utf-8", timeout=30)
    seen = io.StringIO()
    child.logfile_read = seen
    try:
        child.expect("Password: ")
        child.sendline("first try of a phrase")
        child.expect("Again: ")
        child.sendline("a different phrase")
        child.expect("do not match")  # click asks again
        child.expect("Password: ")
        child.sendline(PASSWORD)
        child.expect("Again: ")
        child.sendline(PASSWORD)
        child.expect("Added dora")
        child.expect(pexpect.EOF)
        # Nothing typed was echoed back.
        assert PASSWORD not in seen.getvalue() and "different phrase" not in seen.getvalue()
    finally:
        child.close()
    assert child.exitstatus == 0
    assert _users(data_dir)["dora"].has_password


def test_sign_out_ends_every_session_of_that_user(run_cli: RunCli, data_dir: Path) -> None:
    run_cli("users", "add", "erin", "--password-stdin", input=PASSWORD)
    database = open_database(f"sqlite:///{data_dir}/backrelief.db")
    try:
        with database.session(write=True) as s:
            erin = accounts.find_user(s, "erin")
            assert erin is not None
            tokens = [accounts.create_auth_session(s, erin.id) for _ in range(2)]
    finally:
        database.close()
    result = run_cli("users", "sign-out", "erin")
    assert result.returncode == 0 and "Signed out 2 sessions of erin" in result.stdout
    database = open_database(f"sqlite:///{data_dir}/backrelief.db")
    try:
        with database.session() as s:
            assert all(accounts.lookup_auth_session(s, token) is None for token in tokens)
    finally:
        database.close()
    assert run_cli("users", "sign-out", "ghost").returncode == 2
