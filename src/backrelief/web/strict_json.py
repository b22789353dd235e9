"""Reading JSON the strict way: duplicate keys, deep nesting and bad bytes are bad input.

Python's ``json`` keeps the last of two equal keys (``{"pain": 11, "pain": 1}`` reads as pain 1,
hiding the 11 a validator would refuse), recurses without a limit of its own (deep nesting is a
``RecursionError``, a 500), and FastAPI reports a syntax error at ``loc: ["body", <offset>]``,
which our error shape turned into ``"field": "1"``. :func:`loads` refuses all three with a
:class:`JSONInputError` naming the field. :class:`StrictJSONMiddleware` applies it to every JSON
request body before FastAPI reads it, so each endpoint sees only well-formed, unambiguous JSON.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Our documents are flat (a rating, the answers of the check, settings): depth 2 or 3. Far more
# than that is an attack or a bug, refused long before the recursion limit.
MAX_DEPTH = 16
# A diary import is the largest JSON body the app is sent; it is uploaded by the CLI, not the
# web app, so a megabyte is generous for any request here.
MAX_BODY_BYTES = 1_000_000


class JSONInputError(ValueError):
    """JSON that is refused: ``field`` names where it came from (``body``, ``answers``)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise JSONInputError(key, f"appears twice in one object (key {key!r})")
        result[key] = value
    return result


def _depth(value: Any) -> int:
    """How deeply ``value`` nests (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, dict | list):
                if level + 1 > MAX_DEPTH:
                    return level + 1
                stack.append((child, level + 1))
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
    return deepest


def loads(data: str | bytes, field: str = "body") -> Any:
    """Parse ``data`` as JSON, refusing duplicate keys, nesting deeper than :data:`MAX_DEPTH`,
    bytes that are not UTF-8 and NaN/Infinity, each with a :class:`JSONInputError`."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise JSONInputError(field, "is not UTF-8 text") from None
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates,
                           parse_constant=lambda name: _refuse_constant(field, name))
    except json.JSONDecodeError as exc:
        raise JSONInputError(
            field, f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise JSONInputError(field, f"nests deeper than {MAX_DEPTH} levels") from None
    if _depth(value) > MAX_DEPTH:
        raise JSONInputError(field, f"nests deeper than {MAX_DEPTH} levels")
    return value


def _refuse_constant(field: str, name: str) -> Any:
    raise JSONInputError(field, f"{name} is not a JSON number")


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            media = bytes(value).decode("latin-1").split(";", 1)[0].strip().lower()
            return media == "application/json" or media.endswith("+json")
    return False


class StrictJSONMiddleware:
    """Check every JSON request body with :func:`loads` before the app reads it; answer the
    API's 422 shape (``{"error", "field", "detail"}``) when it is refused, 413 when too large.

    The body is read here and handed on unchanged, so FastAPI parses it as usual.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, _replay([message], receive), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                await _send_json(send, 413, "body", f"is larger than {MAX_BODY_BYTES} bytes")
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if body:
            try:
                loads(body)
            except JSONInputError as exc:
                await _send_json(send, 422, exc.field, exc.problem)
                return
        await self.app(scope, _replay([{"type": "http.request", "body": body,
                                        "more_body": False}], receive), send)


def _replay(messages: list[Message], then: Receive) -> Receive:
    """A ``receive`` that gives ``messages`` first, then waits on the client as before (so a
    streaming response still hears a real disconnect, and only a real one)."""
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        return await then()

    return receive


async def _send_json(send: Send, status: int, field: str, problem: str) -> None:
    from backrelief.web.errors import field_error_body

    body = json.dumps(field_error_body(field, problem)).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
