"""The technique library and the education pages."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from backrelief.journey.memory import bring_back, current_memory, local_zone
from backrelief.store.types import utcnow
from backrelief.web.context import render, web
from backrelief.web.figures import first_side_figure, library_thumbnails

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
    """One technique in full: steps, cautions, mistakes, safer variants, harder forms, sources."""
    catalog = web(request).catalog
    technique = catalog.techniques.get(technique_id)
    if technique is None:
        raise HTTPException(404, f"There is no technique called {technique_id!r}.")
    from backrelief.core.catalog_json import technique_to_json

    with web(request).database.session() as s:
        memory = current_memory(s).get(technique.id)
    data = technique_to_json(technique, catalog)
    return render(
        request,
        "technique.html",
        technique=technique,
        left_out=memory.reason(local_zone(), utcnow()) if memory else None,
        data=data,
        # A step done on each side is shown for the side a session starts with (the left).
        figures=[first_side_figure(catalog, technique.id, index)
                 for index in range(len(technique.steps))],
        # A programme's harder forms, each step with its figure and the form's JSON (its
        # contraindications made effective, its sources cited).
        harder=[(form, [first_side_figure(catalog, technique.id, index, form.id)
                        for index in range(len(form.steps))], data["harder"][number])
                for number, form in enumerate(technique.harder)],
    )


@router.post("/library/{technique_id}/use-again", include_in_schema=False)
def use_again(request: Request, technique_id: str) -> Response:
    """"Use it again": the diary's memory no longer leaves this technique out."""
    if technique_id not in web(request).catalog.techniques:
        raise HTTPException(404, f"There is no technique called {technique_id!r}.")
    with web(request).database.session(write=True) as s:
        bring_back(s, technique_id)
    return RedirectResponse(f"/library/{technique_id}?back=1", status_code=303)


@router.get("/learn/{page_id}", include_in_schema=False)
def education_page(request: Request, page_id: str) -> Response:
    """One short education page with its sources."""
    catalog = web(request).catalog
    page = catalog.education.get(page_id)
    if page is None:
        raise HTTPException(404, f"There is no page called {page_id!r}.")
    return render(request, "learn.html", page=page, sources=catalog.cite(page.sources))
