"""The safety screen: questions and triage rules as data, evaluated by a small, pure engine.

``content/screening.yaml`` holds the questions (plain wording, help text, answer type), the rules
(a condition over the answers, a tier, whether exercise is allowed, advice and sources) and the
advice for each tier. This module validates that file and evaluates answers against it; it does
no I/O beyond reading the shipped YAML.

Why it is conservative (clinical brief 1.1): red flags are weak one by one and an app only hears
the history, never the examination, so it must over-refer rather than under-refer. Hence:

* the most urgent triggered rule sets the tier, and every triggered rule is reported with its
  question ids and sources, so the person is told why in plain words;
* a missing answer gives ``incomplete`` (never exercise), but a red flag already answered still
  wins over it: somebody who said yes to numbness around the bottom must hear "call 999" even if
  they skipped their age. That is why ``incomplete`` sits between ``same_day`` and
  ``see_professional`` in :data:`TIER_ORDER`;
* conditions only ever test "yes" answers (checked when loading), so answering yes can never make
  a result less urgent;
* a clean result still carries safety-net advice, because a clear screen rules nothing out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast, get_args

from backrelief.core.catalog import Source
from backrelief.core.content import (
    STRICT,
    ContentError,
    Rules,
    check_sources,
    content_root,
    read_yaml,
    shipped_screen,
    validate,
)
from backrelief.core.vocabulary import (
    NO_EXERCISE_TIERS,
    TIER_ORDER,
    ConditionId,
    RuleTier,
    Tier,
)

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema

Group = Literal["emergency", "same_day", "other"]
QuestionType = Literal["bool", "int", "enum"]

__all__ = ["NO_EXERCISE_TIERS", "TIER_ORDER", "RuleTier", "Tier"]  # re-exported from vocabulary
GROUP_ORDER: tuple[Group, ...] = get_args(Group)

#: The question ids DESIGN.md makes a contract; the YAML must define each one as required.
REQUIRED_QUESTION_IDS: tuple[str, ...] = (
    "saddle_numbness",
    "bladder_change",
    "bowel_change",
    "sexual_change",
    "both_legs",
    "leg_weakness",
    "major_trauma",
    "chest_symptoms",
    "tearing_pain",
    "sudden_tummy_back_pain",
    "fever",
    "infection_risk",
    "cancer_history",
    "weight_loss",
    "night_pain",
    "lump_or_shape_change",
    "worse_straining",
    "nonmechanical_thoracic",
    "fragility_risk",
    "blood_thinners",
    "sudden_onset_minor_trauma",
    "age",
    "first_episode",
    "duration_weeks",
    "inflammatory_features",
    "severe_not_coping",
    "recent_spinal_surgery",
    "spinal_fusion",
    "pregnant",
    "pain_now",
)

QuestionId = Annotated[str, Rules(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Slug = Annotated[str, Rules(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]
Text = Annotated[str, Rules(min_length=3, max_length=800)]
_Exact = Rules(strict=True)  # JSON true is not 1 and "1" is not a number
_NonEmpty = Rules(min_length=1)

# Models are plain frozen dataclasses (core/content.py says why); unknown keys are errors.


# ---- the condition language ----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Leaf:
    """One test of one answer: ``equals``, ``at_least``, ``above``, ``below`` or ``in``.

    ``in`` is a Python keyword, so the field is ``one_of``; the YAML says ``in``.
    """

    __pydantic_config__ = STRICT

    question: QuestionId
    equals: Annotated[bool, _Exact] | Annotated[int, _Exact] | Annotated[str, _Exact] | None = None
    at_least: Annotated[int, _Exact] | None = None
    above: Annotated[int, _Exact] | None = None
    below: Annotated[int, _Exact] | None = None
    one_of: Annotated[list[Annotated[str, _Exact]], _NonEmpty] | None = None

    def __post_init__(self) -> None:
        given = [name for name in _OPERATORS if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of: equals, at_least, above, below, in")

    @property
    def operator(self) -> str:
        """The operator's name as written in YAML (``in`` for ``one_of``)."""
        name = next(name for name in _OPERATORS if getattr(self, name) is not None)
        return "in" if name == "one_of" else name

    def matches(self, value: object) -> bool:
        """Whether an answer (already validated) passes this test."""
        if self.equals is not None:
            # type() as well as ==: True must not equal 1 here either.
            return type(value) is type(self.equals) and value == self.equals
        if self.one_of is not None:
            return value in self.one_of
        if not isinstance(value, int) or isinstance(value, bool):
            return False
        if self.at_least is not None:
            return value >= self.at_least
        if self.above is not None:
            return value > self.above
        assert self.below is not None
        return value < self.below

    def describe(self) -> str:
        """Plain text for the generated docs, e.g. ``age is at least 65``."""
        if self.equals is not None:
            shown = ("yes" if self.equals else "no") if isinstance(self.equals, bool) else self.equals
            return f"{self.question} is {shown}"
        if self.one_of is not None:
            return f"{self.question} is one of {', '.join(self.one_of)}"
        if self.at_least is not None:
            return f"{self.question} is at least {self.at_least}"
        if self.above is not None:
            return f"{self.question} is over {self.above}"
        return f"{self.question} is under {self.below}"


_OPERATORS = ("equals", "at_least", "above", "below", "one_of")


@dataclass(frozen=True, kw_only=True)
class AllOf:
    """True when every part is true."""

    __pydantic_config__ = STRICT

    all_of: Annotated[list[Condition], Rules(min_length=2)]

    def describe(self) -> str:
        """Plain text for the generated docs."""
        return "(" + " and ".join(part.describe() for part in self.all_of) + ")"


@dataclass(frozen=True, kw_only=True)
class AnyOf:
    """True when at least one part is true."""

    __pydantic_config__ = STRICT

    any_of: Annotated[list[Condition], _NonEmpty]

    def describe(self) -> str:
        """Plain text for the generated docs."""
        return "(" + " or ".join(part.describe() for part in self.any_of) + ")"


def _condition_kind(value: Any) -> str:
    if isinstance(value, dict):
        if "all_of" in value:
            return "all_of"
        if "any_of" in value:
            return "any_of"
        return "leaf"
    if isinstance(value, AllOf):
        return "all_of"
    return "any_of" if isinstance(value, AnyOf) else "leaf"


class _ConditionSchema:
    """Validates a condition as the one kind its keys name (so an error names that kind's field),
    reading the YAML's ``in`` as ``one_of``. Only used when content is validated."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        from pydantic import Discriminator, Tag
        from pydantic_core import core_schema

        kinds = Annotated[
            Annotated[Leaf, Tag("leaf")] | Annotated[AllOf, Tag("all_of")]
            | Annotated[AnyOf, Tag("any_of")],
            Discriminator(_condition_kind),
        ]
        return core_schema.no_info_before_validator_function(_in_as_one_of, handler(kinds))


def _in_as_one_of(value: Any) -> Any:
    if isinstance(value, dict) and "in" in value and "one_of" not in value:
        value = dict(value)
        value["one_of"] = value.pop("in")
    return value


Condition = Annotated["Leaf | AllOf | AnyOf", _ConditionSchema()]


def match(condition: Condition, answers: Mapping[str, object]) -> frozenset[str] | None:
    """The question ids that make ``condition`` true for these answers, or None if it is false.

    An unanswered question never matches. For ``any_of`` every true part is named, so a reason
    lists all the answers behind it.
    """
    if isinstance(condition, Leaf):
        if condition.question in answers and condition.matches(answers[condition.question]):
            return frozenset({condition.question})
        return None
    if isinstance(condition, AllOf):
        found: set[str] = set()
        for part in condition.all_of:
            matched = match(part, answers)
            if matched is None:
                return None
            found |= matched
        return frozenset(found)
    hits = [m for part in condition.any_of if (m := match(part, answers)) is not None]
    return frozenset().union(*hits) if hits else None


def questions_in(condition: Condition | None) -> set[str]:
    """The question ids a condition looks at (none for no condition)."""
    if condition is None:
        return set()
    return {leaf.question for leaf, _ in _leaves(condition, "")}


def _leaves(condition: Condition, where: str) -> list[tuple[Leaf, str]]:
    if isinstance(condition, Leaf):
        return [(condition, where)]
    if isinstance(condition, AllOf):
        parts, key = condition.all_of, "all_of"
    else:
        parts, key = condition.any_of, "any_of"
    out: list[tuple[Leaf, str]] = []
    for index, part in enumerate(parts):
        out += _leaves(part, f"{where}.{key}[{index}]")
    return out


# ---- questions and answers -----------------------------------------------------------------------


class AnswerError(ValueError):
    """A bad answer: unknown question id, wrong type, out of range or not one of the choices.

    ``field`` is the question id (the CLI prints it; the web form marks that field).
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


@dataclass(frozen=True, kw_only=True)
class Choice:
    """One allowed value of an ``enum`` question, with the words shown for it (``sign``: how it
    reads in a list of warning signs)."""

    __pydantic_config__ = STRICT

    value: Annotated[str, Rules(pattern=r"^[a-z][a-z0-9_]*$")]
    label: Text
    sign: Text | None = None


@dataclass(frozen=True, kw_only=True)
class Part:
    """One plain sub-question of a yes/no question that is asked in parts."""

    __pydantic_config__ = STRICT

    id: Annotated[str, Rules(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
    text: Text


@dataclass(frozen=True, kw_only=True)
class Question:
    """One screen question: how it is asked, what answers are valid, when it is asked.

    ``ask_if``: asked only when this holds for the answers so far (a follow-up). ``skip_if``: not
    asked when this holds, and recorded as its "does not apply" answer (pregnancy from 60).
    ``parts``: a yes/no question asked as separate plain parts; the answer is yes only when every
    part is yes (:meth:`combine`). ``label`` is the short form, for lists and summaries;
    ``text`` the question as asked, in plain words.
    """

    __pydantic_config__ = STRICT

    id: QuestionId
    group: Group
    type: QuestionType
    label: Text
    text: Text
    help: Text
    required: bool = True
    minimum: int | None = None
    maximum: int | None = None
    unit: Annotated[str, Rules(max_length=20)] | None = None
    choices: list[Choice] = field(default_factory=list)
    ask_if: Condition | None = None
    skip_if: Condition | None = None
    parts: list[Part] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.type == "int" and (
            self.minimum is None or self.maximum is None or self.minimum > self.maximum
        ):
            raise ValueError("an int question needs minimum <= maximum")
        if self.type != "int" and (self.minimum is not None or self.maximum is not None):
            raise ValueError("only int questions take minimum/maximum")
        if self.type == "enum" and len(self.choices) < 2:
            raise ValueError("an enum question needs two or more choices")
        if self.type != "enum" and self.choices:
            raise ValueError("only enum questions take choices")
        if self.parts and (self.type != "bool" or len(self.parts) < 2):
            raise ValueError("only yes/no questions take parts, two or more of them")
        if len({part.id for part in self.parts}) != len(self.parts):
            raise ValueError("part ids must be unique")

    def combine(self, parts: Mapping[str, bool | None]) -> bool | None:
        """The answer from the answers to its parts: no if any part is no, yes if every part is
        yes, else None (not answered yet)."""
        values = [parts.get(part.id) for part in self.parts]
        if any(value is False for value in values):
            return False
        if values and all(value is True for value in values):
            return True
        return None

    def part_field(self, part: Part) -> str:
        """The form field name of one part (``question__part``)."""
        return f"{self.id}__{part.id}"

    @property
    def values(self) -> list[str]:
        """The allowed values of an enum question (empty for other types)."""
        return [choice.value for choice in self.choices]

    @property
    def none_value(self) -> object:
        """The answer meaning "this doesn't apply", used when a whole group is answered no."""
        if self.type == "bool":
            return False
        if self.type == "enum" and "none" in self.values:
            return "none"
        raise ValueError(f"{self.id}: a {self.type} question has no 'does not apply' answer")

    def check(self, value: object) -> object:
        """Return ``value`` if it is a valid answer, else raise :class:`AnswerError`.

        JSON ``true`` is not a number and ``1`` is not a yes: types are checked exactly.
        """
        if self.type == "bool":
            if not isinstance(value, bool):
                raise AnswerError(self.id, f"expected true or false, got {_shown(value)}")
            return value
        if self.type == "int":
            if not isinstance(value, int) or isinstance(value, bool):
                raise AnswerError(self.id, f"expected a whole number, got {_shown(value)}")
            assert self.minimum is not None and self.maximum is not None
            if not self.minimum <= value <= self.maximum:
                raise AnswerError(
                    self.id, f"{value} is out of range {self.minimum}-{self.maximum}"
                )
            return value
        if not isinstance(value, str) or value not in self.values:
            raise AnswerError(
                self.id, f"expected one of {', '.join(self.values)}, got {_shown(value)}"
            )
        return value

    def parse(self, text: str) -> object | None:
        """Turn typed text (a prompt or a web form) into a valid answer; empty gives None.

        Yes/no questions take y/yes/n/no; enum questions take the value or its number (1-based).
        """
        text = text.strip()
        if not text:
            return None
        if self.type == "bool":
            lowered = text.lower()
            if lowered in {"y", "yes", "true"}:
                return True
            if lowered in {"n", "no", "false"}:
                return False
            raise AnswerError(self.id, "answer yes or no")
        # ASCII digits only, and few: "³".isdigit() is true but int() refuses it, "٣" reads as
        # 3, and int() of thousands of digits raises (issue 15).
        whole = text.isascii() and text.isdigit() and len(text) <= 9
        if self.type == "int":
            if not whole:
                raise AnswerError(self.id, f"expected a whole number, got {text!r}")
            return self.check(int(text))
        if whole and 1 <= int(text) <= len(self.choices):
            return self.choices[int(text) - 1].value
        return self.check(text)


def _shown(value: object) -> str:
    if isinstance(value, bool | int | float | str) or value is None:
        return repr(value)
    return type(value).__name__


# ---- rules and the screen definition -------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One triage rule: when it triggers, its tier, what it allows and why (with sources).

    ``exercise_allowed_if``: exercise is allowed after all when this holds (a clearance).
    ``text``: why, in plain words, shown as the reason; ``advice``: what to do, beyond the
    tier's advice.
    """

    __pydantic_config__ = STRICT

    id: Slug
    when: Condition
    tier: RuleTier
    exercise_allowed: bool
    gentle_only: bool = False
    adds_conditions: list[ConditionId] = field(default_factory=list)
    exercise_allowed_if: Condition | None = None
    text: Text
    advice: Text | None = None
    sources: Annotated[list[Slug], _NonEmpty]

    def allows_exercise(self, answers: Mapping[str, object]) -> bool:
        """Whether this rule, once triggered, lets exercise go ahead."""
        if self.exercise_allowed:
            return True
        return self.exercise_allowed_if is not None and (
            match(self.exercise_allowed_if, answers) is not None
        )


@dataclass(frozen=True, kw_only=True)
class GroupText:
    """How a group of questions is introduced."""

    __pydantic_config__ = STRICT

    title: Text
    intro: Text


@dataclass(frozen=True, kw_only=True)
class TierText:
    """The headline and the first paragraph of advice for one tier."""

    __pydantic_config__ = STRICT

    title: Text
    advice: Text


@dataclass(frozen=True, kw_only=True)
class ExerciseNotes:
    """Whether gentle exercise is fine while waiting to see a professional."""

    __pydantic_config__ = STRICT

    allowed: Text
    blocked: Text


@dataclass(frozen=True, kw_only=True)
class _ScreenFile:
    __pydantic_config__ = STRICT

    groups: dict[Group, GroupText]
    recheck_intro: Text
    questions: Annotated[list[Question], _NonEmpty]
    rules: Annotated[list[Rule], _NonEmpty]
    tiers: dict[Tier, TierText]
    exercise_notes: ExerciseNotes
    safety_net: Text


@dataclass(frozen=True)
class ScreenDefinition:
    """The validated screen: ordered questions, rules, advice texts and the sources they cite."""

    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]
    groups: Mapping[Group, GroupText]
    tiers: Mapping[Tier, TierText]
    exercise_notes: ExerciseNotes
    safety_net: str
    recheck_intro: str
    sources: Mapping[str, Source]

    def question(self, question_id: str) -> Question:
        """The question with this id (KeyError if unknown)."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (KeyError if unknown)."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def in_group(self, group: Group) -> list[Question]:
        """The questions of one group, in asking order."""
        return [question for question in self.questions if question.group == group]

    def recheck_questions(self) -> list[Question]:
        """The emergency and same-day questions, asked again before every later session."""
        return [q for q in self.questions if q.group in ("emergency", "same_day")]

    def required_ids(self, recheck: bool = False) -> list[str]:
        """Ids that must be answered for a full screen (or for the re-check)."""
        pool = self.recheck_questions() if recheck else self.questions
        return [question.id for question in pool if question.required]

    def questions_for_tier(self, tier: RuleTier) -> list[Question]:
        """Questions some rule of ``tier`` looks at (to finish an urgent check quickly)."""
        wanted: set[str] = set()
        for rule in self.rules:
            if rule.tier == tier:
                wanted |= {leaf.question for leaf, _ in _leaves(rule.when, "when")}
        return [question for question in self.questions if question.id in wanted]

    def should_ask(self, question: Question, answers: Mapping[str, object]) -> bool:
        """False for a question whose ``ask_if`` does not hold, or whose ``skip_if`` holds, for
        the answers so far."""
        if self.skipped(question, answers):
            return False
        return question.ask_if is None or match(question.ask_if, answers) is not None

    def skipped(self, question: Question, answers: Mapping[str, object]) -> bool:
        """True when the answers so far mean this question cannot apply (``skip_if`` holds)."""
        return question.skip_if is not None and match(question.skip_if, answers) is not None

    def warning_signs(self) -> dict[RuleTier, list[str]]:
        """The warning signs, by the tier a yes on its own gives: the list people can read at
        any time. A choice question lists each choice under its own rule's tier (one weak leg
        that is not getting worse is same day; worsening or both legs is an emergency)."""
        signs: dict[RuleTier, list[str]] = {"emergency": [], "same_day": []}
        for question in self.recheck_questions():
            group_tier: RuleTier = "emergency" if question.group == "emergency" else "same_day"
            if question.type == "enum":
                for choice in question.choices:
                    tier = self._single_tier(question.id, choice.value)
                    if tier in signs and choice.sign:
                        signs[tier].append(choice.sign)
                continue
            tier = self._single_tier(question.id, True) or group_tier
            signs.setdefault(tier, []).append(question.label)
        return signs

    def _single_tier(self, question_id: str, value: object) -> RuleTier | None:
        tiers = [rule.tier for rule in self.rules if isinstance(rule.when, Leaf)
                 and rule.when.question == question_id and rule.when.matches(value)]
        return min(tiers, key=TIER_ORDER.index, default=None)

    def cite(self, source_ids: Sequence[str]) -> list[str]:
        """The full citations of these source ids."""
        return [self.sources[source_id].citation for source_id in source_ids]


def load_screen(path: Path | None = None) -> ScreenDefinition:
    """Load and cross-check ``screening.yaml`` (default: the shipped one) and its sources.

    Sources are read from ``sources.yaml`` beside it. A broken file raises
    :class:`~backrelief.core.catalog.ContentError` naming the file and the field.
    """
    path = path if path is not None else content_root() / "screening.yaml"
    label = path.name
    raw = read_yaml(path, label)
    if not isinstance(raw, dict):
        raise ContentError(label, "", "expected a mapping with questions and rules")
    parsed = validate(_ScreenFile, raw, label, _format_loc)
    sources = load_sources(path.parent / "sources.yaml")
    _check_screen(label, parsed, sources)
    return ScreenDefinition(
        questions=tuple(parsed.questions),
        rules=tuple(parsed.rules),
        groups=dict(parsed.groups),
        tiers=dict(parsed.tiers),
        exercise_notes=parsed.exercise_notes,
        safety_net=parsed.safety_net,
        recheck_intro=parsed.recheck_intro,
        sources=sources,
    )


def default_screen() -> ScreenDefinition:
    """The shipped screen (validated once, then read from the cache: core/content.py)."""
    return shipped_screen()


def _format_loc(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    previous: int | str | None = None
    for item in loc:
        # pydantic adds the union tag after each condition position; it is not a field of the file
        is_tag = item in {"leaf", "all_of", "any_of"} and (
            previous in {"when", "ask_if"} or isinstance(previous, int)
        )
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif not is_tag:
            parts.append(("." if parts else "") + ("in" if item == "one_of" else item))
        previous = item
    return "".join(parts)


def load_sources(path: Path) -> dict[str, Source]:
    """Load ``sources.yaml``: every citation, by id (ContentError if broken)."""
    raw = read_yaml(path, path.name)
    if not isinstance(raw, dict):
        raise ContentError(path.name, "", "expected a mapping of source id -> source")
    sources: dict[str, Source] = {}
    for source_id, entry in raw.items():
        try:
            sources[str(source_id)] = validate(Source, entry, path.name)
        except ContentError as exc:
            raise ContentError(path.name, str(source_id), exc.problem) from None
    return sources


def _check_screen(label: str, screen: _ScreenFile, sources: Mapping[str, Source]) -> None:
    for name, keys, expected in (
        ("groups", screen.groups, GROUP_ORDER),
        ("tiers", screen.tiers, TIER_ORDER),
    ):
        for key in expected:
            if key not in keys:
                raise ContentError(label, f"{name}.{key}", "missing")
    questions: dict[str, Question] = {}
    last_group = 0
    for index, question in enumerate(screen.questions):
        where = f"questions[{index}]"
        if question.id in questions:
            raise ContentError(label, f"{where}.id", f"duplicate question id {question.id!r}")
        group_rank = GROUP_ORDER.index(question.group)
        if group_rank < last_group:
            raise ContentError(label, f"{where}.group", "list questions group by group, in the order "
                               + ", ".join(GROUP_ORDER))
        last_group = group_rank
        if question.group != "other" and (question.type == "int" or (
                question.type == "enum" and "none" not in question.values)):
            raise ContentError(label, f"{where}.type", "emergency and same-day questions must be "
                               "yes/no, or a choice that includes 'none'")
        if question.ask_if is not None:
            _check_condition(label, f"{where}.ask_if", question.ask_if, questions)
        if question.skip_if is not None:
            _check_condition(label, f"{where}.skip_if", question.skip_if, questions)
            if question.type != "bool":
                raise ContentError(label, f"{where}.skip_if", "only a yes/no question can be "
                                   "skipped (it is recorded as no)")
        questions[question.id] = question
    for question_id in REQUIRED_QUESTION_IDS:
        if question_id not in questions:
            raise ContentError(label, "questions", f"missing required question {question_id!r}")
        if not questions[question_id].required:
            raise ContentError(label, f"questions.{question_id}.required", "must be true")

    seen: set[str] = set()
    for index, rule in enumerate(screen.rules):
        where = f"rules[{index}]"
        if rule.id in seen:
            raise ContentError(label, f"{where}.id", f"duplicate rule id {rule.id!r}")
        seen.add(rule.id)
        _check_condition(label, f"{where}.when", rule.when, questions)
        if rule.tier in NO_EXERCISE_TIERS and rule.exercise_allowed:
            raise ContentError(label, f"{where}.exercise_allowed",
                               f"a {rule.tier} rule can never allow exercise")
        if rule.exercise_allowed_if is not None:
            _check_condition(label, f"{where}.exercise_allowed_if", rule.exercise_allowed_if,
                             questions)
            if rule.exercise_allowed or rule.tier in NO_EXERCISE_TIERS:
                raise ContentError(label, f"{where}.exercise_allowed_if", "only a rule that "
                                   "blocks exercise, below same day, can be cleared")
        check_sources(label, f"{where}.sources", rule.sources, sources)


def _check_condition(
    label: str, where: str, condition: Condition, questions: Mapping[str, Question]
) -> None:
    for leaf, leaf_where in _leaves(condition, where):
        question = questions.get(leaf.question)
        if question is None:
            raise ContentError(label, f"{leaf_where}.question",
                               f"unknown (or later) question {leaf.question!r}")
        problem = _leaf_problem(leaf, question)
        if problem:
            raise ContentError(label, f"{leaf_where}.{leaf.operator}", problem)


def _leaf_problem(leaf: Leaf, question: Question) -> str | None:
    if question.type == "bool":
        # Only "yes" may trigger a rule: that keeps "answering yes never lowers urgency" true.
        if leaf.equals is not True:
            return f"{question.id} is yes/no: test it with 'equals: true'"
    elif question.type == "int":
        if leaf.one_of is not None or isinstance(leaf.equals, bool | str):
            return f"{question.id} is a number: use equals, at_least, above or below with a number"
    else:
        tested = leaf.one_of if leaf.one_of is not None else [leaf.equals]
        bad = [value for value in tested if value not in question.values]
        if bad:
            return f"{bad[0]!r} is not a choice of {question.id} ({', '.join(question.values)})"
    return None


# ---- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """One triggered rule: which answers triggered it, its tier, why, and its sources."""

    rule: str
    questions: list[str]
    tier: RuleTier
    text: str
    sources: list[str]

    @classmethod
    def from_json(cls, data: object) -> Reason:
        """A reason back from its :meth:`to_json` document (ValueError naming the key)."""
        if not isinstance(data, Mapping):
            raise ValueError("reason: expected an object")
        rule, tier, text = data.get("rule"), data.get("tier"), data.get("text")
        questions, sources = data.get("question"), data.get("sources")
        if not isinstance(rule, str) or not rule:
            raise ValueError("rule: expected the rule id")
        if tier not in get_args(RuleTier):
            raise ValueError(f"tier: expected one of {', '.join(get_args(RuleTier))}")
        if not isinstance(text, str) or not text:
            raise ValueError("text: expected the reason's text")
        for key, value in (("question", questions), ("sources", sources)):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{key}: expected a list of ids")
        assert isinstance(questions, list) and isinstance(sources, list)
        return cls(rule=rule, questions=list(questions), tier=cast(RuleTier, tier), text=text,
                   sources=list(sources))

    def to_json(self) -> dict[str, Any]:
        """The reason as DESIGN.md prints it (``question`` is the list of ids)."""
        return {
            "rule": self.rule,
            "question": list(self.questions),
            "tier": self.tier,
            "text": self.text,
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class ScreenResult:
    """The outcome of a screen: tier, whether exercise is allowed, reasons and advice."""

    tier: Tier
    exercise_allowed: bool
    reasons: list[Reason]
    advice: str
    title: str
    missing: list[str]
    conditions: list[str]
    pregnancy_weeks: int | None
    gentle_only: bool

    @property
    def urgent(self) -> bool:
        """True for emergency and same-day results: the check ends and no routine is offered."""
        return self.tier in ("emergency", "same_day")

    def to_json(self) -> dict[str, Any]:
        """The DESIGN.md document: tier, exercise_allowed, reasons, advice, and extra keys."""
        return {
            "tier": self.tier,
            "exercise_allowed": self.exercise_allowed,
            "reasons": [reason.to_json() for reason in self.reasons],
            "advice": self.advice,
            "title": self.title,
            "missing": list(self.missing),
            "conditions": list(self.conditions),
            "pregnancy_weeks": self.pregnancy_weeks,
            "gentle_only": self.gentle_only,
        }


def tier_rank(tier: Tier) -> int:
    """0 for the most urgent tier; a smaller rank is always more urgent."""
    return TIER_ORDER.index(tier)


def check_answers(
    answers: Mapping[str, object], screen: ScreenDefinition | None = None
) -> dict[str, object]:
    """The answers with every value validated; ``None`` (JSON null) counts as unanswered.

    Raises :class:`AnswerError` naming the field for an unknown id, a wrong type, a value out of
    range or a value that is not one of the choices.
    """
    screen = screen or default_screen()
    known = {question.id: question for question in screen.questions}
    checked: dict[str, object] = {}
    for key, value in answers.items():
        if not isinstance(key, str) or key not in known:
            raise AnswerError(str(key), "unknown question id")
        if value is not None:
            checked[key] = known[key].check(value)
    return checked


def evaluate(answers: Mapping[str, object], screen: ScreenDefinition | None = None) -> ScreenResult:
    """Triage a full answer set: every required question must be answered or it is incomplete."""
    screen = screen or default_screen()
    return _evaluate(screen, check_answers(answers, screen), screen.required_ids())


def evaluate_recheck(
    answers: Mapping[str, object], screen: ScreenDefinition | None = None
) -> ScreenResult:
    """Triage the re-check before a later session: only the re-check questions are required.

    The same rules apply. Pass earlier answers merged with the new ones (new ones winning) so that
    combination rules such as cancer history with leg weakness still see both.
    """
    screen = screen or default_screen()
    return _evaluate(screen, check_answers(answers, screen), screen.required_ids(recheck=True))


def _evaluate(
    screen: ScreenDefinition, answers: Mapping[str, object], required: Sequence[str]
) -> ScreenResult:
    order = {question.id: index for index, question in enumerate(screen.questions)}
    triggered: list[tuple[Rule, frozenset[str]]] = []
    for rule in screen.rules:
        matched = match(rule.when, answers)
        if matched is not None:
            triggered.append((rule, matched))
    missing = [
        question_id
        for question_id in required
        if question_id not in answers and screen.should_ask(screen.question(question_id), answers)
    ]
    candidates: list[Tier] = [rule.tier for rule, _ in triggered]
    if missing:
        candidates.append("incomplete")
    no_flags: Tier = "self_care"
    tier = min(candidates, key=tier_rank, default=no_flags)
    exercise_allowed = tier not in NO_EXERCISE_TIERS and all(
        rule.allows_exercise(answers) for rule, _ in triggered
    )
    triggered.sort(key=lambda item: tier_rank(item[0].tier))  # stable: file order within a tier
    reasons = [
        Reason(
            rule=rule.id,
            questions=sorted(matched, key=order.__getitem__),
            tier=rule.tier,
            text=rule.text,
            sources=list(rule.sources),
        )
        for rule, matched in triggered
    ]
    rules = [rule for rule, _ in triggered]
    gentle_only = any(rule.gentle_only for rule in rules)
    weeks = answers.get("pregnancy_weeks")
    return ScreenResult(
        tier=tier,
        exercise_allowed=exercise_allowed,
        reasons=reasons,
        advice=_advice(screen, tier, rules, missing, exercise_allowed),
        title=screen.tiers[tier].title,
        missing=missing,
        conditions=list(dict.fromkeys(c for rule in rules for c in rule.adds_conditions)),
        pregnancy_weeks=weeks if answers.get("pregnant") is True and isinstance(weeks, int) else None,
        gentle_only=gentle_only,
    )


_MISSING_SHOWN = 5


def _advice(
    screen: ScreenDefinition,
    tier: Tier,
    rules: Sequence[Rule],
    missing: Sequence[str],
    exercise_allowed: bool,
) -> str:
    """Tier headline, then the why and the rule-specific what-to-do, then the safety net."""
    paragraphs = [screen.tiers[tier].advice]
    if tier in ("emergency", "same_day"):
        # Only the winning tier's rules: an emergency message stays short and on point.
        top = [rule for rule in rules if rule.tier == tier]
        paragraphs.append("Why: " + " ".join(rule.text for rule in top))
        paragraphs += [rule.advice for rule in top if rule.advice]
    elif tier == "incomplete":
        labels = [screen.question(question_id).label for question_id in missing]
        shown = [f"- {label}" for label in labels[:_MISSING_SHOWN]]
        if len(labels) > _MISSING_SHOWN:
            shown.append(f"- and {len(labels) - _MISSING_SHOWN} more")
        paragraphs.append("Still to answer:\n" + "\n".join(shown))
    else:
        paragraphs += [r.advice for r in rules if r.tier == "see_professional" and r.advice]
        if tier == "see_professional":
            notes = screen.exercise_notes
            paragraphs.append(notes.allowed if exercise_allowed else notes.blocked)
        paragraphs += [r.advice for r in rules if r.tier == "self_care" and r.advice]
        paragraphs.append(screen.safety_net)
    return "\n".join(dict.fromkeys(paragraph.strip() for paragraph in paragraphs))
