"""`GET /api/sessions/{id}/timeline`: the cues of a stored session, for the browser player.

Gated like the pages: the cues of a routine are only handed out while the latest safety screen
allows exercise and is recent (:mod:`backrelief.web.gate`); otherwise 403 says why and where to
go. The service worker caches the answer, so a session that has started plays on offline.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import JSONResponse

from backrelief.core.timeline import timeline_to_json
from backrelief.web.context import web
from backrelief.web.ids import RowIdPath
from backrelief.web.routines import StoredRoutineError, stored_timeline
from backrelief.web.sessions import gated_session

router = APIRouter(prefix="/api", tags=["sessions"])


@router.get(
    "/sessions/{session_id}/timeline",
    responses={403: {"description": "No recent safety screen allows exercise"},
               404: {"description": "Unknown session"}},
)
def session_timeline(request: Request, session_id: RowIdPath) -> Any:
    """`{"session", "plan", "cues"}`: every timed cue of the session's routine, in order."""
    context = web(request)
    with context.database.session() as s:
        record, gate = gated_session(s, session_id)
    if not gate.allowed:
        return JSONResponse({"error": gate.reason, "next": gate.next_url}, status_code=403)
    try:
        cues = stored_timeline(record.routine, context.catalog)
    except StoredRoutineError as exc:
        raise HTTPException(409, f"routine: {exc}") from None
    return {"session": record.id, "plan": record.routine, "cues": timeline_to_json(cues)}
