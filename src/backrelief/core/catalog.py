"""The technique library: typed models for content/ and one validated Catalog object.

Content is data (STYLE.md habit 3): each technique is one YAML file under
``content/techniques/``, each education page one Markdown file with YAML front matter under
``content/education/``, and every citation lives once in ``content/sources.yaml``. A broken file
fails loading with a :class:`ContentError` naming the file, the field and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal

from backrelief.core.content import (
    STRICT,
    ContentError,
    Rules,
    check_sources,
    content_root,
    parse_yaml,
    read_yaml,
    shipped_catalog,
    validate,
)
from backrelief.core.vocabulary import (
    Breath,
    ConditionId,
    Equipment,
    Intensity,
    Position,
    Region,
    Side,
)

__all__ = ["HOLD_STAGES", "Catalog", "ContentError", "EducationPage", "HarderForm", "Source", "Step",
           "Technique", "Variant", "content_root", "default_catalog", "dosed_steps", "load_catalog"]

Slug = Annotated[str, Rules(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]
Text = Annotated[str, Rules(min_length=3, max_length=600)]
Role = Literal["settle", "mobility", "release", "strength", "finish"]
_NonEmpty = Rules(min_length=1)

_BREATH_WORDS = {"in": "breathe in", "out": "breathe out", "steady": "keep breathing"}


# Models are plain frozen dataclasses (core/content.py says why); unknown keys are errors.


@dataclass(frozen=True, kw_only=True)
class Source:
    """One citable source from the clinical brief's reference list."""

    __pydantic_config__ = STRICT

    citation: Text
    url: str | None = None
    brief_section: str  # the section of docs/clinical-brief.md that uses it


@dataclass(frozen=True, kw_only=True)
class Step:
    """One instruction of a technique, with its dose.

    ``seconds`` is how long the position is held (per repetition when ``reps`` is given);
    ``reps`` without ``seconds`` means moving at the planner's steady tempo. ``say`` is the short
    spoken form; ``poses`` the key poses of the figure. ``max_seconds`` is the longest the hold
    may grow to as a programme steps up (the content author's safe hold range, from the step's
    source); a step without it keeps its hold.
    """

    __pydantic_config__ = STRICT

    text: Text
    say: Annotated[str, Rules(max_length=160)] | None = None
    seconds: Annotated[int, Rules(gt=0, le=300)] | None = None
    reps: Annotated[int, Rules(gt=0, le=30)] | None = None
    breath: Breath | None = None
    side: Side | None = None
    tip: Annotated[str, Rules(max_length=300)] | None = None
    poses: list[Slug] = field(default_factory=list)
    max_seconds: Annotated[int, Rules(gt=0, le=300)] | None = None

    def held(self, stage: int) -> Step:
        """This step with its hold lengthened ``stage`` of :data:`HOLD_STAGES` steps of the way
        to ``max_seconds`` (0: as written). Never shorter, never past ``max_seconds``."""
        if stage <= 0 or self.seconds is None or self.max_seconds is None:
            return self
        stage = min(stage, HOLD_STAGES)
        longer = self.seconds + -(-(self.max_seconds - self.seconds) * stage // HOLD_STAGES)
        return replace(self, seconds=longer)

    def dose_text(self) -> str:
        """The dose in words, as every page and command shows it: '8 reps, hold 5 s, each side'."""
        parts = []
        if self.reps:
            parts.append(f"{self.reps} reps")
        if self.seconds:
            parts.append(f"hold {self.seconds} s" if self.reps else f"{self.seconds} s")
        if self.side:
            parts.append("each side" if self.side == "each" else "alternating sides")
        if self.breath:
            parts.append(_BREATH_WORDS[self.breath])
        return ", ".join(parts)

    def __post_init__(self) -> None:
        if self.seconds is None and self.reps is None:
            raise ValueError("a step needs a dose: 'seconds', 'reps' or both")
        if self.max_seconds is not None and (self.seconds is None or self.max_seconds < self.seconds):
            raise ValueError("'max_seconds' needs 'seconds' and must not be below it")


# A programme lengthens holds in two steps (half way to ``max_seconds``, then all the way): kept
# simple on purpose, so a week's change is small enough to judge by the next day's pain.
HOLD_STAGES = 2


def dosed_steps(steps: Iterable[Step], hold: int) -> list[Step]:
    """``steps`` with their holds lengthened to ``hold`` (see :meth:`Step.held`)."""
    return [step.held(hold) for step in steps]


@dataclass(frozen=True, kw_only=True)
class Variant:
    """A safer form of a technique, used when a condition rules out the standard form."""

    __pydantic_config__ = STRICT

    id: Slug
    name: Text
    for_conditions: Annotated[list[ConditionId], _NonEmpty]
    summary: Text
    position: Position | None = None
    equipment: list[Equipment] | None = None
    intensity: Intensity | None = None
    steps: Annotated[list[Step], _NonEmpty] | None = None
    contraindications: list[ConditionId] = field(default_factory=list)
    sources: Annotated[list[Slug], _NonEmpty]


@dataclass(frozen=True, kw_only=True)
class HarderForm(Variant):
    """A harder form of a technique, for a programme that has stepped up past longer holds.

    Never a safer form: the planner never chooses it (``for_conditions`` stays empty); a
    programme offers it only where the standard form is used and none of its
    ``contraindications``, nor a condition's rule on its position or equipment, applies.
    """

    for_conditions: list[ConditionId] = field(default_factory=list)
    steps: Annotated[list[Step], _NonEmpty]


@dataclass(frozen=True, kw_only=True)
class Technique:
    """One technique: what it is for, how to do it step by step, and when not to.

    ``benefit`` says why it helps (shown when the planner picks it).
    """

    __pydantic_config__ = STRICT

    id: Slug
    name: Text
    summary: Text
    benefit: Text
    regions: Annotated[list[Region], _NonEmpty]
    position: Position
    equipment: list[Equipment] = field(default_factory=list)
    equipment_needs: Literal["all", "any"] = "all"
    intensity: Intensity
    roles: Annotated[list[Role], _NonEmpty]
    max_rounds: Annotated[int, Rules(ge=1, le=6)] = 3
    steps: Annotated[list[Step], _NonEmpty]
    cautions: Annotated[list[Text], _NonEmpty]
    contraindications: list[ConditionId] = field(default_factory=list)
    common_mistakes: Annotated[list[Text], _NonEmpty]
    safety_note: Annotated[str, Rules(max_length=800)] | None = None
    variants: list[Variant] = field(default_factory=list)
    harder: list[HarderForm] = field(default_factory=list)
    sources: Annotated[list[Slug], _NonEmpty]

    def variant(self, variant_id: str) -> Variant:
        """The safer variant or harder form with this id (KeyError if there is none)."""
        for candidate in (*self.variants, *self.harder):
            if candidate.id == variant_id:
                return candidate
        raise KeyError(variant_id)


@dataclass(frozen=True, kw_only=True)
class EducationPage:
    """A short page of plain-language education, with its sources."""

    __pydantic_config__ = STRICT

    id: Slug
    title: Text
    summary: Text
    body: Annotated[str, Rules(min_length=50)]
    sources: Annotated[list[Slug], _NonEmpty]
    # Points a clinician must check before release: claims that rest on sources outside the
    # clinical brief, or on none (kept in the content, next to the words, so they cannot drift).
    review: list[Text] = field(default_factory=list)


@dataclass(frozen=True)
class Catalog:
    """Every technique, education page and source, cross-checked on load."""

    techniques: dict[str, Technique]
    education: dict[str, EducationPage]
    sources: dict[str, Source]
    _order: tuple[str, ...] = field(default=(), repr=False)

    def technique(self, technique_id: str) -> Technique:
        """The technique with this id (KeyError naming the valid ids if unknown)."""
        try:
            return self.techniques[technique_id]
        except KeyError:
            raise KeyError(
                f"unknown technique {technique_id!r}; valid ids: {', '.join(sorted(self.techniques))}"
            ) from None

    def ordered(self) -> list[Technique]:
        """Techniques in a stable order (by id)."""
        return [self.techniques[key] for key in sorted(self.techniques)]

    def cite(self, source_ids: Iterable[str]) -> list[dict[str, Any]]:
        """Expand source ids into citation records for output."""
        out = []
        for source_id in source_ids:
            source = self.sources[source_id]
            out.append({"id": source_id, "citation": source.citation, "url": source.url})
        return out


_FRONT_MATTER = re.compile(r"\A---\n(?P<meta>.*?)\n---\n(?P<body>.*)\Z", re.DOTALL)


def _read_education(path: Path, label: str) -> EducationPage:
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if match is None:
        raise ContentError(label, "", "expected YAML front matter between '---' lines")
    try:
        meta = parse_yaml(match["meta"], label)
    except ContentError as exc:
        raise ContentError(label, "", f"front matter is {exc.problem}") from None
    if not isinstance(meta, dict):
        raise ContentError(label, "", "front matter must be a mapping")
    return validate(EducationPage, {"id": path.stem, **meta, "body": match["body"].strip()}, label)


def load_catalog(root: Path) -> Catalog:
    """Load and cross-check every content file under ``root`` (a content/ directory)."""
    sources_label = "sources.yaml"
    raw_sources = read_yaml(root / "sources.yaml", sources_label)
    if not isinstance(raw_sources, dict):
        raise ContentError(sources_label, "", "expected a mapping of source id -> source")
    sources: dict[str, Source] = {}
    for source_id, raw in raw_sources.items():
        sources[str(source_id)] = validate(Source, raw, f"{sources_label}: {source_id}")

    techniques: dict[str, Technique] = {}
    for path in sorted((root / "techniques").glob("*.yaml")):
        label = f"techniques/{path.name}"
        technique = validate(Technique, read_yaml(path, label), label)
        if technique.id != path.stem:
            raise ContentError(label, "id", f"must match the file name {path.stem!r}")
        _check_technique(label, technique, sources)
        techniques[technique.id] = technique

    education: dict[str, EducationPage] = {}
    for path in sorted((root / "education").glob("*.md")):
        label = f"education/{path.name}"
        page = _read_education(path, label)
        check_sources(label, "sources", page.sources, sources)
        education[page.id] = page

    return Catalog(techniques=techniques, education=education, sources=sources)


def _check_technique(label: str, technique: Technique, sources: dict[str, Source]) -> None:
    check_sources(label, "sources", technique.sources, sources)
    seen: set[str] = set()
    for index, variant in enumerate(technique.variants):
        where = f"variants[{index}]"
        if variant.id in seen:
            raise ContentError(label, f"{where}.id", f"duplicate variant id {variant.id!r}")
        seen.add(variant.id)
        check_sources(label, f"{where}.sources", variant.sources, sources)
        clash = set(variant.for_conditions) & set(variant.contraindications)
        if clash:
            raise ContentError(
                label, f"{where}.contraindications", f"also listed in for_conditions: {sorted(clash)}"
            )
    for index, harder in enumerate(technique.harder):
        where = f"harder[{index}]"
        if harder.id in seen:
            raise ContentError(label, f"{where}.id", f"duplicate form id {harder.id!r}")
        seen.add(harder.id)
        check_sources(label, f"{where}.sources", harder.sources, sources)
        if harder.for_conditions:
            raise ContentError(label, f"{where}.for_conditions",
                               "a harder form is never a safer form for a condition")
        if harder.position not in (None, technique.position):
            # The programme swaps the form in place, keeping the routine's floor changes.
            raise ContentError(label, f"{where}.position", "a harder form keeps the technique's position")
        if harder.intensity == "gentle":
            raise ContentError(label, f"{where}.intensity", "a harder form is not gentle")
    if technique.equipment_needs == "any" and len(technique.equipment) < 2:
        raise ContentError(label, "equipment", "equipment_needs 'any' needs two or more items")


def default_catalog() -> Catalog:
    """The shipped catalogue (validated once, then read from the cache: core/content.py)."""
    return shipped_catalog()
