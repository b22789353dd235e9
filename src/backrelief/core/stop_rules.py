"""Stop rules inside a session: a check-in answer or "this hurts" -> continue, skip or stop.

The responses, their actions and advice live in ``content/stop_rules.yaml``. Clinical brief 7.5:
stop when pain worsens, new symptoms appear or leg symptoms spread; where a red flag may have
appeared (spreading leg pain, new numbness, dizziness, a pop followed by pain) ``rescreen`` is
set and the session must ask the emergency and same-day questions again
(:func:`backrelief.core.screening.evaluate_recheck`) before anything else.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from backrelief.core.content import (
    STRICT,
    ContentError,
    Rules,
    check_sources,
    content_root,
    format_loc,
    read_yaml,
    shipped_stop_rules,
    validate,
)
from backrelief.core.screening import AnswerError, load_sources
from backrelief.core.vocabulary import ConditionId

Action = Literal["continue", "skip", "stop"]
#: What a person can choose once a response has paused the session (the outcome vocabulary):
#: ``rest`` stay paused and rest, then carry on with the next technique; ``skip`` leave this
#: technique and carry on now; ``end`` end the session; ``recheck`` end it and answer the
#: warning-sign questions again.
Choice = Literal["rest", "skip", "end", "recheck"]
CHOICE_LABELS: dict[Choice, str] = {
    "rest": "Rest, then carry on",
    "skip": "Skip this technique",
    "end": "End the session",
    "recheck": "Answer the safety questions again",
}
Text = Annotated[str, Rules(min_length=3, max_length=800)]

#: Responses every player must offer (the issue's list, plus the two "carry on" answers).
STOP_RESPONSES: tuple[str, ...] = (
    "feels_fine",
    "mild_discomfort",
    "sharp_or_worse",
    "spreading_leg",
    "numbness_tingling",
    "dizzy_faint",
    "pop_with_pain",
)


@dataclass(frozen=True, kw_only=True)
class StopResponse:
    """One answer a person can give mid-session, and what it leads to."""

    __pydantic_config__ = STRICT

    id: Annotated[str, Rules(pattern=r"^[a-z][a-z0-9_]*$")]
    label: Text
    action: Action
    rescreen: bool
    advice: Text
    condition_advice: dict[ConditionId, Text] = field(default_factory=dict)
    sources: Annotated[list[str], Rules(min_length=1)]


@dataclass(frozen=True, kw_only=True)
class _StopFile:
    __pydantic_config__ = STRICT

    responses: Annotated[list[StopResponse], Rules(min_length=1)]


@dataclass(frozen=True)
class StopRules:
    """The validated stop responses, in the order a player shows them."""

    responses: tuple[StopResponse, ...]

    def response(self, response_id: str) -> StopResponse:
        """The response with this id; :class:`AnswerError` on field ``response`` if unknown."""
        for response in self.responses:
            if response.id == response_id:
                return response
        valid = ", ".join(r.id for r in self.responses)
        raise AnswerError("response", f"unknown stop response {response_id!r}; valid: {valid}")


@dataclass(frozen=True)
class StopDecision:
    """What to do now: the action, plain advice, whether to re-screen, and the sources."""

    response: str
    label: str
    action: Action
    advice: str
    rescreen: bool
    sources: list[str]

    @property
    def choices(self) -> tuple[Choice, ...]:
        """What the person may do next, in the order a player offers it.

        ``continue``: nothing to choose (the session carries on). ``skip`` (sharp or worsening
        pain): the session stays paused and offers rest, skip or end, because whether the pain
        settles decides (clinical brief 7.5). ``stop``: the session ends; with ``rescreen`` it
        leads to the re-check (a possible red flag, brief 1.4), otherwise to the rating.
        """
        if self.action == "continue":
            return ()
        if self.action == "skip":
            return ("rest", "skip", "end")
        return ("recheck",) if self.rescreen else ("end",)

    @property
    def is_stop(self) -> bool:
        """True when the response pauses or ends the session, so it must be recorded."""
        return self.action != "continue"

    def choose(self, choice: str) -> Choice:
        """Check ``choice`` against :attr:`choices`; :class:`AnswerError` on field ``choice``.

        An empty choice means the only one there is (a ``stop`` has exactly one).
        """
        if not choice and len(self.choices) == 1:
            return self.choices[0]
        for allowed in self.choices:
            if allowed == choice:
                return allowed
        valid = ", ".join(self.choices) or "none (the session carries on)"
        raise AnswerError("choice", f"{choice!r} is not a choice after {self.response!r}; "
                                    f"valid: {valid}")

    def to_json(self) -> dict[str, Any]:
        """The decision as a JSON-ready dict (``choices`` as id and label pairs)."""
        return {
            "response": self.response,
            "label": self.label,
            "action": self.action,
            "advice": self.advice,
            "rescreen": self.rescreen,
            "sources": list(self.sources),
            "choices": [{"id": c, "label": CHOICE_LABELS[c]} for c in self.choices],
        }


def ends_session(choice: Choice) -> bool:
    """True when this choice ends the session (``end`` and ``recheck``)."""
    return choice in ("end", "recheck")


def load_stop_rules(path: Path | None = None) -> StopRules:
    """Load and check ``stop_rules.yaml`` (default: the shipped one).

    Every id of :data:`STOP_RESPONSES` must be present and every source must exist in the
    ``sources.yaml`` beside it; otherwise :class:`ContentError` names the file and field.
    """
    path = path if path is not None else content_root() / "stop_rules.yaml"
    label = path.name
    raw = read_yaml(path, label)
    if not isinstance(raw, dict):
        raise ContentError(label, "", "expected a mapping with 'responses'")
    parsed = validate(_StopFile, raw, label, format_loc)
    ids = [response.id for response in parsed.responses]
    for index, response_id in enumerate(ids):
        if response_id in ids[:index]:
            raise ContentError(label, f"responses[{index}].id", f"duplicate id {response_id!r}")
    for required in STOP_RESPONSES:
        if required not in ids:
            raise ContentError(label, "responses", f"missing required response {required!r}")
    known_sources = load_sources(path.parent / "sources.yaml")
    for index, response in enumerate(parsed.responses):
        check_sources(label, f"responses[{index}].sources", response.sources, known_sources)
    return StopRules(tuple(parsed.responses))


def default_stop_rules() -> StopRules:
    """The shipped stop rules (validated once, then read from the cache: core/content.py)."""
    return shipped_stop_rules()


def decide(
    response_id: str, conditions: Collection[str] = (), rules: StopRules | None = None
) -> StopDecision:
    """What a session does after this response; ``conditions`` adds their specific advice.

    Raises :class:`AnswerError` (field ``response``) for an unknown response id.
    """
    response = (rules or default_stop_rules()).response(response_id)
    extra = [text for cid, text in response.condition_advice.items() if cid in conditions]
    return StopDecision(
        response=response.id,
        label=response.label,
        action=response.action,
        advice=" ".join([response.advice, *extra]),
        rescreen=response.rescreen,
        sources=list(response.sources),
    )
