"""The FastAPI application: pages rendered on the server, a JSON API, offline support.

``create_app()`` builds everything once: the config from the environment, the catalogue, the
templates and the diary database. Routes live in small modules by feature
(``routes/`` for pages, ``api/`` for JSON); this file only wires them together.

Middleware, outermost first (each documented in its own module):
security headers -> loopback Host check -> CSRF check -> (accounts on: the signed-in user,
``web.auth``) -> strict JSON bodies -> routes.
A 500 is answered by Starlette's error middleware outside all of these; ``web.errors`` gives it
the security headers itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

from backrelief import __version__
from backrelief.core.catalog import Catalog, default_catalog
from backrelief.web.auth import AuthMiddleware
from backrelief.web.config import WebConfig
from backrelief.web.context import WebContext
from backrelief.web.csrf import CSRFMiddleware
from backrelief.web.errors import install_error_handlers
from backrelief.web.security import LoopbackHostMiddleware, SecurityHeadersMiddleware
from backrelief.web.static_files import VersionedStaticFiles
from backrelief.web.strict_json import StrictJSONMiddleware
from backrelief.web.templating import STATIC_DIR, make_templates

if TYPE_CHECKING:
    from backrelief.store.db import Database

API_DESCRIPTION = """\
The same operations as the web pages, as JSON. Bad input answers 422 with
`{"error", "field", "detail"}` naming the offending field, and nothing is stored.
`POST /api/plan` is a pure planner; the web pages only show and play a routine after a safety
check that allows exercise.
"""


def create_app(
    config: WebConfig | None = None,
    *,
    catalog: Catalog | None = None,
    database: Database | None = None,
) -> FastAPI:
    """Build the web app. Without arguments: settings from the environment, the shipped
    catalogue, and the configured diary database (opened and migrated now)."""
    from backrelief.store.db import OWNER, open_database

    config = config or WebConfig.from_env()
    # Accounts off: every request acts as the owner. On: as the signed-in user only, and a
    # session that names nobody cannot read the diary (store.scope).
    db = database or open_database(default_user=None if config.accounts else OWNER)
    if config.accounts and db.default_user is not None:
        raise ValueError("with accounts on, the database must have no default user "
                         "(open_database(default_user=None))")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if database is None:  # we opened it, we close it
            db.close()

    # The interactive docs pages (/docs, /redoc) load scripts from a CDN and run inline
    # script, which the Content-Security-Policy forbids; the generated schema itself is
    # served at /openapi.json.
    app = FastAPI(
        title="backrelief",
        version=__version__,
        description=API_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.web = WebContext(
        config=config,
        templates=make_templates(),
        catalog=catalog or default_catalog(),
        database=db,
    )
    install_error_handlers(app)
    app.mount("/static", VersionedStaticFiles(directory=STATIC_DIR), name="static")
    _include_routes(app)
    # add_middleware puts each new one outside the previous: add innermost first.
    app.add_middleware(StrictJSONMiddleware)
    if config.accounts:
        app.add_middleware(AuthMiddleware, database=db)
    app.add_middleware(CSRFMiddleware)
    app.add_middleware(LoopbackHostMiddleware, allowed=config.allowed_hosts)
    app.add_middleware(SecurityHeadersMiddleware)
    _compress(app)
    return app


def _compress(app: FastAPI) -> None:
    """Gzip on the wire, outermost, for pages, scripts, styles, SVG figures and JSON of 500 bytes
    or more, when the browser accepts it. Level 6: most of level 9's saving for less CPU on
    every page. BREACH (guessing a secret from compressed sizes) needs an attacker who both
    injects text into a page and watches its size on the network; this app answers on loopback
    only (``security.LoopbackHostMiddleware``), so kept simple on purpose."""
    app.add_middleware(GZipMiddleware, minimum_size=500, compresslevel=6)


def _include_routes(app: FastAPI) -> None:
    from backrelief.web.api import catalog as api_catalog
    from backrelief.web.api import diary as api_diary
    from backrelief.web.api import plan as api_plan
    from backrelief.web.api import screen as api_screen
    from backrelief.web.api import sessions as api_sessions
    from backrelief.web.api import settings as api_settings
    from backrelief.web.routes import (
        account,
        after,
        breaks,
        builder,
        check,
        figures,
        home,
        library,
        offline,
        programme,
        progress,
        session,
        settings,
    )

    for module in (home, check, builder, session, after, progress, library, settings, offline,
                   figures, programme, breaks, account,
                   api_catalog, api_screen, api_plan, api_sessions, api_diary, api_settings):
        app.include_router(module.router)
