"""Security headers on every response, and the Host check.

Decisions, made here so they are reviewed in one place:

- **Content-Security-Policy** allows scripts, styles, images, fetches, the manifest and the
  service worker from our own origin only. There is no ``'unsafe-inline'`` and no inline
  script or ``style=""`` attribute anywhere in the templates; data the player needs reaches it
  through ``data-*`` attributes or JSON endpoints. ``frame-ancestors 'none'`` (and the older
  ``X-Frame-Options: DENY``) stop click-jacking; ``form-action 'self'`` stops a script that got
  in from posting the diary elsewhere; ``base-uri 'none'`` and ``object-src 'none'`` close the
  usual escape hatches.
- **Referrer-Policy: no-referrer**: page addresses can carry session ids, which are nobody
  else's business.
- **Permissions-Policy** switches off what a back-exercise app never needs and keeps the
  screen wake lock for our own pages.
- **Cache-Control: no-store** on every response that does not set its own, except the static
  files: pages and API answers are the diary (health data) and must not linger in the browser's
  HTTP cache on a shared computer. Public, versioned files (``/static/``, ``/figures/``, which
  sets a long ``max-age`` itself) may be cached. The service worker keeps only its own
  allow-list (``templates/sw.js``).
- **Error pages** carry the same headers: Starlette's ``ServerErrorMiddleware`` sits outside
  every middleware we add and answers a 500 itself, so ``web.errors`` adds
  :data:`SECURITY_HEADERS` and ``no-store`` to that response too.
- **Host check** (:class:`LoopbackHostMiddleware`): answer only to the names the server is
  actually served under, as Django's ``ALLOWED_HOSTS`` does: the loopback names always; the
  LAN address and this computer's host name when ``serve --lan`` (or ``--host``) listens
  beyond loopback; and ``BACKRELIEF_PUBLIC_HOST`` behind a reverse proxy
  (``web.config.allowed_hosts_from_env``). Anything else gets 400. That defeats DNS
  rebinding (``evil.example`` resolving to our address would be same-origin with us in the
  browser and could read the diary) and keeps the CSRF check's ``Origin == Host`` comparison
  meaningful. ``X-Forwarded-Host`` is never read: a proxy must pass ``Host`` through (Caddy
  does by default). ``X-Forwarded-For``/``-Proto`` are believed only from the proxies listed
  in ``BACKRELIEF_TRUSTED_PROXIES`` (``serve`` turns uvicorn's proxy headers on for those
  only); by default nobody is trusted and the headers change nothing.

Both are plain ASGI middleware rather than ``BaseHTTPMiddleware``: they only touch headers,
so they stay cheap and never buffer a body.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (
        b"permissions-policy",
        b"camera=(), microphone=(), geolocation=(), payment=(), usb=(), screen-wake-lock=(self)",
    ),
)


NO_STORE = (b"cache-control", b"no-store")
# Same for everyone, versioned URLs: the browser may keep them.
PUBLIC_PREFIXES = ("/static/",)


def response_headers(path: str, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``headers`` plus every security header they lack, and ``no-store`` unless the response
    chose its own caching or ``path`` is a public static file."""
    names = {name.lower() for name, _ in headers}
    extra = [item for item in SECURITY_HEADERS if item[0] not in names]
    if b"cache-control" not in names and not path.startswith(PUBLIC_PREFIXES):
        extra.append(NO_STORE)
    return [*headers, *extra]


class SecurityHeadersMiddleware:
    """Add :data:`SECURITY_HEADERS` (and ``no-store``) to every HTTP response but a 500, which
    Starlette sends from outside the middleware stack (see ``web.errors``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = response_headers(scope.get("path", ""),
                                                      list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def send_refusal(send: Send, status: int, body: bytes) -> None:
    """Answer a refused request with a short plain-text explanation (no page, no scripts)."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def host_name(host_header: str) -> str:
    """The host part of a ``Host`` header value, without the port (IPv6 keeps its brackets);
    empty when the value is not ``host``, ``host:port``, ``[v6]`` or ``[v6]:port``.

    Strict on purpose: ``[::1]evil.example`` or ``localhost:80x`` must not pass for loopback.
    """
    host = host_header.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        name, rest = (host[: end + 1], host[end + 1:]) if end != -1 else ("", "")
    else:
        name, _, port = host.partition(":")
        rest = f":{port}" if _ else ""
    if rest and not (rest[0] == ":" and rest[1:].isascii() and rest[1:].isdigit()):
        return ""
    return name


class LoopbackHostMiddleware:
    """Answer 400 to any request whose ``Host`` header is not one of ``allowed`` names."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str]) -> None:
        self.app = app
        self.allowed = frozenset(name.lower() for name in allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = ""
        for name, value in scope.get("headers", []):
            if name == b"host":
                host = value.decode("latin-1")
                break
        if host_name(host) in self.allowed:
            await self.app(scope, receive, send)
            return
        body = (
            b"This backrelief server does not answer to that name. Open it at an address "
            b"`backrelief serve` printed (on this computer, its loopback address: "
            b"http://127.0.0.1 or http://localhost).\n"
        )
        await send_refusal(send, 400, body)
