"""The pain diary as JSON: ratings, sessions and feedback, screens, advice, export, delete-all.

Every write validates the whole request before touching the database and runs in one
transaction, so a 422 (naming the field) never leaves anything stored.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from starlette.responses import Response

from backrelief.core.fields import PainScore, RowId
from backrelief.store import (
    StoreInputError,
    add_feedback,
    add_rating,
    delete_rating,
    diary_advice,
    forget_everything,
    get_session,
    list_ratings,
    list_screens,
    list_sessions,
    record_result,
)
from backrelief.web.api.screen import Answers, evaluate_answers
from backrelief.web.auth import user_of
from backrelief.web.context import web
from backrelief.web.diary_export import CLEAR_SITE_DATA, ExportFormat, export_response
from backrelief.web.errors import FieldError, field_error_response
from backrelief.web.ids import RowIdPath
from backrelief.web.reads import read_route

router = APIRouter(prefix="/api/diary", tags=["diary"])


class RatingRequest(BaseModel):
    """A 0-10 pain rating: daily, or before/after a session."""

    model_config = ConfigDict(extra="forbid")

    pain: PainScore
    kind: Literal["daily", "before", "after"] = "daily"
    where: Annotated[str, Field(max_length=80)] | None = None
    session_id: RowId | None = None
    # The pain has spread down a leg, or further down it, since last time (daily or after).
    spread: StrictBool = False


class FeedbackRequest(BaseModel):
    """How one technique of a session felt."""

    model_config = ConfigDict(extra="forbid")

    technique: Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]
    verdict: Literal["better", "same", "worse", "stopped"]


@router.get("/ratings")
@read_route
def ratings(request: Request) -> list[dict[str, Any]]:
    """Every pain rating, oldest first."""
    with web(request).database.session(user=user_of(request)) as s:
        return [record.as_dict() for record in list_ratings(s)]


@router.post("/ratings", status_code=201)
def add(request: Request, body: RatingRequest) -> dict[str, Any]:
    """Record a pain rating (now)."""
    with web(request).database.session(write=True, user=user_of(request)) as s:
        record = add_rating(s, body.pain, kind=body.kind, where=body.where,
                            session_id=body.session_id, spread=body.spread)
    return record.as_dict()


@router.delete("/ratings/{rating_id}", status_code=204, responses={404: {"description": "No such rating"}})
def remove(request: Request, rating_id: RowIdPath) -> Response:
    """Delete one rating (a mistyped entry)."""
    with web(request).database.session(write=True, user=user_of(request)) as s:
        if not delete_rating(s, rating_id):
            raise HTTPException(404, f"rating_id: no rating with id {rating_id}")
    return Response(status_code=204)


@router.get("/advice")
@read_route
def advice(request: Request) -> dict[str, Any]:
    """The diary's advice (as `backrelief advice --json`) plus the trend behind it."""
    with web(request).database.session(user=user_of(request)) as s:
        verdict = diary_advice(s)
    return {**verdict.as_dict(), "trend": verdict.trend.as_dict(),
            "flagged_techniques": sorted(verdict.flagged_techniques)}


@router.get("/sessions")
def sessions(request: Request) -> list[dict[str, Any]]:
    """Every session with its routine, outcome and per-technique feedback, oldest first."""
    with web(request).database.session(user=user_of(request)) as s:
        return [{**record.as_dict(), "feedback": record.feedback} for record in list_sessions(s)]


@router.post("/sessions/{session_id}/feedback", status_code=201)
def feedback(request: Request, session_id: RowIdPath, body: FeedbackRequest) -> dict[str, Any]:
    """Record (or replace) how one technique of a session felt; the technique must be in the
    catalogue and in the session (else 422 naming `technique`)."""
    context = web(request)
    if body.technique not in context.catalog.techniques:
        raise FieldError("technique", f"no technique called {body.technique!r}")
    with context.database.session(write=True, user=user_of(request)) as s:
        try:
            add_feedback(s, session_id, body.technique, body.verdict)
        except StoreInputError as exc:  # the store says technique_id; the request, technique
            field = "technique" if exc.field == "technique_id" else exc.field
            raise FieldError(field, exc.problem) from None
        record = get_session(s, session_id)
    return {**record.as_dict(), "feedback": record.feedback}


@router.get("/screens")
def screens(request: Request) -> list[dict[str, Any]]:
    """Every stored safety screen, oldest first."""
    with web(request).database.session(user=user_of(request)) as s:
        return [record.as_dict() for record in list_screens(s)]


@router.post("/screens", status_code=201)
def add_screen(request: Request, answers: dict[str, Any] = Answers,
               recheck: bool = False) -> dict[str, Any]:
    """Evaluate answers with the safety screen and record the result in the diary. An
    incomplete answer set is 422 naming the first missing question, and nothing is stored: it
    would only stand in the way of the next routine (a red flag already answered is stored)."""
    result = evaluate_answers(answers, recheck)
    if result.tier == "incomplete":
        missing = result.missing[0] if result.missing else "answers"
        raise FieldError(missing, "required: answer every question of the check")
    with web(request).database.session(write=True, user=user_of(request)) as s:
        screen_id = record_result(s, result, answers)
    return {"id": screen_id, **result.to_json()}


@router.get("/export", responses={200: {"content": {"text/csv": {}, "application/fhir+json": {}}}})
def export(request: Request, format: ExportFormat = "json") -> Response:
    """Everything as re-importable JSON, or the ratings as CSV or a FHIR R4 Bundle."""
    with web(request).database.session(user=user_of(request)) as s:
        return export_response(s, format)


@router.delete("", status_code=200)
def delete_everything(request: Request, confirm: Annotated[StrictBool, Body(embed=True)]) -> Response:
    """Delete every record and setting (body `{"confirm": true}`); the SQLite file is compacted
    so no trace remains. The response also tells the browser to clear this site's storage."""
    if not confirm:
        return field_error_response("confirm", "must be true to delete everything")
    database = web(request).database
    with database.session(write=True, user=user_of(request)) as s:
        deleted = forget_everything(s)
    database.compact()
    return Response(json.dumps({"deleted": deleted}), media_type="application/json",
                    headers={"Clear-Site-Data": CLEAR_SITE_DATA})
