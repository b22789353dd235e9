"""Error responses: 422 naming the field for bad input, friendly pages for HTML routes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response


class FieldError(Exception):
    """Bad input found by a rule in core (not by the request model): 422 naming ``field``."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def field_name(loc: Sequence[Any]) -> str:
    """A validation location as a dotted field name, without FastAPI's ``body`` prefix."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in ("body", "query", "path", "form"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def field_error_response(field: str, problem: str) -> JSONResponse:
    """The one shape of every 422 of the API: ``{"error", "field", "detail"}``."""
    return JSONResponse(
        status_code=422,
        content={
            "error": f"{field}: {problem}",
            "field": field,
            "detail": [{"loc": field.split("."), "msg": problem, "type": "value_error"}],
        },
    )


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {"loc": ("body",), "msg": "invalid input"}
    field = field_name(first.get("loc", ("body",)))
    response = field_error_response(field, str(first.get("msg", "invalid input")))
    return response


async def _field_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FieldError)
    return field_error_response(exc.field, exc.problem)


async def _store_input_error(request: Request, exc: Exception) -> Response:
    from backrelief.store.errors import StoreInputError

    assert isinstance(exc, StoreInputError)
    return field_error_response(exc.field, exc.problem)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if _wants_html(request):
        from backrelief.web.context import render

        return render(
            request,
            "error.html",
            status_code=exc.status_code,
            status=exc.status_code,
            message=str(exc.detail),
        )
    return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers above on ``app``."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(FieldError, _field_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    from backrelief.store.errors import StoreInputError

    app.add_exception_handler(StoreInputError, _store_input_error)
