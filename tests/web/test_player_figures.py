"""Which step figures the pages carry: the player has one per side for a step done on each side
(so it can show the side being worked), pages that show a step once show its first side."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from backrelief.core.catalog import default_catalog
from backrelief.web.figures import step_figures


def test_a_sided_step_has_a_left_and_a_right_figure_for_the_player() -> None:
    refs = step_figures(default_catalog(), "bird-dog", sides=True)
    by_step = {(ref.step, ref.side): ref for ref in refs}
    assert set(by_step) == {(1, None), (2, "left"), (2, "right"), (3, None)}
    assert "side=left" in by_step[2, "left"].url and "side=right" in by_step[2, "right"].url
    assert "left side" in by_step[2, "left"].alt
    # Without `sides` (and for a step the same on both sides) one figure per step.
    assert [ref.side for ref in step_figures(default_catalog(), "bird-dog")] == [None] * 3
    standing = step_figures(default_catalog(), "bird-dog", "bird-dog-standing-legs-only",
                            sides=True)
    assert [ref.side for ref in standing] == [None] * len(standing)


def test_the_technique_page_shows_a_sided_step_for_its_first_side(client: TestClient) -> None:
    page = client.get("/library/knee-rolls").text
    figures = re.findall(r'<figure class="figure-slot[^"]*" data-technique="knee-rolls"'
                         r' data-step="(\d+)"(?: data-side="(\w+)")?', page)
    assert ("2", "left") in figures
    assert "/figures/knee-rolls/2.svg?" in page and "side=left" in page
