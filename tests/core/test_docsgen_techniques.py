"""docs/techniques.md shows what a programme's later weeks use: harder forms and hold limits."""

from __future__ import annotations

from backrelief.core.catalog import default_catalog
from backrelief.docsgen.techniques import render


def test_harder_forms_are_shown_with_their_steps_and_hold_limits() -> None:
    page = render()
    single = default_catalog().techniques["bridge"].harder[1]
    section = page[page.index("**Harder form `bridge-single-leg`"):]
    section = section[:section.index("**Sources**")]
    assert "(moderate" in section and "knee_problem" in section
    for step in single.steps:
        assert step.text.split()[0] in section
    assert "up to 5 s as a programme steps up" in section
    assert "1. Lie on your back with your knees bent and feet flat, arms resting" in section
