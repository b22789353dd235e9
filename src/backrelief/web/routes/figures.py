"""`GET /figures/{technique}/{step}.svg`: one step's figure as an SVG image.

Library content, like the technique pages, so not behind the safety gate. Each response carries
its own Content-Security-Policy (see :mod:`backrelief.web.figures`); the security middleware
keeps a route's own policy and adds the other headers.
"""

from __future__ import annotations

import logging
import re

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from backrelief.web.context import web
from backrelief.web.figures import figure_csp, figure_svg, figures_version

router = APIRouter()

log = logging.getLogger(__name__)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@router.get("/figures/{technique_id}/{step}.svg", include_in_schema=False)
def figure(request: Request, technique_id: str, step: int, variant: str | None = None,
           still: bool = False, v: str | None = None, side: str | None = None) -> Response:
    """The figure of step ``step`` (1-based) of a technique or of one of its safer variants;
    ``side=left`` or ``side=right`` draws a step done on each side for that side."""
    if not _SLUG.match(technique_id) or (variant is not None and not _SLUG.match(variant)):
        raise HTTPException(404, "There is no such figure.")
    if side is not None and side not in ("left", "right"):
        raise HTTPException(404, "There is no such figure.")
    if technique_id not in web(request).catalog.techniques or not 1 <= step <= 50:
        raise HTTPException(404, "There is no such figure.")
    try:
        svg = figure_svg(technique_id, step - 1, variant, not still, side)
    except Exception:  # FigureError or a figure still being made: a missing image, not a 500
        log.warning("no figure for %s step %s (variant %s)", technique_id, step, variant,
                    exc_info=True)
        raise HTTPException(404, "There is no such figure.") from None
    # A versioned URL never changes; an unversioned one is checked again each time.
    cache_control = ("public, max-age=31536000, immutable" if v == figures_version()
                     else "no-cache")
    return Response(svg, media_type="image/svg+xml",
                    headers={"Content-Security-Policy": figure_csp(svg),
                             "Cache-Control": cache_control})
