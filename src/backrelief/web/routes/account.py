"""Logging in and out, registering, pairing a phone, and ending one's own sessions (issue 13).

Every route here answers 404 while accounts are off: on loopback without accounts there is
nobody to log in. The security decisions (throttling, hashing, timeouts) are store.accounts';
the cookie's are web.auth's. Each route works for any user, owner or member.

Login makes a new session id every time and ends the one the browser came with (no session
fixation). A failed login is counted in the same transaction that refuses it, so the refusal
must not roll it back: hence the ``except`` inside each ``with`` block.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from backrelief.store import accounts
from backrelief.store.errors import StoreInputError
from backrelief.web.auth import (
    auth_session_of,
    clear_session_cookie,
    safe_next,
    session_token,
    set_session_cookie,
    signed_in_name,
    user_of,
)
from backrelief.web.context import render, web
from backrelief.web.forms import PostedForm, form_text

router = APIRouter()

PAIRING_GONE = ("This pairing link is unknown, used or expired. Make a new one on the computer "
                "that runs backrelief, and open it within 10 minutes.")
INVITE_GONE = "This invitation is unknown, used or expired. Ask for a new one."


def _accounts_on(request: Request) -> None:
    if not web(request).config.accounts:
        raise HTTPException(404, "Not Found")


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _signed_in(request: Request, token: str, lifetime: int, target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, request, token, lifetime)
    return response


BROWSER_SECONDS = int(accounts.BROWSER_ABSOLUTE.total_seconds())
DEVICE_SECONDS = int(accounts.DEVICE_ABSOLUTE.total_seconds())


# Login and logout ----------------------------------------------------------------------------

def _login_page(request: Request, status_code: int = 200, *, error: str | None = None,
                name: str = "", headers: dict[str, str] | None = None) -> Response:
    response = render(request, "login.html", status_code=status_code, error=error, name=name,
                      next_path=safe_next(request.query_params.get("next")),
                      signup_open=web(request).config.signup_open,
                      signed_in=signed_in_name(request))
    response.headers.update(headers or {})
    return response


@router.get("/login", include_in_schema=False)
def login_page(request: Request) -> Response:
    """The login form."""
    _accounts_on(request)
    return _login_page(request)


@router.post("/login", include_in_schema=False)
def login(request: Request, form: PostedForm) -> Response:
    """Check the name and password; on success a new session and its cookie."""
    _accounts_on(request)
    name = form_text(form, "name") or ""
    password = form.get("password")
    target = safe_next(form.get("next"))
    database = web(request).database
    old = session_token(request.scope)

    def attempt() -> str | accounts.LoginRefused:
        with database.session(write=True) as s:
            try:
                user = accounts.verify_login(s, name, password if isinstance(password, str)
                                             else "", address=_address(request))
            except accounts.LoginRefused as refused:
                return refused  # the failure counted above is committed with this block
            if old is not None:
                accounts.end_auth_session(s, old)  # no fixation: the old id dies here
            accounts.purge_expired(s)
            return accounts.create_auth_session(s, user.id, kind="browser")

    outcome = attempt()
    if isinstance(outcome, accounts.LoginRefused):
        if outcome.retry_after is not None:
            return _login_page(request, 429, error=str(outcome), name=name,
                               headers={"Retry-After": str(outcome.retry_after)})
        return _login_page(request, 401, error="Wrong name or password.", name=name)
    return _signed_in(request, outcome, BROWSER_SECONDS, target)


@router.post("/logout", include_in_schema=False)
def logout(request: Request) -> Response:
    """Sign out: the session row is deleted, so the cookie is worthless even if kept."""
    _accounts_on(request)
    token = session_token(request.scope)
    if token is not None:
        with web(request).database.session(write=True) as s:
            accounts.end_auth_session(s, token)
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, request)
    return response


# Registration --------------------------------------------------------------------------------

def _register_page(request: Request, action: str, status_code: int = 200, *,
                   errors: dict[str, str] | None = None, name: str = "") -> Response:
    return render(request, "register.html", status_code=status_code, action=action,
                  errors=errors or {}, name=name, minimum=accounts.PASSWORD_MIN)


def _gone(request: Request, message: str) -> Response:
    return render(request, "account_gone.html", status_code=404, message=message)


@router.get("/register/{token}", include_in_schema=False)
def register_invited_page(request: Request, token: str) -> Response:
    """The registration form of an invitation link."""
    _accounts_on(request)
    with web(request).database.session() as s:
        valid = accounts.invite_is_valid(s, token)
    if not valid:
        return _gone(request, INVITE_GONE)
    return _register_page(request, f"/register/{token}")


@router.get("/register", include_in_schema=False)
def register_open_page(request: Request) -> Response:
    """The registration form, when anyone may sign up (BACKRELIEF_SIGNUP=open)."""
    _accounts_on(request)
    if not web(request).config.signup_open:
        raise HTTPException(404, "Registration is by invitation only.")
    return _register_page(request, "/register")


def _registration(form: Any) -> tuple[str, str, dict[str, str]]:
    name = form_text(form, "name") or ""
    password = form.get("password")
    password = password if isinstance(password, str) else ""
    errors: dict[str, str] = {}
    try:
        accounts.valid_name(name)
        accounts.check_password(name, password)
    except StoreInputError as exc:
        errors[exc.field] = exc.problem
    if "password" not in errors and form.get("password2") != password:
        errors["password2"] = "does not match the password"
    return name, password, errors


def _register(request: Request, token: str | None, form: FormData) -> Response:
    name, password, errors = _registration(form)
    action = "/register" if token is None else f"/register/{token}"
    if errors:
        return _register_page(request, action, 422, errors=errors, name=name)
    database = web(request).database
    old = session_token(request.scope)

    def create() -> str | StoreInputError:
        try:  # a refusal (a name taken) rolls back, and the invitation stays unused
            with database.session(write=True) as s:
                if token is None:
                    user = accounts.create_user(s, name, password)
                else:
                    user = accounts.redeem_invite(s, token, name, password)
                if old is not None:
                    accounts.end_auth_session(s, old)  # as at login: one session at a time
                return accounts.create_auth_session(s, user.id, kind="browser")
        except StoreInputError as exc:
            return exc

    outcome = create()
    if isinstance(outcome, StoreInputError):
        if outcome.field == "invite":
            return _gone(request, INVITE_GONE)
        return _register_page(request, action, 422, errors={outcome.field: outcome.problem},
                              name=name)
    return _signed_in(request, outcome, BROWSER_SECONDS, "/")


@router.post("/register/{token}", include_in_schema=False)
def register_invited(request: Request, token: str, form: PostedForm) -> Response:
    """Create the account an invitation is for, and sign it in."""
    _accounts_on(request)
    return _register(request, token, form)


@router.post("/register", include_in_schema=False)
def register_open(request: Request, form: PostedForm) -> Response:
    """Create an account (open sign-up only), and sign it in."""
    _accounts_on(request)
    if not web(request).config.signup_open:
        raise HTTPException(404, "Registration is by invitation only.")
    return _register(request, None, form)


# Pairing a phone -----------------------------------------------------------------------------

@router.get("/pair/{code}", include_in_schema=False)
def pair_page(request: Request, code: str) -> Response:
    """What opening a pairing link shows: one button, so a link preview cannot use it up."""
    _accounts_on(request)
    return render(request, "pair.html", action=f"/pair/{code}",
                  secure=request.url.scheme == "https")


@router.post("/pair/{code}", include_in_schema=False)
def pair(request: Request, code: str, form: PostedForm) -> Response:
    """Use the pairing code up: this device is signed in for 30 days."""
    _accounts_on(request)
    label = (form_text(form, "label") or "Paired device")[:accounts.LABEL_MAX]
    database = web(request).database
    old = session_token(request.scope)

    def redeem() -> str | None:
        with database.session(write=True) as s:
            try:
                _, token = accounts.redeem_pairing_code(s, code, label)
            except StoreInputError:
                return None
            if old is not None:
                accounts.end_auth_session(s, old)
            return token

    token = redeem()
    if token is None:
        return _gone(request, PAIRING_GONE)
    return _signed_in(request, token, DEVICE_SECONDS, "/")


# One's own sessions and devices ---------------------------------------------------------------

@dataclass(frozen=True)
class SessionRow:
    """One line of the settings page's list of browsers and devices."""

    id: str
    kind: str
    label: str
    created_at: datetime
    last_seen_at: datetime
    current: bool


@dataclass(frozen=True)
class AccountPanel:
    """The settings page's account section."""

    name: str
    sessions: tuple[SessionRow, ...]


def account_panel(request: Request) -> AccountPanel | None:
    """The signed-in user's browsers and devices (None with accounts off)."""
    user = user_of(request)
    current = auth_session_of(request)
    if not web(request).config.accounts or user is None:
        return None
    with web(request).database.session() as s:
        records = accounts.list_auth_sessions(s, user)
    rows = tuple(SessionRow(r.id, r.kind, r.label or ("This browser" if current and
                                                       r.id == current.id else "A browser"),
                            r.created_at, r.last_seen_at, current is not None and r.id == current.id)
                 for r in records)
    return AccountPanel(signed_in_name(request) or "", rows)


@router.post("/account/sessions/revoke", include_in_schema=False)
def revoke(request: Request, form: PostedForm) -> Response:
    """End one of one's own browser sessions or paired devices (another user's is 404)."""
    _accounts_on(request)
    user = user_of(request)
    if user is None:  # pragma: no cover - the middleware sends the anonymous to /login
        raise HTTPException(401, "Log in first.")
    session_id = form_text(form, "session") or ""
    current = auth_session_of(request)
    with web(request).database.session(write=True) as s:
        ended = accounts.revoke_auth_session(s, user, session_id)
    if not ended:
        raise HTTPException(404, "There is no such session of yours.")
    if current is not None and current.id == session_id:
        response = RedirectResponse("/login", status_code=303)
        clear_session_cookie(response, request)
        return response
    return RedirectResponse("/settings#account", status_code=303)


# Changing one's password -----------------------------------------------------------------------

def _password_page(request: Request, status_code: int = 200, *,
                   errors: dict[str, str] | None = None) -> Response:
    return render(request, "account_password.html", status_code=status_code,
                  errors=errors or {}, minimum=accounts.PASSWORD_MIN)


@router.get("/account/password", include_in_schema=False)
def password_page(request: Request) -> Response:
    """The form to change one's password."""
    _accounts_on(request)
    return _password_page(request)


@router.post("/account/password", include_in_schema=False)
def change_password(request: Request, form: PostedForm) -> Response:
    """The current password (checked and throttled like a login), then the new one twice.
    Every session of the account ends, other browsers and paired devices included; this
    browser gets a new one."""
    _accounts_on(request)
    user, name = user_of(request), signed_in_name(request)
    if user is None or name is None:  # pragma: no cover - the middleware sends them to /login
        raise HTTPException(401, "Log in first.")
    current = form.get("current")
    new = form.get("password")
    new = new if isinstance(new, str) else ""
    errors: dict[str, str] = {}
    try:
        accounts.check_password(name, new)
    except StoreInputError as exc:
        errors["password"] = exc.problem
    if "password" not in errors and form.get("password2") != new:
        errors["password2"] = "does not match the new password"
    if errors:
        return _password_page(request, 422, errors=errors)
    database = web(request).database

    def change() -> str | accounts.LoginRefused:
        with database.session(write=True) as s:
            try:
                accounts.verify_login(s, name, current if isinstance(current, str) else "",
                                      address=_address(request))
            except accounts.LoginRefused as refused:
                return refused  # counted, and committed with this block
            accounts.set_password(s, user, new)
            return accounts.create_auth_session(s, user, kind="browser")

    outcome = change()
    if isinstance(outcome, accounts.LoginRefused):
        problem = str(outcome) if outcome.retry_after else "is not your current password"
        return _password_page(request, 429 if outcome.retry_after else 422,
                              errors={"current": problem})
    return _signed_in(request, outcome, BROWSER_SECONDS, "/settings?password=changed#account")
