"""Who is asking: the signed-in user of a request, when accounts are on (issue 13).

With accounts off (loopback, the default) nothing here runs: every request acts as the owner
account, as the app did before accounts existed (``Database(default_user=OWNER)``).

With accounts on, :class:`AuthMiddleware` (pure ASGI, inside the CSRF check) reads the session
cookie, looks its token's hash up in ``auth_sessions`` (store.accounts: idle and absolute
timeouts, revocation) and puts the user's id in the request's state, where :func:`user_of`
finds it for ``database.session(user=...)``. The database then has no default user, so a route
that forgot to pass it fails loudly (store.scope.NoUserScope) instead of reading anyone's rows.
A request without a live session may reach only :data:`PUBLIC_PATHS` (the login, registration
and pairing pages, static files, the service worker, the offline page and the library's
content, which is the same for everyone); a page asks it to log in (303 to ``/login``), the
API answers 401.

The cookie: HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site POSTs, a second
line behind web.csrf), Secure and named ``__Host-`` when the request came over https (so no
plain-http page or sibling domain can set or read it), Path=/. It holds a 256-bit random token;
the database holds only its SHA-256 (store.accounts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from backrelief.store.accounts import AuthSessionRecord
    from backrelief.store.db import Database

COOKIE = "backrelief_session"
SECURE_COOKIE = "__Host-backrelief_session"
USER_STATE = "backrelief_user"
SESSION_STATE = "backrelief_auth_session"
NAME_STATE = "backrelief_user_name"

# Reachable without logging in. Everything else needs a live session.
PUBLIC_PATHS = tuple(re.compile(pattern) for pattern in (
    r"^/login$",
    r"^/logout$",
    r"^/register(/[A-Za-z0-9_-]{1,100})?$",
    r"^/pair/[A-Za-z0-9_-]{1,100}$",
    r"^/static/.+$",
    r"^/sw\.js$",
    r"^/manifest\.webmanifest$",
    r"^/offline$",
    r"^/healthz$",
    r"^/library$",
    r"^/learn/[a-z0-9-]+$",
    r"^/figures/[a-z0-9-]+/[0-9]+\.svg$",
    r"^/api/techniques(/[a-z0-9-]+)?$",
    r"^/api/education(/[a-z0-9-]+)?$",
    r"^/check/emergency-signs$",
    # The calendar feed is read by a calendar app that cannot log in: its long random token is
    # its key, and says whose it is (store.programme.calendar_owner).
    r"^/programme/calendar/[A-Za-z0-9_-]+\.ics$",
))


def is_public(path: str) -> bool:
    """Whether ``path`` may be requested without logging in."""
    return any(pattern.match(path) for pattern in PUBLIC_PATHS)


def user_of(request: Request) -> int | None:
    """The signed-in user's id, or None: accounts are off and the database's default, the
    owner, applies (or nobody is signed in, and a diary read fails loudly)."""
    user = request.scope.get("state", {}).get(USER_STATE)
    return None if user is None else int(user)


def auth_session_of(request: Request) -> AuthSessionRecord | None:
    """The request's live sign-in session, when accounts are on and someone is signed in."""
    record: AuthSessionRecord | None = request.scope.get("state", {}).get(SESSION_STATE)
    return record


def signed_in_name(request: Request) -> str | None:
    """The signed-in user's name, for the page header."""
    name: str | None = request.scope.get("state", {}).get(NAME_STATE)
    return name


def is_https(scope: Scope) -> bool:
    """The request came over TLS (or through a trusted proxy that said so, see web.security)."""
    return scope.get("scheme") == "https"


def cookie_name(scope: Scope) -> str:
    """``__Host-backrelief_session`` over https, ``backrelief_session`` over plain http."""
    return SECURE_COOKIE if is_https(scope) else COOKIE


def session_token(scope: Scope) -> str | None:
    """The session token from the request's cookie, if any."""
    wanted = cookie_name(scope)
    for name, value in scope.get("headers", []):
        if name != b"cookie":
            continue
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(value.decode("latin-1"))
        except Exception:  # a malformed Cookie header is no session
            continue
        if wanted in jar:
            return jar[wanted].value
    return None


def set_session_cookie(response: Response, request: Request, token: str, max_age: int) -> None:
    """Give the browser its session token, with the flags the module docstring explains."""
    response.set_cookie(cookie_name(request.scope), token, max_age=max_age, path="/",
                        secure=is_https(request.scope), httponly=True, samesite="lax")


def clear_session_cookie(response: Response, request: Request) -> None:
    """Tell the browser to forget its session token."""
    response.delete_cookie(cookie_name(request.scope), path="/", secure=is_https(request.scope),
                           httponly=True, samesite="lax")


@dataclass(frozen=True)
class _Found:
    record: AuthSessionRecord
    name: str


class AuthMiddleware:
    """Resolve the signed-in user, and keep anonymous requests to the public paths."""

    def __init__(self, app: ASGIApp, database: Database) -> None:
        self.app = app
        self.database = database

    def _look_up(self, token: str) -> _Found | None:
        from backrelief.store import accounts

        with self.database.session() as s:
            record = accounts.lookup_auth_session(s, token)
            user = None if record is None else accounts.get_user(s, record.user_id)
        if record is None or user is None:
            return None
        if accounts.needs_touch(record):
            with self.database.session(write=True) as s:
                accounts.touch_auth_session(s, record.id)
        return _Found(record, user.name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = session_token(scope)
        found = None if token is None else await run_in_threadpool(self._look_up, token)
        if found is not None:
            state: dict[str, Any] = scope.setdefault("state", {})
            state[USER_STATE] = found.record.user_id
            state[SESSION_STATE] = found.record
            state[NAME_STATE] = found.name
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if is_public(path):
            await self.app(scope, receive, send)
            return
        if path.startswith("/api/"):
            body = (b'{"error": "not signed in", "field": null, '
                    b'"detail": "log in at /login first"}')
            await _send(send, 401, body, b"application/json")
            return
        target = "/login" + ("" if path in ("", "/") else f"?next={_quote(path)}")
        await _send(send, 303, b"", b"text/plain; charset=utf-8", location=target.encode())


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


async def _send(send: Send, status: int, body: bytes, media: bytes, *,
                location: bytes | None = None) -> None:
    headers = [(b"content-type", media), (b"content-length", str(len(body)).encode()),
               (b"cache-control", b"no-store")]
    if location is not None:
        headers.append((b"location", location))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def safe_next(value: object) -> str:
    """Where to go after logging in: a path on this site only (never ``//evil`` or a URL)."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//") \
            or "\\" in value or any(ord(char) < 32 for char in value) or len(value) > 500:
        return "/"
    return value
