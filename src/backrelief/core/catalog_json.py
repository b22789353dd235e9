"""The JSON shape of catalogue content, shared by `backrelief techniques --json` and the web API."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from backrelief.core.catalog import Catalog, EducationPage, HarderForm, Step, Technique, Variant

# Field names read once: pages call these for every step of every technique they show, and
# reflecting on the dataclass each time cost more than the rest of the page (issue 16).
_STEP_FIELDS = tuple(f.name for f in fields(Step) if f.name != "poses")
_VARIANT_FIELDS = tuple(f.name for f in fields(Variant) if f.name not in ("sources", "steps"))


def step_to_json(step: Step) -> dict[str, Any]:
    """One step as the DESIGN.md contract shows it (unset optional fields omitted)."""
    data = {name: value for name in _STEP_FIELDS if (value := getattr(step, name)) is not None}
    if step.poses:
        data["poses"] = list(step.poses)
    return data


def variant_to_json(variant: Variant, catalog: Catalog) -> dict[str, Any]:
    """A safer variant: what changes, for which conditions, and its sources."""
    data: dict[str, Any] = {}
    for name in _VARIANT_FIELDS:
        value = getattr(variant, name)
        if value is not None:
            data[name] = list(value) if isinstance(value, list) else value
    if variant.steps is not None:
        data["steps"] = [step_to_json(step) for step in variant.steps]
    data["sources"] = catalog.cite(variant.sources)
    return data


def harder_to_json(technique: Technique, harder: HarderForm, catalog: Catalog) -> dict[str, Any]:
    """A harder form, for a programme's later weeks: its steps (with their hold limits) and the
    conditions it is never offered with."""
    from backrelief.core.conditions import harder_contraindications

    data = {name: value for name, value in variant_to_json(harder, catalog).items()
            if name != "for_conditions"}
    data["intensity"] = harder.intensity or technique.intensity
    data["contraindications"] = list(harder_contraindications(technique, harder))
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
        "harder": [harder_to_json(technique, harder, catalog) for harder in technique.harder],
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
