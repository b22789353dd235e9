"""Cross-site request forgery protection for every state-changing request.

Which standard, and why this one. backrelief's web app has no accounts and listens on
loopback only (``backrelief serve`` refuses anything else), so the attacker to stop is another
web site open in the same browser making the browser send a POST (a form, or ``fetch`` with
``mode: "no-cors"``) to ``http://127.0.0.1:8000``. There is no session cookie for such a request
to ride on, but it would still write to, or delete, the one diary.

We follow the header-based scheme of the Fetch Metadata specification
(https://www.w3.org/TR/fetch-metadata/) with an ``Origin`` fallback, the same algorithm as Go
1.25's ``net/http.CrossOriginProtection`` (see Filippo Valsorda, "CSRF", 2025):

1. Safe methods (GET, HEAD, OPTIONS) are never checked; they must not change anything, and
   the routes keep that promise.
2. If the browser sends ``Sec-Fetch-Site`` (every current browser does), the request passes
   only when it is ``same-origin`` or ``none`` (typed into the address bar or a bookmark).
3. Otherwise, if it sends ``Origin``, that origin's host must equal the request's ``Host``.
4. A request with neither header did not come from a modern browser (curl, the test client,
   a script on this machine). It is allowed: such a client can already do anything the user
   can, and a cross-site attacker cannot make a browser omit both headers.

Why not a double-submit token: it needs a cookie and a hidden field in every form and gains
nothing here, because the Host check in :mod:`backrelief.web.security` already shuts out DNS
rebinding (the one case where ``Origin`` and ``Host`` could agree on an attacker's name), and
the Content-Security-Policy keeps injected script from running on our own origin.

A refused request gets 403 with a sentence saying why, and never reaches a route, so nothing
is stored.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from backrelief.web.security import send_refusal

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ALLOWED_FETCH_SITES = frozenset({"same-origin", "none"})


def is_cross_origin(method: str, headers: dict[str, str]) -> bool:
    """True when a request must be refused as cross-site (``headers`` keys in lower case)."""
    if method.upper() in SAFE_METHODS:
        return False
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site.strip().lower() not in ALLOWED_FETCH_SITES
    origin = headers.get("origin")
    if origin is None:
        return False
    if origin.strip().lower() == "null":
        return True
    parts = urlsplit(origin.strip())
    return parts.netloc.lower() != headers.get("host", "").strip().lower()


class CSRFMiddleware:
    """Refuse cross-site state-changing requests with 403 before any route runs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)  # nothing to check: no header dict built
            return
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1")
            for name, value in scope.get("headers", [])
        }
        if not is_cross_origin(scope["method"], headers):
            await self.app(scope, receive, send)
            return
        body = (
            b"Refused: this request came from another web site. backrelief only accepts "
            b"changes made from its own pages.\n"
        )
        await send_refusal(send, 403, body)
