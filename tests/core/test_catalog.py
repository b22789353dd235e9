"""The shipped catalogue is complete, and broken content fails with its path and field."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from backrelief.core.catalog import ContentError, content_root, default_catalog, load_catalog
from backrelief.core.vocabulary import CONDITION_IDS, EQUIPMENT

REQUIRED_IDS = {
    "hook-lying-rest", "cat-cow", "thoracic-foam-roll", "open-book-rotation",
    "seated-thoracic-rotation", "ball-massage-lower-back", "ball-massage-glutes",
    "knee-to-chest", "knee-rolls", "pelvic-tilt", "childs-pose", "prone-press-up", "bridge",
    "bird-dog", "standing-back-extension",
}
REQUIRED_TOPICS = {
    "the-pop", "stay-active", "heat-and-cold", "why-not-roll-the-lower-back",
    "when-to-see-a-professional",
}


def test_every_required_technique_and_topic_ships() -> None:
    catalog = default_catalog()
    assert set(catalog.techniques) >= REQUIRED_IDS
    assert set(catalog.education) >= REQUIRED_TOPICS


def test_every_technique_is_complete_and_sourced() -> None:
    catalog = default_catalog()
    for technique in catalog.techniques.values():
        assert technique.sources, technique.id
        assert technique.cautions and technique.common_mistakes, technique.id
        steps = list(technique.steps) + [s for v in technique.variants for s in (v.steps or [])]
        for step in steps:
            assert (step.seconds or 0) > 0 or (step.reps or 0) > 0, technique.id
        # Breathing cues: at least one step of each technique says how to breathe.
        assert any(step.breath for step in technique.steps), f"{technique.id}: no breathing cue"
        assert set(technique.equipment) <= set(EQUIPMENT)
        assert set(technique.contraindications) <= set(CONDITION_IDS)
        for variant in technique.variants:
            assert set(variant.for_conditions) <= set(CONDITION_IDS)
            assert variant.sources


def test_cross_references_resolve() -> None:
    catalog = default_catalog()
    cited = {s for t in catalog.techniques.values() for s in t.sources}
    cited |= {s for t in catalog.techniques.values() for v in t.variants for s in v.sources}
    cited |= {s for p in catalog.education.values() for s in p.sources}
    assert cited <= set(catalog.sources)


_SAFE_POP_CONTEXT = re.compile(
    r"\b(not|never|no|don't|do not|doesn't|does not|without|harmless|isn't|is not|stop|"
    r"unnecessary|need not|needn't|nothing to do|chas)",
    re.IGNORECASE,
)


def _all_text(obj: object) -> list[str]:
    """Every user-facing string in a content tree (source ids are references, not text)."""
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [t for key, value in obj.items() if key != "sources" for t in _all_text(value)]
    if isinstance(obj, list):
        return [t for value in obj for t in _all_text(value)]
    return []


def test_no_text_tells_anyone_to_chase_a_pop() -> None:
    """Brief 2.6: a pop may be mentioned only to reassure or warn, never as a goal."""
    root = content_root()
    texts: list[tuple[str, str]] = []
    for path in sorted((root / "techniques").glob("*.yaml")):
        texts += [(path.name, t) for t in _all_text(yaml.safe_load(path.read_text()))]
    for path in sorted((root / "education").glob("*.md")):
        _, front, body = path.read_text().split("---\n", 2)
        texts += [(path.name, t) for t in _all_text(yaml.safe_load(front))] + [(path.name, body)]
    for name, text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
            if re.search(r"\b(pop|popping|crack|cracking|click)s?\b", sentence, re.IGNORECASE):
                assert _SAFE_POP_CONTEXT.search(sentence), f"{name}: {sentence!r}"


def test_the_lower_back_is_never_rolled() -> None:
    foam = default_catalog().technique("thoracic-foam-roll")
    assert foam.regions == ["upper"]
    assert foam.safety_note and "lower back" in foam.safety_note.lower()
    assert "foam_roller" in foam.equipment


# --- broken content --------------------------------------------------------------------


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A writable copy of the shipped content."""
    target = tmp_path / "content"
    shutil.copytree(content_root(), target)
    return target


def _edit(path: Path, change: object) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        (lambda d: d.update(intensity="brutal"), "intensity", "gentle"),
        (lambda d: d["steps"][0].update(seconds=None, reps=None), "steps[0]", "needs a dose"),
        (lambda d: d["steps"][0].update(seconds=0), "steps[0].seconds", "greater than 0"),
        (lambda d: d.update(contraindications=["broken_leg"]), "contraindications[0]", "osteoporosis"),
        (lambda d: d.update(equipment=["trampoline"]), "equipment[0]", "foam_roller"),
        (lambda d: d.update(sources=["made-up-source"]), "sources[0]", "unknown source"),
        (lambda d: d.update(colour="blue"), "colour", "Extra inputs"),
        (lambda d: d.update(id="something-else"), "id", "file name"),
        (lambda d: d.pop("cautions"), "cautions", "Field required"),
    ],
)
def test_a_broken_technique_names_its_file_and_field(
    content: Path, change: object, field: str, expected: str
) -> None:
    _edit(content / "techniques" / "cat-cow.yaml", change)
    with pytest.raises(ContentError) as caught:
        load_catalog(content)
    assert caught.value.path == "techniques/cat-cow.yaml"
    assert caught.value.field_path == field
    assert expected in str(caught.value)


def test_invalid_yaml_names_the_file(content: Path) -> None:
    (content / "techniques" / "bridge.yaml").write_text("id: bridge\nsteps: [unclosed\n")
    with pytest.raises(ContentError, match=r"techniques/bridge.yaml: not valid YAML"):
        load_catalog(content)


def test_education_without_front_matter_is_rejected(content: Path) -> None:
    (content / "education" / "the-pop.md").write_text("# Just a heading\n\nNo front matter.\n")
    with pytest.raises(ContentError, match=r"education/the-pop.md: expected YAML front matter"):
        load_catalog(content)


def test_education_citing_an_unknown_source_is_rejected(content: Path) -> None:
    path = content / "education" / "stay-active.md"
    _, meta, body = path.read_text().split("---\n", 2)
    front = yaml.safe_load(meta)
    front["sources"] = ["no-such-source", *front["sources"]]
    path.write_text(f"---\n{yaml.safe_dump(front)}---\n{body}")
    with pytest.raises(ContentError, match=r"education/stay-active.md: sources\[0\]"):
        load_catalog(content)


def test_a_variant_cannot_both_allow_and_forbid_a_condition(content: Path) -> None:
    def change(data: dict[str, object]) -> None:
        variants = data["variants"]
        assert isinstance(variants, list) and variants
        variants[0]["contraindications"] = list(variants[0]["for_conditions"])

    _edit(content / "techniques" / "cat-cow.yaml", change)
    with pytest.raises(ContentError, match=r"variants\[0\].contraindications"):
        load_catalog(content)


def test_a_missing_sources_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "techniques").mkdir()
    with pytest.raises(ContentError, match=r"sources.yaml: file is missing"):
        load_catalog(tmp_path)


def test_dose_text_reads_as_words() -> None:
    from backrelief.core.catalog import Step

    assert Step(text="Lift and lower", reps=8, seconds=5, side="each", breath="out").dose_text() == (
        "8 reps, hold 5 s, each side, breathe out"
    )
    assert Step(text="Rest here", seconds=30, breath="steady").dose_text() == "30 s, keep breathing"
    assert Step(text="Alternate", reps=6, side="alternate").dose_text() == "6 reps, alternating sides"


def test_every_source_is_public_not_an_internal_note() -> None:
    """Our own judgement is said in the text ("a cautious choice ..."), never cited as a source."""
    sources = yaml.safe_load((content_root() / "sources.yaml").read_text(encoding="utf-8"))
    internal = [key for key, entry in sources.items()
                if "backrelief" in entry["citation"].lower() or "to be reviewed" in entry["citation"]]
    assert internal == []
