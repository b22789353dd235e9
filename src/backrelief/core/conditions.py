"""Conditions -> restrictions on techniques: which form of a technique, if any, is safe.

Two kinds of rule, each written once:

* a technique's own ``contraindications`` (in its YAML file), for what only that technique does
  (extension for stenosis, end-range flexion for osteoporosis, ...);
* category rules in ``content/conditions.yaml``, for what a condition rules out by position or
  equipment across the whole library (pregnancy: no prone; osteoporosis: no roller or ball).

A technique has a standard form and optional safer variants. The standard form is allowed when no
stated condition is in its contraindications and no category rule hits its position or equipment.
A variant is allowed when every condition that blocks the standard form is one it is written for
(the content author declares it safe for them, so their category rules are waived), none of its own
contraindications is stated, and the other conditions' category rules pass on its position and
equipment. In every case the equipment the form needs must be at hand. The first allowed form
wins: standard, then variants in file order.

``no_floor`` (the person cannot easily get down to or up from the floor) is a choice, not a
condition: it allows only seated and standing forms, so a seated or standing variant is used where
one exists and the technique is left out where none does.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Annotated, get_args

from backrelief.core.catalog import Step, Technique, Variant
from backrelief.core.content import (
    STRICT,
    ContentError,
    Rules,
    format_loc,
    read_yaml,
    shipped_conditions,
    validate,
)
from backrelief.core.vocabulary import ConditionId, Equipment, Intensity, Position

CONDITION_IDS: tuple[ConditionId, ...] = get_args(ConditionId)
OFF_FLOOR_POSITIONS: frozenset[Position] = frozenset(("seated", "standing"))
NO_FLOOR_REASON = "no floor: done on the floor, and you chose seated or standing only"
Text = Annotated[str, Rules(min_length=3, max_length=600)]

_EQUIPMENT_WORDS: dict[str, str] = {
    "foam_roller": "a foam roller",
    "tennis_ball": "a tennis ball",
    "lacrosse_ball": "a lacrosse ball",
    "chair": "a chair",
    "wall": "a wall",
}


@dataclass(frozen=True, kw_only=True)
class CategoryRule:
    """Positions and/or equipment a condition rules out, with the reason shown in the plan."""

    __pydantic_config__ = STRICT

    positions: list[Position] = field(default_factory=list)
    equipment: list[Equipment] = field(default_factory=list)
    from_week: Annotated[int, Rules(ge=0, le=45)] | None = None
    reason: Text


@dataclass(frozen=True, kw_only=True)
class Condition:
    """One condition that changes what is safe: plain words, category rules, advice, sources."""

    __pydantic_config__ = STRICT

    name: Text
    description: Text
    not_for: Text
    rules: list[CategoryRule] = field(default_factory=list)
    advice: Text
    sources: Annotated[list[str], Rules(min_length=1)]


def load_conditions(path: Path) -> dict[ConditionId, Condition]:
    """Load ``conditions.yaml``; every condition id of the vocabulary must have exactly one entry."""
    label = path.name
    raw = read_yaml(path, label)
    if not isinstance(raw, dict):
        raise ContentError(label, "", "expected a mapping of condition id -> condition")
    unknown = sorted(set(map(str, raw)) - set(CONDITION_IDS))
    if unknown:
        raise ContentError(label, unknown[0], f"unknown condition id; valid: {CONDITION_IDS}")
    conditions: dict[ConditionId, Condition] = {}
    for condition_id in CONDITION_IDS:
        if condition_id not in raw:
            raise ContentError(label, condition_id, "missing: every condition id needs an entry")
        conditions[condition_id] = validate(Condition, raw[condition_id], label,
                                            partial(_located, condition_id))
    return conditions


def _located(condition_id: str, loc: tuple[int | str, ...]) -> str:
    return format_loc((condition_id, *loc))


def default_conditions() -> dict[ConditionId, Condition]:
    """The shipped condition rules (validated once, then read from the cache: core/content.py)."""
    return shipped_conditions()


@dataclass(frozen=True)
class Form:
    """One way of doing a technique: the standard form (``variant`` None) or a safer variant."""

    technique: Technique
    variant: Variant | None = None

    @property
    def position(self) -> Position:
        """The position this form is done in."""
        if self.variant is not None and self.variant.position is not None:
            return self.variant.position
        return self.technique.position

    @property
    def equipment(self) -> list[Equipment]:
        """The equipment this form lists (all of it, or one of it: see ``technique.equipment_needs``)."""
        if self.variant is not None and self.variant.equipment is not None:
            return list(self.variant.equipment)
        return list(self.technique.equipment)

    @property
    def intensity(self) -> Intensity:
        """How demanding this form is."""
        if self.variant is not None and self.variant.intensity is not None:
            return self.variant.intensity
        return self.technique.intensity

    @property
    def steps(self) -> list[Step]:
        """The steps of this form."""
        if self.variant is not None and self.variant.steps is not None:
            return list(self.variant.steps)
        return list(self.technique.steps)

    @property
    def needs_any(self) -> bool:
        """True when one item of the equipment list is enough."""
        return self.technique.equipment_needs == "any" and len(self.equipment) > 1


@dataclass(frozen=True)
class Restrictions:
    """The stated conditions (and pregnancy week), ready to check forms against."""

    conditions: frozenset[ConditionId] = frozenset()
    pregnancy_weeks: int | None = None

    def active_rules(
        self, rules: dict[ConditionId, Condition], waived: Collection[str] = ()
    ) -> list[tuple[ConditionId, CategoryRule]]:
        """Category rules that apply to this person, minus those of ``waived`` conditions."""
        active = []
        for condition_id in CONDITION_IDS:
            if condition_id not in self.conditions or condition_id in waived:
                continue
            for rule in rules[condition_id].rules:
                if self._applies(rule):
                    active.append((condition_id, rule))
        return active

    def _applies(self, rule: CategoryRule) -> bool:
        # Week unknown: apply the rule (the conservative reading, brief 4.2).
        return (
            rule.from_week is None
            or self.pregnancy_weeks is None
            or self.pregnancy_weeks >= rule.from_week
        )


@dataclass(frozen=True)
class FormChoice:
    """The form a person can do, with the equipment used, or the reasons none is possible."""

    technique: Technique
    form: Form | None
    equipment: tuple[Equipment, ...] = ()
    reasons: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        """True when some form of the technique is safe and possible."""
        return self.form is not None


def _kit_words(items: Iterable[str], joiner: str) -> str:
    words = [_EQUIPMENT_WORDS[item] for item in items]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {joiner} " + words[-1]


def _check_form(
    form: Form,
    restrictions: Restrictions,
    at_hand: frozenset[Equipment],
    rules: dict[ConditionId, Condition],
    waived: Collection[str],
) -> tuple[tuple[Equipment, ...], list[str]]:
    """Equipment this form would use, and the reasons it cannot be done (empty: allowed)."""
    reasons: list[str] = []
    active = restrictions.active_rules(rules, waived)
    for condition_id, rule in active:
        if form.position in rule.positions:
            reasons.append(f"{condition_id}: {rule.reason}")
    banned = {item: f"{cid}: {rule.reason}" for cid, rule in active for item in rule.equipment}
    listed = form.equipment
    if form.needs_any:
        usable = [item for item in listed if item in at_hand and item not in banned]
        if usable:
            return (usable[0],), reasons
        if all(item in banned for item in listed):
            # Ruled out by a condition whatever is at hand: say so, not "needs a ball".
            reasons.extend(dict.fromkeys(banned[item] for item in listed))
        else:
            reasons.append(f"equipment: needs {_kit_words(listed, 'or')}")
        return (), reasons
    reasons.extend(dict.fromkeys(banned[item] for item in listed if item in banned))
    missing = [item for item in listed if item not in at_hand]
    if missing:
        reasons.append(f"equipment: needs {_kit_words(missing, 'and')}")
    return tuple(listed), reasons


def _blocking_conditions(
    technique: Technique, restrictions: Restrictions, rules: dict[ConditionId, Condition]
) -> set[str]:
    """Stated conditions that rule out the standard form (own contraindication or category)."""
    form = Form(technique)
    blocking: set[str] = {c for c in technique.contraindications if c in restrictions.conditions}
    for condition_id, rule in restrictions.active_rules(rules):
        if form.position in rule.positions:
            blocking.add(condition_id)
        equipment = set(form.equipment) & set(rule.equipment)
        if equipment and (not form.needs_any or equipment >= set(form.equipment)):
            blocking.add(condition_id)
    return blocking


def choose_form(
    technique: Technique,
    restrictions: Restrictions,
    at_hand: Collection[Equipment],
    gentle_only: bool = False,
    rules: dict[ConditionId, Condition] | None = None,
    no_floor: bool = False,
) -> FormChoice:
    """The first safe, possible form of ``technique`` for these conditions and this kit.

    When no form is possible, the reasons name the condition or choice behind each refusal.
    ``gentle_only`` (pain 7 or more, decided by the planner) keeps only gentle forms;
    ``no_floor`` keeps only seated and standing forms.
    """
    rules = default_conditions() if rules is None else rules
    kit = frozenset(at_hand)
    stated = restrictions.conditions
    own = [c for c in technique.contraindications if c in stated]
    standard_reasons = [f"{c}: {rules[c].not_for}" for c in own]
    equipment, form_reasons = _check_form(Form(technique), restrictions, kit, rules, ())
    standard_reasons.extend(form_reasons)
    if gentle_only and technique.intensity != "gentle":
        standard_reasons.append("pain 7+: gentle techniques only")
    if no_floor and technique.position not in OFF_FLOOR_POSITIONS:
        standard_reasons.append(NO_FLOOR_REASON)
    if not standard_reasons:
        return FormChoice(technique, Form(technique), equipment)

    blocking = _blocking_conditions(technique, restrictions, rules)
    extra: list[str] = []
    for variant in technique.variants:
        if not blocking <= set(variant.for_conditions):
            continue
        form = Form(technique, variant)
        reasons = [f"{c}: {rules[c].not_for}" for c in variant.contraindications if c in stated]
        equipment, form_reasons = _check_form(form, restrictions, kit, rules, variant.for_conditions)
        reasons.extend(form_reasons)
        if gentle_only and form.intensity != "gentle":
            reasons.append("pain 7+: gentle techniques only")
        if no_floor and form.position not in OFF_FLOOR_POSITIONS:
            reasons.append(NO_FLOOR_REASON)
        if not reasons:
            return FormChoice(technique, form, equipment)
        extra.extend(
            f"{reason} (safer form: {variant.name})"
            for reason in reasons
            if reason not in standard_reasons
        )
    return FormChoice(technique, None, (), tuple(dict.fromkeys([*standard_reasons, *extra])))


def harder_forms(
    technique: Technique,
    restrictions: Restrictions,
    at_hand: Collection[Equipment],
    *,
    gentle_only: bool = False,
    no_floor: bool = False,
    rules: dict[ConditionId, Condition] | None = None,
) -> list[Variant]:
    """The technique's harder forms (``harder`` in its file) this person may progress to.

    Only on top of the standard form: none when a stated condition blocks the standard form (a
    safer variant is in use), on a gentle-only day, or when the form's own ``contraindications``,
    a condition's category rule on its position or equipment, missing kit or ``no_floor`` rules
    it out. The same checks :func:`choose_form` makes, none of them waived.
    """
    rules = default_conditions() if rules is None else rules
    if gentle_only or _blocking_conditions(technique, restrictions, rules):
        return []
    allowed: list[Variant] = []
    for harder in technique.harder:
        form = Form(technique, harder)
        if set(harder.contraindications) & restrictions.conditions:
            continue
        if no_floor and form.position not in OFF_FLOOR_POSITIONS:
            continue
        if _check_form(form, restrictions, frozenset(at_hand), rules, ())[1]:
            continue
        allowed.append(harder)
    return allowed


def effective_contraindications(
    technique: Technique, rules: dict[ConditionId, Condition] | None = None
) -> list[ConditionId]:
    """Conditions that rule out the standard form: its own list plus the category rules.

    Week-limited rules count (pregnancy rules out supine work from 16 weeks). Shown by
    ``techniques --json``; a safer variant may still make the technique possible.
    """
    rules = default_conditions() if rules is None else rules
    everyone = Restrictions(frozenset(CONDITION_IDS))
    blocking = _blocking_conditions(technique, everyone, rules)
    return [c for c in CONDITION_IDS if c in blocking]


def harder_contraindications(
    technique: Technique, harder: Variant, rules: dict[ConditionId, Condition] | None = None
) -> list[ConditionId]:
    """Conditions with which :func:`harder_forms` never offers ``harder``: its own list, the
    category rules on its position or kit, and whatever rules out the standard form (a harder
    form is only ever used on top of it). Shown by ``techniques --json``."""
    rules = default_conditions() if rules is None else rules
    kit: frozenset[Equipment] = frozenset(get_args(Equipment))
    return [c for c in CONDITION_IDS if harder.id not in {
        form.id for form in harder_forms(technique, Restrictions(frozenset({c})), kit, rules=rules)}]


def condition_advice(
    conditions: Iterable[ConditionId], rules: dict[ConditionId, Condition] | None = None
) -> list[str]:
    """The advice lines for the stated conditions, in vocabulary order."""
    rules = default_conditions() if rules is None else rules
    stated = set(conditions)
    return [rules[c].advice for c in CONDITION_IDS if c in stated]
