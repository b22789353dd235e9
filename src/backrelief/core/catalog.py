"""The technique library: typed models for content/ and one validated Catalog object.

Content is data (STYLE.md habit 3): each technique is one YAML file under
``content/techniques/``, each education page one Markdown file with YAML front matter under
``content/education/``, and every citation lives once in ``content/sources.yaml``. A broken file
fails loading with a :class:`ContentError` naming the file, the field and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from backrelief.core.vocabulary import (
    Breath,
    ConditionId,
    Equipment,
    Intensity,
    Position,
    Region,
    Side,
)

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]
Text = Annotated[str, Field(min_length=3, max_length=600)]
Role = Literal["settle", "mobility", "release", "strength", "finish"]

# The C loader is several times faster; fall back where PyYAML was built without libyaml.
_Loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_BREATH_WORDS = {"in": "breathe in", "out": "breathe out", "steady": "keep breathing"}


class _Strict(BaseModel):
    """Unknown keys are errors: a typo in a content file must not pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """One citable source from the clinical brief's reference list."""

    citation: Text
    url: str | None = None
    brief_section: str = Field(description="Section of docs/clinical-brief.md that uses it")


class Step(_Strict):
    """One instruction of a technique, with its dose.

    ``seconds`` is how long the position is held (per repetition when ``reps`` is given);
    ``reps`` without ``seconds`` means moving at the planner's steady tempo.
    """

    text: Text
    say: str | None = Field(default=None, max_length=160, description="Short spoken form")
    seconds: int | None = Field(default=None, gt=0, le=300)
    reps: int | None = Field(default=None, gt=0, le=30)
    breath: Breath | None = None
    side: Side | None = None
    tip: str | None = Field(default=None, max_length=300)
    poses: list[Slug] = Field(default_factory=list, description="Key poses for the figure")

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

    @model_validator(mode="after")
    def _has_dose(self) -> Step:
        if self.seconds is None and self.reps is None:
            raise ValueError("a step needs a dose: 'seconds', 'reps' or both")
        return self


class Variant(_Strict):
    """A safer form of a technique, used when a condition rules out the standard form."""

    id: Slug
    name: Text
    for_conditions: list[ConditionId] = Field(min_length=1)
    summary: Text
    position: Position | None = None
    equipment: list[Equipment] | None = None
    intensity: Intensity | None = None
    steps: list[Step] | None = Field(default=None, min_length=1)
    contraindications: list[ConditionId] = Field(default_factory=list)
    sources: list[Slug] = Field(min_length=1)


class Technique(_Strict):
    """One technique: what it is for, how to do it step by step, and when not to."""

    id: Slug
    name: Text
    summary: Text
    benefit: Text = Field(description="Why it helps, shown when the planner picks it")
    regions: list[Region] = Field(min_length=1)
    position: Position
    equipment: list[Equipment] = Field(default_factory=list)
    equipment_needs: Literal["all", "any"] = "all"
    intensity: Intensity
    roles: list[Role] = Field(min_length=1)
    max_rounds: int = Field(default=3, ge=1, le=6)
    steps: list[Step] = Field(min_length=1)
    cautions: list[Text] = Field(min_length=1)
    contraindications: list[ConditionId] = Field(default_factory=list)
    common_mistakes: list[Text] = Field(min_length=1)
    safety_note: str | None = Field(default=None, max_length=800)
    variants: list[Variant] = Field(default_factory=list)
    sources: list[Slug] = Field(min_length=1)

    def variant(self, variant_id: str) -> Variant:
        """The variant with this id (KeyError if there is none)."""
        for candidate in self.variants:
            if candidate.id == variant_id:
                return candidate
        raise KeyError(variant_id)


class EducationPage(_Strict):
    """A short page of plain-language education, with its sources."""

    id: Slug
    title: Text
    summary: Text
    body: str = Field(min_length=50)
    sources: list[Slug] = Field(min_length=1)


class ContentError(ValueError):
    """A content file is broken: says which file, which field and what was expected."""

    def __init__(self, path: str, field_path: str, problem: str) -> None:
        self.path = path
        self.field_path = field_path
        self.problem = problem
        where = f"{path}: {field_path}" if field_path else path
        super().__init__(f"{where}: {problem}")


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


def _format_loc(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + item)
    return "".join(parts)


def _validate(model: type[BaseModel], data: Any, path: str) -> Any:
    if not isinstance(data, dict):
        raise ContentError(path, "", f"expected a mapping of fields, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ContentError(path, _format_loc(first["loc"]), first["msg"]) from None


def _read_yaml(path: Path, label: str) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except FileNotFoundError:
        raise ContentError(label, "", "file is missing") from None
    except yaml.YAMLError as exc:
        raise ContentError(label, "", f"not valid YAML: {exc}") from None


_FRONT_MATTER = re.compile(r"\A---\n(?P<meta>.*?)\n---\n(?P<body>.*)\Z", re.DOTALL)


def _read_education(path: Path, label: str) -> EducationPage:
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if match is None:
        raise ContentError(label, "", "expected YAML front matter between '---' lines")
    try:
        meta = yaml.load(match["meta"], Loader=_Loader)
    except yaml.YAMLError as exc:
        raise ContentError(label, "", f"front matter is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise ContentError(label, "", "front matter must be a mapping")
    page: EducationPage = _validate(
        EducationPage, {"id": path.stem, **meta, "body": match["body"].strip()}, label
    )
    return page


def _check_sources(
    label: str, field_path: str, ids: Iterable[str], known: dict[str, Source]
) -> None:
    for index, source_id in enumerate(ids):
        if source_id not in known:
            raise ContentError(
                label, f"{field_path}[{index}]", f"unknown source {source_id!r} (see sources.yaml)"
            )


def load_catalog(root: Path) -> Catalog:
    """Load and cross-check every content file under ``root`` (a content/ directory)."""
    sources_label = "sources.yaml"
    raw_sources = _read_yaml(root / "sources.yaml", sources_label)
    if not isinstance(raw_sources, dict):
        raise ContentError(sources_label, "", "expected a mapping of source id -> source")
    sources: dict[str, Source] = {}
    for source_id, raw in raw_sources.items():
        sources[str(source_id)] = _validate(Source, raw, f"{sources_label}: {source_id}")

    techniques: dict[str, Technique] = {}
    for path in sorted((root / "techniques").glob("*.yaml")):
        label = f"techniques/{path.name}"
        technique: Technique = _validate(Technique, _read_yaml(path, label), label)
        if technique.id != path.stem:
            raise ContentError(label, "id", f"must match the file name {path.stem!r}")
        _check_technique(label, technique, sources)
        techniques[technique.id] = technique

    education: dict[str, EducationPage] = {}
    for path in sorted((root / "education").glob("*.md")):
        label = f"education/{path.name}"
        page = _read_education(path, label)
        _check_sources(label, "sources", page.sources, sources)
        education[page.id] = page

    return Catalog(techniques=techniques, education=education, sources=sources)


def _check_technique(label: str, technique: Technique, sources: dict[str, Source]) -> None:
    _check_sources(label, "sources", technique.sources, sources)
    seen: set[str] = set()
    for index, variant in enumerate(technique.variants):
        where = f"variants[{index}]"
        if variant.id in seen:
            raise ContentError(label, f"{where}.id", f"duplicate variant id {variant.id!r}")
        seen.add(variant.id)
        _check_sources(label, f"{where}.sources", variant.sources, sources)
        clash = set(variant.for_conditions) & set(variant.contraindications)
        if clash:
            raise ContentError(
                label, f"{where}.contraindications", f"also listed in for_conditions: {sorted(clash)}"
            )
    if technique.equipment_needs == "any" and len(technique.equipment) < 2:
        raise ContentError(label, "equipment", "equipment_needs 'any' needs two or more items")


def content_root() -> Path:
    """The content/ directory shipped inside the package."""
    return Path(str(resources.files("backrelief") / "content"))


@cache
def default_catalog() -> Catalog:
    """The shipped catalogue, loaded once per process."""
    return load_catalog(content_root())
