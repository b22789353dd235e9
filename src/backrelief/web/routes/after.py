"""After a session: pain now and how each technique felt, then the summary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from starlette.responses import RedirectResponse, Response

from backrelief.core.fields import PainScore
from backrelief.core.progress import VERDICT_LABELS, VERDICTS, Verdict
from backrelief.core.vocabulary import PAIN_MAX, PAIN_MIN
from backrelief.journey.sessions import finish_after
from backrelief.store import diary_advice, list_ratings
from backrelief.web.context import render, web
from backrelief.web.forms import PostedForm, form_int, form_text
from backrelief.web.ids import RowIdPath
from backrelief.web.routes.progress import form_spread
from backrelief.web.sessions import load_session, routine_items

router = APIRouter()


def _after_page(request: Request, session_id: int, pain: object, verdicts: Mapping[str, str],
                errors: dict[str, str], status_code: int = 200, spread: bool = False) -> Response:
    context = web(request)
    with context.database.session() as s:
        record = load_session(s, session_id)
    return render(
        request,
        "after.html",
        status_code=status_code,
        record=record,
        items=routine_items(record, context.catalog),
        verdicts=verdicts,
        verdict_labels=VERDICT_LABELS,
        pain=pain,
        spread=spread,
        errors=errors,
    )


@router.get("/session/{session_id}/after", include_in_schema=False)
def after(request: Request, session_id: RowIdPath) -> Response:
    """Rate pain now and each technique; techniques the player stopped come pre-marked."""
    with web(request).database.session() as s:
        record = load_session(s, session_id)
    verdicts = dict(record.feedback)
    for technique in request.query_params.get("stopped", "").split(","):
        if technique in record.techniques:
            verdicts.setdefault(technique, "stopped")
    stopped_technique = request.query_params.get("technique", "")
    if stopped_technique in record.techniques:
        verdicts.setdefault(stopped_technique, "stopped")
    return _after_page(request, session_id, "", verdicts, {})


@router.post("/session/{session_id}/after", include_in_schema=False)
def save_after(request: Request, session_id: RowIdPath, form: PostedForm) -> Response:
    """Store pain after and the feedback; end the session if the player did not already."""
    pain = form_int(form, "pain")
    errors: dict[str, str] = {}
    if not isinstance(pain, int) or not PAIN_MIN <= pain <= PAIN_MAX:
        errors["pain"] = f"Please rate your pain now, from {PAIN_MIN} to {PAIN_MAX}."
    spread = form_spread(form, errors)
    context = web(request)
    with context.database.session() as s:
        record = load_session(s, session_id)
    verdicts: dict[str, str] = {}
    for technique in record.techniques:
        raw = form.get(f"verdict-{technique}")
        value = raw if isinstance(raw, str) else ""
        if value and value not in VERDICTS:
            errors[f"verdict-{technique}"] = "Choose one of the answers."
        elif value:
            verdicts[technique] = value
    if errors or not isinstance(pain, int):
        return _after_page(request, session_id, pain or "", verdicts, errors, 422, spread)
    answer_id = form_text(form, "answer_id")
    with context.database.session(write=True) as s:
        finish_after(s, session_id, pain, verdicts, answer_id=answer_id, spread=spread)
    return RedirectResponse(f"/session/{session_id}/summary", status_code=303)


class AfterAnswers(BaseModel):
    """The after-session form as JSON (what the browser's offline outbox sends)."""

    model_config = ConfigDict(extra="forbid")

    answer_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{8,40}$")]
    pain: PainScore
    verdicts: dict[Annotated[str, Field(max_length=60)], Verdict] = Field(
        default_factory=dict, max_length=40)
    spread: StrictBool = False


@router.post("/api/sessions/{session_id}/after", tags=["sessions"])
def post_after(request: Request, session_id: RowIdPath, body: AfterAnswers) -> dict[str, Any]:
    """Store pain after and each technique's verdict, once per `answer_id` (a repeat answers
    `{"stored": false}` and writes nothing); 422 naming the field for bad input."""
    with web(request).database.session(write=True) as s:
        load_session(s, session_id)
        stored = finish_after(s, session_id, body.pain, dict(body.verdicts),
                              answer_id=body.answer_id, spread=body.spread)
    return {"stored": stored, "summary": f"/session/{session_id}/summary"}


@router.get("/session/{session_id}/summary", include_in_schema=False)
def summary(request: Request, session_id: RowIdPath) -> Response:
    """Pain before and after, how each technique felt, and the diary's advice."""
    context = web(request)
    with context.database.session() as s:
        record = load_session(s, session_id)
        ratings = list_ratings(s, session_id=session_id)
        advice = diary_advice(s)
    before = next((r.pain for r in ratings if r.kind == "before"), None)
    after_pain = next((r.pain for r in reversed(ratings) if r.kind == "after"), None)
    return render(
        request,
        "summary.html",
        record=record,
        items=routine_items(record, context.catalog),
        before=before,
        after=after_pain,
        verdict_labels=VERDICT_LABELS,
        advice=advice,
    )
