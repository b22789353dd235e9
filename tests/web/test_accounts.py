"""Accounts in the web app (issue 13): login, logout, registration, pairing, one's own sessions,
and the security checks: cookie flags, session fixation, throttling, CSRF on login."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from backrelief.store import Database, accounts, list_ratings, open_database
from backrelief.web.app import create_app
from backrelief.web.auth import COOKIE, SECURE_COOKIE
from backrelief.web.config import ConfigError, WebConfig
from backrelief.web.routes.offline import SESSION_PATTERNS, SHELL_PATTERNS
from tests.web.conftest import BASE_URL, CLEAR_ANSWERS

ALICE = ("alice", "rhubarb crumble at noon")
BOB = ("bob", "seven quiet harbour lamps")


@pytest.fixture
def accounts_db(web_env: Path) -> Iterator[Database]:
    """The diary as a server with accounts opens it: no default user."""
    db = open_database(default_user=None)
    with db.session(write=True) as s:
        for name, password in (ALICE, BOB):
            accounts.create_user(s, name, password)
    yield db
    db.close()


def _client(db: Database, base_url: str = BASE_URL, **config: bool) -> TestClient:
    app = create_app(WebConfig(accounts=True, **config), database=db)
    return TestClient(app, base_url=base_url)


@pytest.fixture
def anonymous(accounts_db: Database) -> Iterator[TestClient]:
    with _client(accounts_db) as client:
        yield client


def log_in(client: TestClient, name: str, password: str) -> None:
    response = client.post("/login", data={"name": name, "password": password, "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/"


def _set_cookie(response: object) -> str:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    assert len(headers) == 1, headers
    return str(headers[0])


def _token(response: object) -> str:
    return _set_cookie(response).split(";", 1)[0].split("=", 1)[1]


# Off by default ------------------------------------------------------------------------------

def test_accounts_are_off_by_default_and_the_account_pages_do_not_exist(client: TestClient
                                                                        ) -> None:
    assert WebConfig.from_env({}).accounts is False
    for path in ("/login", "/register", "/pair/abcdefghijkl"):
        assert client.get(path).status_code == 404
    assert client.post("/logout").status_code == 404
    assert client.get("/progress").status_code == 200  # no login, the owner's diary


def test_the_environment_switches_accounts_and_signup() -> None:
    config = WebConfig.from_env({"BACKRELIEF_ACCOUNTS": "on", "BACKRELIEF_SIGNUP": "open"})
    assert config.accounts and config.signup_open
    with pytest.raises(ConfigError, match="BACKRELIEF_ACCOUNTS"):
        WebConfig.from_env({"BACKRELIEF_ACCOUNTS": "yes please"})
    with pytest.raises(ConfigError, match="BACKRELIEF_SIGNUP"):
        WebConfig.from_env({"BACKRELIEF_SIGNUP": "anyone"})


def test_an_accounts_app_refuses_a_database_that_defaults_to_the_owner(database: Database
                                                                        ) -> None:
    with pytest.raises(ValueError, match="default user"):
        create_app(WebConfig(accounts=True), database=database)


# Anonymous -----------------------------------------------------------------------------------

def test_anonymous_requests_reach_only_public_pages(anonymous: TestClient) -> None:
    page = anonymous.get("/progress", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/progress"
    home = anonymous.get("/", follow_redirects=False)
    assert home.headers["location"] == "/login"
    api = anonymous.get("/api/diary/ratings")
    assert api.status_code == 401 and api.json()["error"] == "not signed in"
    posted = anonymous.post("/api/diary/ratings", json={"pain": 3})
    assert posted.status_code == 401
    for path in ("/login", "/library", "/learn/stay-active", "/offline", "/sw.js",
                 "/api/techniques", "/api/education", "/healthz", "/manifest.webmanifest",
                 "/figures/cat-cow/1.svg", "/check/emergency-signs"):
        response = anonymous.get(path)
        assert response.status_code == 200, (path, response.status_code)


# Login ---------------------------------------------------------------------------------------

def test_login_sets_a_strict_cookie_and_opens_ones_own_diary(anonymous: TestClient,
                                                            accounts_db: Database) -> None:
    response = anonymous.post("/login", data={"name": "Alice", "password": ALICE[1],
                                              "next": "/progress"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/progress"
    cookie = _set_cookie(response).lower()
    assert cookie.startswith(COOKIE + "=")
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "secure" not in cookie  # plain http on loopback: a Secure cookie would not come back
    assert anonymous.post("/api/diary/ratings", json={"pain": 3}).status_code == 201
    with accounts_db.session() as s:
        alice = accounts.find_user(s, "alice")
    assert alice is not None
    with accounts_db.session(user=alice.id) as s:
        assert [r.pain for r in list_ratings(s)] == [3]


def test_under_https_the_cookie_is_secure_and_host_prefixed(accounts_db: Database) -> None:
    with _client(accounts_db, base_url="https://localhost") as client:
        response = client.post("/login", data={"name": ALICE[0], "password": ALICE[1]},
                               follow_redirects=False)
        cookie = _set_cookie(response)
        assert cookie.startswith(SECURE_COOKIE + "=")
        assert "secure" in cookie.lower() and "domain" not in cookie.lower()
        assert client.get("/progress", follow_redirects=False).status_code == 200
        # The plain-http name is not accepted over https (a cookie set by http cannot ride).
        token = client.cookies.get(SECURE_COOKIE)
        client.cookies.clear()
        client.cookies.set(COOKIE, token or "")
        assert client.get("/progress", follow_redirects=False).status_code == 303


def test_a_wrong_password_is_refused_and_throttled(anonymous: TestClient) -> None:
    for _ in range(accounts.FAILURES_BEFORE_LOCK):
        response = anonymous.post("/login", data={"name": "alice", "password": "not hers at all"})
        assert response.status_code == 401
        assert "Wrong name or password" in response.text
    locked = anonymous.post("/login", data={"name": "alice", "password": ALICE[1]})
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0
    assert COOKIE not in anonymous.cookies


def test_no_session_fixation(anonymous: TestClient, accounts_db: Database) -> None:
    planted = "planted-token-0123456789abcdefghijklmnop"
    # A token an attacker planted is not adopted: login always issues a fresh one.
    anonymous.cookies.set(COOKIE, planted)
    first = _token(anonymous.post("/login", data={"name": ALICE[0], "password": ALICE[1]},
                                  follow_redirects=False))
    assert first != planted
    # Logging in again replaces the session, and the old token stops working.
    anonymous.cookies.clear()
    anonymous.cookies.set(COOKIE, first)
    second = _token(anonymous.post("/login", data={"name": ALICE[0], "password": ALICE[1]},
                                   follow_redirects=False))
    assert second != first
    with accounts_db.session() as s:
        assert accounts.lookup_auth_session(s, first) is None
        assert accounts.lookup_auth_session(s, second) is not None


def test_logout_deletes_the_session_on_the_server(anonymous: TestClient,
                                                 accounts_db: Database) -> None:
    log_in(anonymous, *ALICE)
    token = anonymous.cookies.get(COOKIE)
    response = anonymous.post("/logout", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert 'max-age=0' in _set_cookie(response).lower()
    anonymous.cookies.set(COOKIE, token or "")  # a kept copy of the cookie is worthless
    assert anonymous.get("/progress", follow_redirects=False).status_code == 303
    with accounts_db.session() as s:
        assert accounts.lookup_auth_session(s, token or "") is None


def test_login_is_csrf_checked_like_every_post(anonymous: TestClient) -> None:
    response = anonymous.post("/login", data={"name": ALICE[0], "password": ALICE[1]},
                              headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert COOKIE not in anonymous.cookies


def test_next_only_goes_to_this_site(anonymous: TestClient) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = anonymous.post("/login", data={"name": ALICE[0], "password": ALICE[1],
                                                  "next": target}, follow_redirects=False)
        assert response.headers["location"] == "/"


# Registration --------------------------------------------------------------------------------

def test_an_invitation_registers_once(anonymous: TestClient, accounts_db: Database) -> None:
    with accounts_db.session(write=True) as s:
        token = accounts.create_invite(s)
    assert anonymous.get(f"/register/{token}").status_code == 200
    data = {"name": "carol", "password": "violet kites over dunes",
            "password2": "violet kites over dunes"}
    response = anonymous.post(f"/register/{token}", data=data, follow_redirects=False)
    assert response.status_code == 303
    assert anonymous.get("/progress", follow_redirects=False).status_code == 200
    again = anonymous.post(f"/register/{token}", data={**data, "name": "dave"})
    assert again.status_code == 404 and "unknown, used or expired" in again.text
    with accounts_db.session() as s:
        assert accounts.find_user(s, "dave") is None


@pytest.mark.parametrize(("fields", "field"), [
    ({"name": "erin", "password": "short", "password2": "short"}, "password"),
    ({"name": "erin", "password": "password1234", "password2": "password1234"}, "password"),
    ({"name": "erin", "password": "plum orchard evenings", "password2": "other"}, "password2"),
    ({"name": "9erin", "password": "a long enough one", "password2": "a long enough one"}, "name"),
    ({"name": "alice", "password": "a long enough one", "password2": "a long enough one"},
     "name"),
])
def test_bad_registrations_name_the_field_and_write_nothing(
        anonymous: TestClient, accounts_db: Database, fields: dict[str, str], field: str) -> None:
    with accounts_db.session(write=True) as s:
        token = accounts.create_invite(s)
    response = anonymous.post(f"/register/{token}", data=fields)
    assert response.status_code == 422
    assert f'href="#f-{field}"' in response.text
    with accounts_db.session() as s:
        assert accounts.find_user(s, "erin") is None
        assert accounts.invite_is_valid(s, token)  # not used up by a refusal


def test_open_signup_only_when_configured(anonymous: TestClient, accounts_db: Database) -> None:
    data = {"name": "frank", "password": "copper kettles singing",
            "password2": "copper kettles singing"}
    assert anonymous.get("/register").status_code == 404
    assert anonymous.post("/register", data=data).status_code == 404
    with _client(accounts_db, signup_open=True) as open_client:
        assert open_client.get("/register").status_code == 200
        assert open_client.post("/register", data=data, follow_redirects=False).status_code == 303
    with accounts_db.session() as s:
        frank = accounts.find_user(s, "frank")
    assert frank is not None and frank.role == "member"


# Pairing -------------------------------------------------------------------------------------

def test_a_pairing_link_signs_a_device_in_once(anonymous: TestClient,
                                              accounts_db: Database) -> None:
    with accounts_db.session(write=True) as s:
        owner = accounts.owner_id(s)
        code = accounts.create_pairing_code(s, owner)
    page = anonymous.get(f"/pair/{code}")  # opening the link (or a preview of it) uses nothing
    assert page.status_code == 200 and "offline" in page.text  # plain http: it says so
    response = anonymous.post(f"/pair/{code}", data={"label": "Kitchen phone"},
                              follow_redirects=False)
    assert response.status_code == 303
    assert f"max-age={30 * 24 * 3600}" in _set_cookie(response).lower()
    settings = anonymous.get("/settings")
    assert "Kitchen phone" in settings.text and "owner" in settings.text
    with _client(accounts_db) as other:
        again = other.post(f"/pair/{code}", data={"label": "Thief"})
        assert again.status_code == 404 and COOKIE not in other.cookies


# One's own sessions --------------------------------------------------------------------------

def test_settings_lists_and_revokes_ones_own_sessions(accounts_db: Database) -> None:
    with _client(accounts_db) as laptop, _client(accounts_db) as phone, \
            _client(accounts_db) as bob:
        log_in(laptop, *ALICE)
        log_in(phone, *ALICE)
        log_in(bob, *BOB)
        page = laptop.get("/settings")
        assert page.status_code == 200
        assert page.text.count('name="session"') == 2 and "this one" in page.text
        with accounts_db.session() as s:
            alice = accounts.find_user(s, "alice")
            assert alice is not None
            sessions = accounts.list_auth_sessions(s, alice.id)
        phone_id = next(r.id for r in sessions
                        if accounts.token_hash(phone.cookies.get(COOKIE) or "") == r.id)
        # Bob cannot end alice's session...
        assert bob.post("/account/sessions/revoke", data={"session": phone_id}).status_code == 404
        assert phone.get("/progress", follow_redirects=False).status_code == 200
        # ...alice can, from her laptop.
        done = laptop.post("/account/sessions/revoke", data={"session": phone_id},
                           follow_redirects=False)
        assert done.status_code == 303
        assert phone.get("/progress", follow_redirects=False).status_code == 303
        assert laptop.get("/progress", follow_redirects=False).status_code == 200


def test_the_service_worker_never_keeps_account_pages(anonymous: TestClient) -> None:
    import re

    patterns = [re.compile(p) for p in (*SHELL_PATTERNS, *SESSION_PATTERNS)]
    for path in ("/login", "/logout", "/register", "/register/abc", "/pair/abc", "/settings",
                 "/account/sessions/revoke"):
        assert not any(p.search(path) for p in patterns), path
    worker = anonymous.get("/sw.js").text
    for path in ("/login", "/register", "/pair/", "/settings", "/account"):
        assert f'"{path}' not in worker, path


def test_clear_answers_still_work_once_signed_in(anonymous: TestClient) -> None:
    log_in(anonymous, *BOB)
    response = anonymous.post("/api/diary/screens", json=CLEAR_ANSWERS)
    assert response.status_code == 201, response.text


# Changing one's password ---------------------------------------------------------------------

def test_changing_the_password_needs_the_current_one_and_signs_out_elsewhere(
        accounts_db: Database) -> None:
    new = "amber lanterns on the quay"
    with _client(accounts_db) as laptop, _client(accounts_db) as phone:
        log_in(laptop, *ALICE)
        log_in(phone, *ALICE)
        assert laptop.get("/account/password").status_code == 200
        wrong = laptop.post("/account/password", data={"current": "not my password at all",
                                                       "password": new, "password2": new})
        assert wrong.status_code == 422 and 'href="#f-current"' in wrong.text
        weak = laptop.post("/account/password", data={"current": ALICE[1],
                                                      "password": "password1234",
                                                      "password2": "password1234"})
        assert weak.status_code == 422 and 'href="#f-password"' in weak.text
        done = laptop.post("/account/password", data={"current": ALICE[1], "password": new,
                                                      "password2": new}, follow_redirects=False)
        assert done.status_code == 303
        assert laptop.get("/progress", follow_redirects=False).status_code == 200
        assert phone.get("/progress", follow_redirects=False).status_code == 303
    with _client(accounts_db) as other:
        refused = other.post("/login", data={"name": ALICE[0], "password": ALICE[1]})
        assert refused.status_code == 401
        log_in(other, ALICE[0], new)


def test_every_page_offers_sign_out_when_signed_in(anonymous: TestClient) -> None:
    assert 'action="/logout"' not in anonymous.get("/library").text
    log_in(anonymous, *BOB)
    for path in ("/", "/library", "/progress", "/programme"):
        page = anonymous.get(path)
        assert 'action="/logout"' in page.text and "Signed in as bob" in page.text, path
