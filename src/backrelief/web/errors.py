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


def field_error_body(field: str, problem: str) -> dict[str, Any]:
    """The one shape of every 422 of the API: ``{"error", "field", "detail"}``."""
    return {
        "error": f"{field}: {problem}",
        "field": field,
        "detail": [{"loc": field.split("."), "msg": problem, "type": "value_error"}],
    }


def field_error_response(field: str, problem: str) -> JSONResponse:
    """A 422 of :func:`field_error_body`."""
    return JSONResponse(status_code=422, content=field_error_body(field, problem))


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {"loc": ("body",), "msg": "invalid input"}
    loc = tuple(first.get("loc", ("body",)))
    if first.get("type") == "json_invalid":  # its loc is ("body", <offset>): name the body
        loc = ("body",)
    return field_error_response(field_name(loc), str(first.get("msg", "invalid input")))


async def _field_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FieldError)
    return field_error_response(exc.field, exc.problem)


async def _store_input_error(request: Request, exc: Exception) -> Response:
    from backrelief.store.errors import StoreInputError

    assert isinstance(exc, StoreInputError)
    return field_error_response(exc.field, exc.problem)


async def _json_input_error(request: Request, exc: Exception) -> Response:
    from backrelief.web.strict_json import JSONInputError

    assert isinstance(exc, JSONInputError)
    return field_error_response(exc.field, exc.problem)


async def _server_error(request: Request, exc: Exception) -> Response:
    """The 500 answer. Starlette sends it from ``ServerErrorMiddleware``, outside every
    middleware we add, so the security headers and ``no-store`` are set here."""
    from backrelief.web.security import response_headers

    if _wants_html(request):
        from backrelief.web.context import render

        response: Response = render(
            request, "error.html", status_code=500, status=500,
            message="Sorry, something went wrong on our side. Nothing you entered was lost "
                    "unless the page said it was saved; please try again.")
    else:
        response = JSONResponse({"error": "internal error: the server could not answer"},
                                status_code=500)
    headers = response_headers(request.url.path, list(response.headers.raw))
    response.raw_headers = headers
    return response


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
    from backrelief.web.strict_json import JSONInputError

    app.add_exception_handler(JSONInputError, _json_input_error)
    # Exception (not a subclass) is handled by ServerErrorMiddleware: the 500 page.
    app.add_exception_handler(Exception, _server_error)
