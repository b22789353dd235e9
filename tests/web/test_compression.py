"""On the wire: gzip for pages, scripts, styles and figures; long-lived caching for versioned
static files; every module imported with its version tag (so none loads twice)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from backrelief.store import Database
from backrelief.web.figures import figures_version
from backrelief.web.templating import STATIC_DIR, static_url
from tests.web.conftest import CLEAR_ANSWERS, build_session, store_screen

GZIP = {"Accept-Encoding": "gzip"}


@pytest.fixture
def player_path(client: TestClient, database: Database) -> str:
    store_screen(database, CLEAR_ANSWERS)
    return f"/session/{build_session(client, minutes='10')}/play"


def test_the_player_and_its_files_are_gzipped(client: TestClient, player_path: str) -> None:
    page = client.get(player_path, headers=GZIP)
    assert page.status_code == 200
    assert page.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in page.headers["vary"].lower()
    scripts = re.findall(r'src="(/static/js/[^"]+)"', page.text)
    styles = re.findall(r'href="(/static/css/[^"]+)"', page.text)
    figures = re.findall(r'src="(/figures/[^"]+)"', page.text)
    assert scripts and styles and figures
    for url in [*scripts, *styles, figures[0].replace("&amp;", "&"), static_url("js/player.js")]:
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200, url
        assert response.headers.get("content-encoding") == "gzip", url


def test_without_accept_encoding_nothing_is_compressed(client: TestClient) -> None:
    response = client.get(static_url("css/app.css"), headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200 and "content-encoding" not in response.headers
    assert ".player-figure" in response.text  # the style sheet itself, as it is


def test_small_responses_are_sent_as_they_are(client: TestClient) -> None:
    response = client.get("/healthz", headers=GZIP)  # a few bytes: not worth a gzip header
    assert "content-encoding" not in response.headers


def test_versioned_static_files_are_cached_for_good(client: TestClient) -> None:
    versioned = client.get(static_url("js/player.js"))
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    for stale in ("/static/js/player.js", "/static/js/player.js?v=0ld"):
        assert client.get(stale).headers["cache-control"] == "no-cache", stale
    assert client.get("/static/js/no-such.js").status_code == 404


def test_every_module_imports_its_sub_modules_with_its_own_version_tag() -> None:
    """A bare `import "./x.js"` loads /static/js/x.js, a different URL from the page's
    x.js?v=..., so the browser fetches and runs the module twice."""
    for path in sorted((STATIC_DIR / "js").glob("*.js")):
        source = path.read_text()
        assert not re.search(r"^\s*import\s[^(]*from\s", source, re.M), path.name
        for specifier in re.findall(r"import\(\s*`([^`]+)`", source):
            assert specifier.endswith("${VERSION}") or "import.meta.url" in specifier, \
                (path.name, specifier)
        assert not re.findall(r"import\(\s*[\"']", source), path.name


def test_figures_are_gzipped_too(client: TestClient) -> None:
    response = client.get(f"/figures/bird-dog/2.svg?v={figures_version()}&side=left",
                          headers=GZIP)
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "<svg" in response.text  # the client decodes it: the same drawing
