"""What every route shares: the config, the templates, the catalogue, and a render helper."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from backrelief.core.catalog import Catalog
from backrelief.web.config import WebConfig

if TYPE_CHECKING:
    from backrelief.store.db import Database


@dataclass(frozen=True)
class WebContext:
    """Built once by :func:`backrelief.web.app.create_app`, stored on ``app.state.web``."""

    config: WebConfig
    templates: Jinja2Templates
    catalog: Catalog
    database: Database


def web(request: Request) -> WebContext:
    """The app's :class:`WebContext` (usable as a FastAPI dependency)."""
    context: WebContext = request.app.state.web
    return context


def render(
    request: Request, template: str, status_code: int = 200, **context: Any
) -> Response:
    """Render ``template`` with ``context`` plus the request and the current page's path."""
    from backrelief.web.auth import signed_in_name

    templates = web(request).templates
    context.setdefault("page_path", request.url.path)
    # Accounts on: who is signed in, for the footer's "Sign out" on every page (ASVS 7.4.4).
    context.setdefault("signed_in_as", signed_in_name(request))
    return templates.TemplateResponse(request, template, context, status_code=status_code)
