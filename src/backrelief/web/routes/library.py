"""The technique library and the education pages."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from backrelief.web.context import render, web
from backrelief.web.figures import figure_ref, library_thumbnails

router = APIRouter()


@router.get("/library", include_in_schema=False)
def library(request: Request) -> Response:
    """Every technique, then the education pages."""
    catalog = web(request).catalog
    thumbs = library_thumbnails(catalog)
    return render(
        request,
        "library.html",
        thumbs=thumbs,
        techniques=catalog.ordered(),
        education=list(catalog.education.values()),
    )


@router.get("/library/{technique_id}", include_in_schema=False)
def technique_page(request: Request, technique_id: str) -> Response:
    """One technique in full: steps, cautions, mistakes, safer variants, sources."""
    catalog = web(request).catalog
    technique = catalog.techniques.get(technique_id)
    if technique is None:
        raise HTTPException(404, f"There is no technique called {technique_id!r}.")
    from backrelief.core.catalog_json import technique_to_json

    return render(
        request,
        "technique.html",
        technique=technique,
        data=technique_to_json(technique, catalog),
        figures=[figure_ref(catalog, technique.id, index) for index in range(len(technique.steps))],
    )


@router.get("/learn/{page_id}", include_in_schema=False)
def education_page(request: Request, page_id: str) -> Response:
    """One short education page with its sources."""
    catalog = web(request).catalog
    page = catalog.education.get(page_id)
    if page is None:
        raise HTTPException(404, f"There is no page called {page_id!r}.")
    return render(request, "learn.html", page=page, sources=catalog.cite(page.sources))
