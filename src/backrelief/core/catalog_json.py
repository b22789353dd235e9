"""The JSON shape of catalogue content, shared by `backrelief techniques --json` and the web API."""

from __future__ import annotations

from typing import Any

from backrelief.core.catalog import Catalog, EducationPage, Step, Technique, Variant


def step_to_json(step: Step) -> dict[str, Any]:
    """One step as the DESIGN.md contract shows it (unset optional fields omitted)."""
    return step.model_dump(exclude_none=True, exclude={"poses"} if not step.poses else set())


def variant_to_json(variant: Variant, catalog: Catalog) -> dict[str, Any]:
    """A safer variant: what changes, for which conditions, and its sources."""
    data = variant.model_dump(exclude_none=True, exclude={"sources", "steps"})
    if variant.steps is not None:
        data["steps"] = [step_to_json(step) for step in variant.steps]
    data["sources"] = catalog.cite(variant.sources)
    return data


def technique_to_json(technique: Technique, catalog: Catalog) -> dict[str, Any]:
    """A technique with every field of the contract, its contraindications made effective."""
    from backrelief.core.conditions import effective_contraindications

    return {
        "id": technique.id,
        "name": technique.name,
        "summary": technique.summary,
        "benefit": technique.benefit,
        "regions": list(technique.regions),
        "position": technique.position,
        "equipment": list(technique.equipment),
        "equipment_needs": technique.equipment_needs,
        "intensity": technique.intensity,
        "roles": list(technique.roles),
        "steps": [step_to_json(step) for step in technique.steps],
        "cautions": list(technique.cautions),
        "contraindications": list(effective_contraindications(technique)),
        "common_mistakes": list(technique.common_mistakes),
        "safety_note": technique.safety_note,
        "variants": [variant_to_json(variant, catalog) for variant in technique.variants],
        "sources": catalog.cite(technique.sources),
    }


def education_to_json(page: EducationPage, catalog: Catalog) -> dict[str, Any]:
    """An education page with its citations expanded."""
    return {
        "id": page.id,
        "title": page.title,
        "summary": page.summary,
        "body": page.body,
        "sources": catalog.cite(page.sources),
    }
