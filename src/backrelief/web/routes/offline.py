"""What makes the app installable and usable offline, plus the health check.

The service worker must be served from ``/sw.js`` (not ``/static/``) so that its scope is the
whole site. It is rendered once per process from ``templates/sw.js`` with the static-files
version in its cache name, so a new release replaces the old cache.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from backrelief import __version__
from backrelief.web.context import render, web
from backrelief.web.figures import figures_version, library_thumbnails
from backrelief.web.templating import static_files, static_version

router = APIRouter()

# Pages and data worth having before the first session: the offline page, the library and the
# catalogue. Nothing personal: not even the home page, which shows the latest pain rating and
# screen. The session being played is added by the player itself (a "cache-urls" message).
SHELL_PAGES = ("/offline", "/library", "/api/techniques", "/manifest.webmanifest")
# The service worker's allow-list (templates/sw.js): the only addresses, besides /static/ and
# /figures/, it may keep. Shell pages are the same for everyone; /library/<id> is not among
# them, as it says whether the diary's memory leaves the technique out.
SHELL_PATTERNS = (
    r"^/offline$",
    r"^/library$",
    r"^/learn/[a-z0-9-]+$",
    r"^/api/techniques(/[a-z0-9-]+)?$",
    r"^/api/education(/[a-z0-9-]+)?$",
    r"^/manifest\.webmanifest$",
)
# The session being played: its player, its timeline and its after form (rated offline).
SESSION_PATTERNS = (
    r"^/session/[0-9]+/play$",
    r"^/session/[0-9]+/after$",
    r"^/api/sessions/[0-9]+/timeline$",
)
# Bitmaps for phones' home screens, made from icons/icon.svg by `make icons` (tools/make_icons.py).
# The maskable one's background runs to the edges, for launchers that cut their own shape.
PNG_ICONS = (
    ("/static/icons/icon-192.png", 192, "any"),
    ("/static/icons/icon-512.png", 512, "any"),
    ("/static/icons/icon-maskable-512.png", 512, "maskable"),
)


@router.get("/sw.js", include_in_schema=False)
def service_worker(request: Request) -> Response:
    """The service worker script, with its cache version and precache list filled in."""
    version = static_version()
    # The library's figures are library content like the static files: versioned URLs, the same
    # for everyone, nothing personal. Precached, they show when the library opens offline.
    figures = [ref.url for ref in library_thumbnails(web(request).catalog).values() if ref]
    precache = [*SHELL_PAGES, *(f"{path}?v={version}" for path in static_files())]
    # A new figure model makes a new cache, like a new release does: old figures are dropped.
    body = web(request).templates.get_template("sw.js").render(
        version=f"{version}-{figures_version()}", precache=precache, figures=figures,
        shell_patterns=SHELL_PATTERNS, session_patterns=SESSION_PATTERNS)
    return Response(
        body,
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache"},
    )


@router.get("/manifest.webmanifest", include_in_schema=False)
def manifest() -> Response:
    """The web app manifest: name, colours, icons, start page."""
    return JSONResponse(
        {
            "name": "backrelief: back-relief coach",
            "short_name": "backrelief",
            "description": "A safety check first, then a short guided routine for your back.",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#f6f4ef",
            "theme_color": "#1d5e58",
            "icons": [
                {"src": "/static/icons/icon.svg", "sizes": "any", "type": "image/svg+xml",
                 "purpose": "any"},
                *({"src": src, "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
                  for src, size, purpose in PNG_ICONS),
            ],
        },
        media_type="application/manifest+json",
    )


@router.get("/offline", include_in_schema=False)
def offline(request: Request) -> Response:
    """Shown by the service worker for a page it has not cached while there is no network."""
    return render(request, "offline.html")


@router.get("/healthz", tags=["health"])
def healthz() -> dict[str, str]:
    """Liveness check: the process answers and knows its version."""
    return {"status": "ok", "version": __version__}
