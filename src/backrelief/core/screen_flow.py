"""The safety check's flow: which questions come next, and when the check ends. One home for
``backrelief check`` and the web check (both shells call this; neither orders questions itself).

A check is a series of steps:

* ``emergency`` and ``same_day``: one "do any of these apply?" list each (a re-check asks these
  two again, even where an earlier answer is known, because red flags can appear at any time);
* ``other``: the questions about the person, in file order. A question whose ``ask_if`` or
  ``skip_if`` looks at an answer not given yet waits for a later page, so follow-ups
  (``pregnancy_weeks`` after a yes to ``pregnant``, ``cleared_for_exercise`` after a yes to
  ``spinal_fusion``) come after what they depend on, and ``pregnant`` is skipped from age 60 and
  recorded as no. The terminal asks the first question of each page, one at a time;
* ``finish``: when the answers so far give ``same_day``, the check ends early, but first asks
  whatever could still make it an emergency (a same-day fever with a nerve symptom, a cancer
  history with one, ...). Nobody who should be calling 999 is kept answering questions about
  their age, and nobody is told "today" when the answers they have not given yet could say "now".

The state is plain data (the answers and the ids already asked) so that the web can carry it in
a form between requests and rebuild the same :class:`Flow`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from backrelief.core.screening import (
    AllOf,
    AnyOf,
    Condition,
    Group,
    Leaf,
    Question,
    ScreenDefinition,
    ScreenResult,
    check_answers,
    default_screen,
    evaluate,
    evaluate_recheck,
    questions_in,
)

Mode = Literal["full", "recheck"]
StepName = Literal["emergency", "same_day", "other", "finish"]
STEP_NAMES: tuple[StepName, ...] = ("emergency", "same_day", "other", "finish")
#: The steps of each kind of check, in order (``finish`` comes only when a check ends early).
STEPS: dict[Mode, tuple[StepName, ...]] = {
    "full": ("emergency", "same_day", "other"),
    "recheck": ("emergency", "same_day"),
}
#: Steps asked as one "do any of these apply?" list.
LIST_STEPS: frozenset[StepName] = frozenset({"emergency", "same_day"})


@dataclass(frozen=True)
class Step:
    """One page of the check: its name and the questions on it, in asking order."""

    name: StepName
    questions: tuple[Question, ...]

    @property
    def as_list(self) -> bool:
        """True for a "do any of these apply?" list (an unticked yes/no item there is a no)."""
        return self.name in LIST_STEPS

    @property
    def group(self) -> Group:
        """The question group whose title and intro introduce this step."""
        return "emergency" if self.name == "finish" else self.name


def could_match(condition: Condition, answers: Mapping[str, object]) -> bool:
    """False only when the answers given already make ``condition`` false."""
    if isinstance(condition, Leaf):
        return condition.question not in answers or condition.matches(answers[condition.question])
    if isinstance(condition, AllOf):
        return all(could_match(part, answers) for part in condition.all_of)
    assert isinstance(condition, AnyOf)
    return any(could_match(part, answers) for part in condition.any_of)


@dataclass
class Flow:
    """One run of the check: the answers so far, what has been asked, and what comes next."""

    screen: ScreenDefinition
    mode: Mode
    answers: dict[str, object] = field(default_factory=dict)
    asked: set[str] = field(default_factory=set)

    @classmethod
    def start(
        cls,
        mode: Mode,
        known: Mapping[str, object] | None = None,
        asked: Iterable[str] | None = None,
        screen: ScreenDefinition | None = None,
    ) -> Flow:
        """A check with earlier answers. In a full check a known answer is not asked again; a
        re-check asks its lists again and keeps the rest so that combination rules still apply.

        ``asked`` restores a check in progress (the web carries it between pages). Raises
        :class:`~backrelief.core.screening.AnswerError` for a bad known answer.
        """
        screen = screen or default_screen()
        answers = check_answers(known or {}, screen)
        if asked is None:
            asked_ids = set() if mode == "recheck" else set(answers)
        else:
            known_ids = {question.id for question in screen.questions}
            asked_ids = {qid for qid in asked if qid in known_ids}
        flow = cls(screen, mode, dict(answers), asked_ids)
        flow._apply_skips()
        return flow

    # ---- the result --------------------------------------------------------------------------

    def result(self) -> ScreenResult:
        """Today's rules applied to the answers so far."""
        if self.mode == "recheck":
            return evaluate_recheck(self.answers, self.screen)
        return evaluate(self.answers, self.screen)

    def urgent(self, until: Literal["urgent", "emergency"] = "urgent") -> bool:
        """Whether the check should end now: an emergency or same-day result (or, while
        finishing a same-day check, an emergency one)."""
        result = self.result()
        return result.tier == "emergency" if until == "emergency" else result.urgent

    # ---- what comes next ---------------------------------------------------------------------

    def questions(self, step: StepName) -> list[Question]:
        """The questions of ``step`` still to ask now, in order (empty when there are none)."""
        if step == "finish":
            return self._finishing_questions()
        pending = [q for q in self.screen.in_group(step)
                   if q.id not in self.asked and self.screen.should_ask(q, self.answers)]
        if step in LIST_STEPS:
            return pending
        # A question that depends on an answer still to come waits for a later page.
        unsettled = {q.id for q in pending}
        return [q for q in pending
                if not (questions_in(q.ask_if) | questions_in(q.skip_if)) & unsettled]

    def _finishing_questions(self) -> list[Question]:
        wanted: set[str] = set()
        for rule in self.screen.rules:
            if rule.tier == "emergency" and could_match(rule.when, self.answers):
                wanted |= questions_in(rule.when)
        return [q for q in self.screen.questions
                if q.id in wanted and q.id not in self.answers and q.id not in self.asked
                and self.screen.should_ask(q, self.answers)]

    def first(self) -> Step | None:
        """The first step with questions to ask (None if every question is answered)."""
        return self._following(None)

    def after(self, step: StepName) -> Step | None:
        """The step after ``step`` has been answered, or None when the check is over.

        Ends early on an emergency or same-day result; a same-day result first gets a
        ``finish`` step when some unanswered question could still make it an emergency.
        """
        result = self.result()
        if result.urgent:
            if result.tier == "same_day" and step != "finish":
                pending = self._finishing_questions()
                if pending:
                    return Step("finish", tuple(pending))
            return None
        if step == "finish":
            return None
        return self._following(step)

    def _following(self, step: StepName | None) -> Step | None:
        steps = STEPS[self.mode]
        start = 0 if step is None else steps.index(step)
        for name in steps[start:]:
            pending = self.questions(name)
            if pending:
                return Step(name, tuple(pending))
        return None

    def next_question(self, step: StepName) -> Question | None:
        """The next question to ask on its own (the terminal asks one at a time)."""
        pending = self.questions(step)
        return pending[0] if pending else None

    def unanswered(self, step: Step) -> list[Question]:
        """The required questions of an answered step still without an answer."""
        return [q for q in step.questions if q.required and q.id not in self.answers
                and self.screen.should_ask(q, self.answers)]

    # ---- recording answers -------------------------------------------------------------------

    def answer(self, question: Question, value: object | None) -> None:
        """Record one answer (None: asked, left empty) and any question it makes skippable."""
        self.asked.add(question.id)
        if value is None:
            self.answers.pop(question.id, None)
        else:
            self.answers[question.id] = question.check(value)
        self._apply_skips()

    def none_apply(self, questions: Iterable[Question]) -> None:
        """ "None of these apply" to a list: each is recorded as its "does not apply" answer."""
        for question in questions:
            self.answer(question, question.none_value)

    def _apply_skips(self) -> None:
        for question in self.screen.questions:
            if question.id not in self.answers and self.screen.skipped(question, self.answers):
                self.answers[question.id] = question.none_value
                self.asked.add(question.id)
