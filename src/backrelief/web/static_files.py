"""The app's own static files (``/static/``), with caching that matches their URLs.

Every page links a static file with the version of the whole static tree (``?v=``, see
:func:`backrelief.web.templating.static_url`), and every module imports its sub-modules with
that same tag. Such a URL names one exact file for good, so the browser may keep it a year
without asking again (``immutable``). Any other URL of a static file (no tag, or an old one) is
checked with the server each time (``no-cache``), so it is never a stale copy.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from backrelief.web.templating import static_version

IMMUTABLE = "public, max-age=31536000, immutable"


class VersionedStaticFiles(StaticFiles):
    """Starlette's static files, with ``Cache-Control`` set by the URL's version tag."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code < 400:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            versioned = query.get("v") == [static_version()]
            response.headers["Cache-Control"] = IMMUTABLE if versioned else "no-cache"
        return response
