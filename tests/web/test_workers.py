"""Several worker processes share nothing but the database: log in on one, work on another.

Two real `backrelief serve` processes on the same PostgreSQL schema, each on its own port, so
the test chooses which process answers each request (with ``--workers 2`` the kernel would
choose). Sessions, login throttles and pairing codes are rows in the database, so what one
process did is seen by the other. Also one `serve --workers 2`, to check the supervisor path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from backrelief.store import accounts
from backrelief.store.db import open_database
from tests.store.conftest import fresh_pg_schema, postgres_server_url  # noqa: F401 (fixtures)
from tests.web.test_lan import Serve, free_port, start_serve, wait_until_up

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ALICE_PASSWORD = "walks-the-dog-daily-7"


@pytest.fixture
def pg_env(fresh_pg_schema: str, data_dir: Path) -> dict[str, str]:  # noqa: F811
    """The schema migrated, with alice's account, as the servers' environment."""
    database = open_database(fresh_pg_schema)
    try:
        with database.session(write=True) as s:
            accounts.create_user(s, "alice", ALICE_PASSWORD)
    finally:
        database.close()
    return {"BACKRELIEF_DATABASE_URL": fresh_pg_schema, "BACKRELIEF_ACCOUNTS": "on",
            "BACKRELIEF_DATA_DIR": str(data_dir)}


def _serve(env: dict[str, str], *extra: str) -> tuple[Serve, str]:
    port = free_port()
    serve = start_serve(["--port", str(port), *extra], env)
    wait_until_up("127.0.0.1", port, timeout=60)
    return serve, f"http://127.0.0.1:{port}"


@pytest.fixture
def two_servers(pg_env: dict[str, str]) -> Iterator[tuple[str, str]]:
    first, first_url = _serve(pg_env)
    try:
        second, second_url = _serve(pg_env)
        try:
            yield first_url, second_url
        finally:
            second.stop()
    finally:
        first.stop()


def _login(client: httpx.Client, password: str = ALICE_PASSWORD) -> httpx.Response:
    return client.post("/login", data={"name": "alice", "password": password})


def test_logged_in_on_one_process_works_on_the_other(two_servers: tuple[str, str]) -> None:
    first_url, second_url = two_servers
    with httpx.Client(base_url=first_url) as first:
        response = _login(first)
        assert response.status_code == 303, response.text
        cookies = first.cookies
        # The session made by the first process is valid on the second: rate pain there.
        with httpx.Client(base_url=second_url, cookies=cookies) as second:
            added = second.post("/api/diary/ratings", json={"pain": 6, "kind": "daily"})
            assert added.status_code == 201, added.text
        # ... and the first reads what the second wrote.
        ratings = first.get("/api/diary/ratings")
        assert ratings.status_code == 200
        assert [r["pain"] for r in ratings.json()] == [6]
        # Logging out on the first ends the session on the second too.
        assert first.post("/logout").status_code == 303
    with httpx.Client(base_url=second_url, cookies=cookies) as second:
        assert second.get("/api/diary/ratings").status_code in (401, 403)


def test_the_login_throttle_holds_across_processes(two_servers: tuple[str, str]) -> None:
    first_url, second_url = two_servers
    with httpx.Client(base_url=first_url) as first:
        statuses = [_login(first, "wrong password, no").status_code
                    for _ in range(accounts.FAILURES_BEFORE_LOCK)]
    assert set(statuses) <= {401, 429}
    with httpx.Client(base_url=second_url) as second:
        locked = _login(second)  # the right password, but the account is locked for now
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0


def test_a_pairing_code_printed_by_one_process_is_redeemed_by_another(
        pg_env: dict[str, str], two_servers: tuple[str, str]) -> None:
    _, second_url = two_servers
    database = open_database(pg_env["BACKRELIEF_DATABASE_URL"])
    try:
        with database.session(write=True) as s:
            alice = accounts.find_user(s, "alice")
            assert alice is not None
            code = accounts.create_pairing_code(s, alice.id)
    finally:
        database.close()
    with httpx.Client(base_url=second_url) as phone:
        assert phone.post(f"/pair/{code}", data={"label": "alice's phone"}).status_code == 303
        assert phone.get("/api/diary/ratings").status_code == 200


def test_serve_with_two_workers_on_postgresql(pg_env: dict[str, str]) -> None:
    serve, url = _serve(pg_env, "--workers", "2")
    try:
        # Several connections, so both workers are likely to answer some; every one works.
        for _ in range(8):
            with httpx.Client(base_url=url) as client:
                assert _login(client).status_code == 303
                assert client.get("/progress").status_code == 200
        assert re.search(r"running at http://127\.0\.0\.1:\d+/", serve.lines[0])
    finally:
        serve.stop()
