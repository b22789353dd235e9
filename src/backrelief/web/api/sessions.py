"""`GET /api/sessions/{id}/timeline`: the cues of a stored session, for the browser player.

Gated like the pages: the cues of a routine are only handed out while the latest safety screen
allows exercise and is recent (:mod:`backrelief.web.gate`); otherwise 403 says why and where to
go. The service worker caches the answer, so a session that has started plays on offline.

A stored routine never changes, so its timeline is built and serialised once (issue 16: it was
rebuilt and re-validated on every request) and served as bytes with an ETag; a request whose
``If-None-Match`` names it gets 304. The gate is still checked on every request.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import JSONResponse, Response

from backrelief.core.timeline import timeline_to_json
from backrelief.web.auth import user_of
from backrelief.web.context import web
from backrelief.web.ids import RowIdPath
from backrelief.web.reads import read_route
from backrelief.web.routines import StoredRoutineError, stored_timeline
from backrelief.web.sessions import gated_session

router = APIRouter(prefix="/api", tags=["sessions"])

CACHED_TIMELINES = 64  # sessions; a few hundred KB at most


class TimelineCache:
    """Serialised timelines by session, routine and catalogue, least recently used dropped."""

    def __init__(self, size: int = CACHED_TIMELINES) -> None:
        self._size = size
        self._items: OrderedDict[tuple[int, str, int], tuple[bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[int, str, int]) -> tuple[bytes, str] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[int, str, int], body: bytes) -> tuple[bytes, str]:
        entry = (body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
        with self._lock:
            self._items[key] = entry
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return entry


_CACHE = TimelineCache()


def _routine_digest(routine: Any) -> str:
    return hashlib.sha256(json.dumps(routine, sort_keys=True, separators=(",", ":"))
                          .encode("utf-8")).hexdigest()


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


@router.get(
    "/sessions/{session_id}/timeline",
    responses={200: {"description": "The timeline; carries an ETag"},
               304: {"description": "Not modified (If-None-Match named the ETag)"},
               403: {"description": "No recent safety screen allows exercise"},
               404: {"description": "Unknown session"}},
)
@read_route
def session_timeline(request: Request, session_id: RowIdPath) -> Any:
    """`{"session", "plan", "cues"}`: every timed cue of the session's routine, in order."""
    context = web(request)
    with context.database.session(user=user_of(request)) as s:
        record, gate = gated_session(s, session_id)
    if not gate.allowed:
        return JSONResponse({"error": gate.reason, "next": gate.next_url}, status_code=403)
    key = (record.id, _routine_digest(record.routine), id(context.catalog))
    entry = _CACHE.get(key)
    if entry is None:
        try:
            cues = stored_timeline(record.routine, context.catalog)
        except StoredRoutineError as exc:
            raise HTTPException(409, f"routine: {exc}") from None
        document = {"session": record.id, "plan": record.routine, "cues": timeline_to_json(cues)}
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        entry = _CACHE.put(key, body)
    body, etag = entry
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers={"ETag": etag})
    return Response(body, media_type="application/json", headers={"ETag": etag})
