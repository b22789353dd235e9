"""`GET /api/settings` and `PUT /api/settings`: the builder's remembered defaults."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from backrelief.core.fields import RoutineMinutes
from backrelief.core.planner import RegionChoice
from backrelief.core.vocabulary import DEFAULT_MINUTES, ConditionId, Equipment
from backrelief.store import all_settings, set_setting
from backrelief.web.auth import user_of
from backrelief.web.context import web

router = APIRouter(prefix="/api", tags=["settings"])


class SettingsModel(BaseModel):
    """Defaults for the routine builder: region, equipment, minutes and conditions."""

    model_config = ConfigDict(extra="forbid")

    region: RegionChoice = "whole"
    minutes: RoutineMinutes = DEFAULT_MINUTES
    equipment: list[Equipment] = Field(default_factory=list, max_length=10)
    conditions: list[ConditionId] = Field(default_factory=list, max_length=20)


def current_settings(values: dict[str, Any]) -> SettingsModel:
    """Stored settings read back leniently: a value that no longer validates is dropped."""
    known = {key: values[key] for key in SettingsModel.model_fields if key in values}
    try:
        return SettingsModel.model_validate(known)
    except ValueError:
        return SettingsModel()


def save_settings(request: Request, settings: SettingsModel) -> None:
    """Store every field of ``settings``."""
    with web(request).database.session(write=True, user=user_of(request)) as s:
        for key, value in settings.model_dump().items():
            set_setting(s, key, sorted(set(value)) if isinstance(value, list) else value)


@router.get("/settings")
def get_settings(request: Request) -> SettingsModel:
    """The remembered defaults (the builder's starting choices)."""
    with web(request).database.session(user=user_of(request)) as s:
        return current_settings(all_settings(s))


@router.put("/settings")
def put_settings(request: Request, body: SettingsModel) -> SettingsModel:
    """Replace the remembered defaults; 422 naming the field for bad input, nothing stored."""
    save_settings(request, body)
    return body
