"""Content the programme rests on: the four NHS-topic pages, their sources and review notes, and
the harder forms' sources (issue 14, clinical citations)."""

from __future__ import annotations

from pathlib import Path

import pytest

from backrelief.core.catalog import ContentError, default_catalog, load_catalog
from backrelief.core.content import content_root

NEW_PAGES = ("pain-relief", "sleep-and-positions", "work-and-sitting", "see-a-physiotherapist")
OUTSIDE_BRIEF = "not in the brief"


@pytest.mark.parametrize("page_id", NEW_PAGES)
def test_each_new_page_cites_known_sources_and_says_what_needs_review(page_id: str) -> None:
    catalog = default_catalog()
    page = catalog.education[page_id]
    assert page.sources and all(source in catalog.sources for source in page.sources)
    assert page.review, "every new page lists what a clinician must check"
    words = page.body.lower()
    assert "pop" not in words.split() and "crack" not in words


def test_medicines_advice_matches_nice_ng59() -> None:
    page = default_catalog().education["pain-relief"]
    assert "nice-ng59-medicines" in page.sources
    body = " ".join(page.body.split())
    assert "lowest dose that helps and for the shortest time" in body
    assert "advises against paracetamol on its own" in body
    assert "does little" not in body  # NICE: "do not offer paracetamol alone", no effect size
    assert "opioid painkillers (such as codeine)" in body


def test_sources_outside_the_brief_say_so_and_need_review() -> None:
    catalog = default_catalog()
    for source_id in ("silbernagel-2007-pain-monitoring", "smith-2017-painful-exercise",
                      "south-tees-hip-strengthening", "apc-single-leg-bridge",
                      "nice-ng59-medicines"):
        section = catalog.sources[source_id].brief_section
        assert OUTSIDE_BRIEF in section and "clinician review" in section, source_id


def test_every_harder_form_cites_a_source_outside_or_inside_the_brief() -> None:
    catalog = default_catalog()
    harder = [(t.id, form) for t in catalog.ordered() for form in t.harder]
    assert {form.id for _, form in harder} >= {"bridge-staggered", "bridge-single-leg"}
    for _technique, form in harder:
        assert form.sources and all(s in catalog.sources for s in form.sources)
        assert form.intensity != "gentle" and not form.for_conditions


def _copy_content(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "content"
    shutil.copytree(content_root(), root)
    return root


def test_a_harder_form_that_claims_to_be_for_a_condition_fails_loading(tmp_path: Path) -> None:
    root = _copy_content(tmp_path)
    path = root / "techniques" / "bridge.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - id: bridge-staggered\n",
                                 "  - id: bridge-staggered\n    for_conditions: [knee_problem]\n"),
                    encoding="utf-8")
    with pytest.raises(ContentError, match=r"harder\[0\]\.for_conditions"):
        load_catalog(root)


def test_a_hold_limit_below_the_hold_fails_loading(tmp_path: Path) -> None:
    root = _copy_content(tmp_path)
    path = root / "techniques" / "bird-dog.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    max_seconds: 10", "    max_seconds: 3", 1), encoding="utf-8")
    with pytest.raises(ContentError, match="max_seconds"):
        load_catalog(root)
