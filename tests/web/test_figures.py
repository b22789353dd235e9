"""Step figures: served as SVG images with their own strict policy, shown in every slot."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from backrelief.core.catalog import default_catalog
from backrelief.store import Database
from backrelief.web import figures
from tests.web.conftest import CLEAR_ANSWERS, build_session, store_screen


def test_a_figure_is_an_svg_with_a_policy_for_its_own_styles_only(client: TestClient) -> None:
    response = client.get("/figures/cat-cow/1.svg?still=1")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    svg = response.text
    csp = response.headers["content-security-policy"]
    assert csp.startswith("default-src 'none'; style-src ")
    assert "unsafe-inline" not in csp and "script" not in csp
    for block in re.findall(r"<style[^>]*>(.*?)</style>", svg, re.S):
        digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "<script" not in svg
    assert response.headers["x-content-type-options"] == "nosniff"


def test_versioned_figures_are_cached_for_good(client: TestClient) -> None:
    url = f"/figures/cat-cow/1.svg?v={figures.figures_version()}"
    assert "immutable" in client.get(url).headers["cache-control"]
    assert client.get("/figures/cat-cow/1.svg").headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("path", ["/figures/back-crack/1.svg", "/figures/cat-cow/0.svg",
                                  "/figures/cat-cow/99.svg", "/figures/cat-cow/x.svg",
                                  "/figures/cat-cow/1.svg?variant=nope",
                                  "/figures/Cat_Cow/1.svg"])
def test_unknown_figures_are_404(client: TestClient, path: str) -> None:
    assert client.get(path).status_code in (404, 422)


def test_technique_page_shows_each_steps_figure(client: TestClient) -> None:
    technique = default_catalog().technique("cat-cow")
    page = client.get("/library/cat-cow").text
    images = re.findall(r'<img src="(/figures/cat-cow/(\d+)\.svg[^"]*)" alt="([^"]+)"', page)
    assert {int(step) for _, step, _ in images} == set(range(1, len(technique.steps) + 1))
    for url, _, _ in images:
        assert client.get(url.replace("&amp;", "&")).status_code == 200


def test_library_thumbnails_are_decorative(client: TestClient) -> None:
    page = client.get("/library").text
    assert re.search(r'<img src="/figures/cat-cow/1\.svg\?[^"]*still=1[^"]*" alt=""', page)


def test_preview_and_player_use_the_figures(client: TestClient, database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    session_id = build_session(client, minutes="10")
    preview = client.get(f"/session/{session_id}").text
    assert preview.count('<img src="/figures/') >= 2
    player = client.get(f"/session/{session_id}/play").text
    assert re.search(
        r'data-technique="[a-z-]+" data-step="1">\s*(<picture><source[^>]*>)?<img src="/figures/', player
    )


def test_a_step_without_a_figure_falls_back_to_the_pictogram(client: TestClient,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    import backrelief.figures

    def broken(*args: object, **kwargs: object) -> None:
        raise backrelief.figures.FigureError("no figure yet")

    monkeypatch.setattr(backrelief.figures, "figure_for_step", broken)
    page = client.get("/library/cat-cow").text
    assert "/figures/" not in page
    assert 'aria-label="Position: on all fours"' in page


def test_a_step_done_on_each_side_is_served_for_the_side_asked(client: TestClient) -> None:
    left = client.get("/figures/knee-to-chest/2.svg?still=1&side=left")
    right = client.get("/figures/knee-to-chest/2.svg?still=1&side=right")
    assert left.status_code == right.status_code == 200
    assert 'data-mirrored="true"' in left.text and "data-mirrored" not in right.text
    assert "left side" in left.text and "right side" in right.text
    assert client.get("/figures/knee-to-chest/2.svg?side=up").status_code == 404
    ref = figures.figure_ref(default_catalog(), "knee-to-chest", 1, side="left")
    assert ref is not None and ref.side == "left" and "side=left" in ref.url
