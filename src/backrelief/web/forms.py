"""Turning HTML form fields into the API's request models, with errors by field.

HTML forms send text; the JSON API is strict about types. Numbers are converted here (a value
that is not a whole number is left as text so the model reports it), then the same pydantic
model as the API validates, so both paths share one definition of valid input.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from backrelief.core.vocabulary import is_ascii_number
from backrelief.web.errors import field_name

Model = TypeVar("Model", bound=BaseModel)


async def posted_form(request: Request) -> FormData:
    """The posted form, read on the event loop (reading the body is the one await).

    Routes that write take it as a dependency (:data:`PostedForm`) and are plain ``def``, so
    FastAPI runs them, and the commit's fsync, in its threadpool: one pattern for every form
    that writes, and the event loop never waits on the disk (issue 15: a write's p99 at 32
    clients was 2.2 s when commits ran on the loop).
    """
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]



def form_int(form: FormData, name: str) -> int | str | None:
    """A whole number from a text field; None when empty; the text itself when not a number
    (the model then names the field)."""
    raw = form.get(name)
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        return None
    return int(text) if is_ascii_number(text, 5) else text


def form_list(form: FormData, name: str) -> list[str]:
    """Every value of a repeated field (checkboxes)."""
    return [value for value in form.getlist(name) if isinstance(value, str) and value]


def form_text(form: FormData, name: str) -> str | None:
    """A text field, stripped; None when empty."""
    raw = form.get(name)
    text = raw.strip() if isinstance(raw, str) else ""
    return text or None


def validate(model: type[Model], data: dict[str, Any]) -> tuple[Model | None, dict[str, str]]:
    """The model, or None and one message per field."""
    try:
        return model.model_validate(data), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            name = field_name(error.get("loc", ())).split(".")[0] or "form"
            errors.setdefault(name, str(error.get("msg", "invalid")))
        return None, errors
