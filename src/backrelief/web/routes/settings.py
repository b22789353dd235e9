"""Settings: the builder's defaults (conditions, equipment, time, region)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from backrelief.core.vocabulary import DEFAULT_MINUTES, EQUIPMENT
from backrelief.store import all_settings
from backrelief.web.api.settings import SettingsModel, current_settings, save_settings
from backrelief.web.context import render, web
from backrelief.web.forms import PostedForm, form_int, form_list, form_text, validate
from backrelief.web.routes.builder import MINUTE_CHOICES, REGION_CHOICES, condition_choices

router = APIRouter()


def _page(request: Request, values: dict[str, Any], errors: dict[str, str], saved: bool,
          status_code: int = 200) -> Response:
    return render(
        request,
        "settings.html",
        status_code=status_code,
        values=values,
        errors=errors,
        saved=saved,
        regions=REGION_CHOICES,
        minute_choices=MINUTE_CHOICES,
        equipment=EQUIPMENT,
        conditions=condition_choices(),
    )


def _default_if_none(value: int | str | None, default: int) -> int | str:
    return default if value is None else value


@router.get("/settings", include_in_schema=False)
def settings_page(request: Request) -> Response:
    """The settings form, filled with what is stored."""
    with web(request).database.session() as s:
        values = current_settings(all_settings(s)).model_dump()
    return _page(request, values, {}, request.query_params.get("saved") == "1")


@router.post("/settings", include_in_schema=False)
def save(request: Request, form: PostedForm) -> Response:
    """Validate and store the defaults."""
    data: dict[str, Any] = {
        "region": form_text(form, "region") or "whole",
        # Empty means the default; 0 is a value, refused by the model (not quietly 10).
        "minutes": _default_if_none(form_int(form, "minutes"), DEFAULT_MINUTES),
        "equipment": form_list(form, "equipment"),
        "conditions": form_list(form, "conditions"),
    }
    model, errors = validate(SettingsModel, data)
    if model is None:
        return _page(request, data, errors, False, 422)
    save_settings(request, model)
    return RedirectResponse("/settings?saved=1", status_code=303)

