"""`GET /api/techniques`, `/api/techniques/{id}`, `/api/education`, `/api/education/{id}`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from backrelief.core.catalog_json import education_to_json, technique_to_json
from backrelief.web.context import web

router = APIRouter(prefix="/api", tags=["library"])


@router.get("/techniques")
def list_techniques(request: Request) -> list[dict[str, Any]]:
    """Every technique with its steps, cautions, contraindications and sources
    (the same document as `backrelief techniques --json`)."""
    catalog = web(request).catalog
    return [technique_to_json(technique, catalog) for technique in catalog.ordered()]


@router.get("/techniques/{technique_id}", responses={404: {"description": "Unknown technique"}})
def get_technique(request: Request, technique_id: str) -> dict[str, Any]:
    """One technique in full."""
    catalog = web(request).catalog
    technique = catalog.techniques.get(technique_id)
    if technique is None:
        raise HTTPException(404, f"technique_id: unknown technique {technique_id!r}")
    return technique_to_json(technique, catalog)


@router.get("/education")
def list_education(request: Request) -> list[dict[str, Any]]:
    """Every education page with its sources."""
    catalog = web(request).catalog
    return [education_to_json(page, catalog) for page in catalog.education.values()]


@router.get("/education/{page_id}", responses={404: {"description": "Unknown page"}})
def get_education(request: Request, page_id: str) -> dict[str, Any]:
    """One education page."""
    catalog = web(request).catalog
    page = catalog.education.get(page_id)
    if page is None:
        raise HTTPException(404, f"page_id: unknown page {page_id!r}")
    return education_to_json(page, catalog)
