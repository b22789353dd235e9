"""The web manifest, the service worker at /sw.js, the offline page and /healthz."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from backrelief import __version__
from backrelief.web.templating import static_files, static_version


def test_service_worker_precaches_the_shell_and_catalogue(client: TestClient) -> None:
    response = client.get("/sw.js")
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    script = response.text
    assert f'backrelief-{static_version()}' in script
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", script).group(1))  # type: ignore[union-attr]
    assert {"/offline", "/library", "/api/techniques"} <= set(precache)
    assert "/" not in precache  # the home page shows the latest rating and screen
    for path in static_files():
        assert f"{path}?v={static_version()}" in precache
    for url in precache:
        assert client.get(url).status_code == 200, url


def test_every_page_registers_the_worker_and_links_the_manifest(client: TestClient) -> None:
    page = client.get("/").text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert "js/register-sw.js" in page


def test_manifest(client: TestClient) -> None:
    manifest = client.get("/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    body = manifest.json()
    assert body["start_url"] == "/" and body["display"] == "standalone"
    assert client.get(body["icons"][0]["src"]).status_code == 200


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "version": __version__}


def test_static_urls_are_versioned(client: TestClient) -> None:
    page = client.get("/").text
    assert f"/static/css/app.css?v={static_version()}" in page


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (the first chunk, at a fixed offset)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_manifest_icons_exist_with_the_sizes_they_claim(client: TestClient) -> None:
    icons = client.get("/manifest.webmanifest").json()["icons"]
    pngs = [icon for icon in icons if icon["type"] == "image/png"]
    assert {icon["sizes"] for icon in pngs} >= {"192x192", "512x512"}
    assert any(icon["purpose"] == "maskable" for icon in pngs)
    for icon in pngs:
        response = client.get(icon["src"])
        assert response.status_code == 200, icon["src"]
        assert response.headers["content-type"] == "image/png"
        width, height = (int(n) for n in icon["sizes"].split("x"))
        assert png_size(response.content) == (width, height), icon["src"]


def test_pages_link_a_png_and_an_apple_touch_icon(client: TestClient) -> None:
    page = client.get("/").text
    touch = re.search(r'<link rel="apple-touch-icon" href="([^"]+)"', page)
    assert touch is not None
    response = client.get(touch.group(1))
    assert response.status_code == 200
    # iOS rounds the corners itself and shows transparency as black: 180 px, no alpha channel.
    assert png_size(response.content) == (180, 180)
    assert response.content[25] == 2  # colour type 2: RGB, no alpha
    assert re.search(r'<link rel="icon" href="[^"]+icon-192\.png[^"]*" type="image/png"', page)


def test_service_worker_caches_the_library_figures(client: TestClient) -> None:
    """The library is precached, so its figures must be too, or it opens offline without them."""
    script = client.get("/sw.js").text
    figures = json.loads(re.search(r"const FIGURES = (\[.*?\]);", script).group(1))  # type: ignore[union-attr]
    shown = re.findall(r'<img src="([^"]+)"', client.get("/library").text)
    assert shown and [url.replace("&amp;", "&") for url in shown] == figures
    for url in figures:
        response = client.get(url)
        assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg")
    # Figures are allow-listed static assets, served cache-first like /static/.
    assert re.search(r'STATIC_PREFIXES = \[[^\]]*"/figures/"', script)


def _patterns(script: str, name: str) -> list[re.Pattern[str]]:
    found = re.search(rf"const {name} = (\[.*?\])\.map", script)
    assert found, name
    return [re.compile(source) for source in json.loads(found.group(1))]


PERSONAL = ["/", "/progress", "/progress/export", "/settings", "/check", "/check/result/1",
            "/library/cat-cow", "/session/1", "/session/1/summary", "/api/diary/export",
            "/api/diary/ratings", "/api/diary/sessions", "/api/diary/screens",
            "/api/diary/advice", "/api/settings", "/build", "/preview"]


def test_the_worker_keeps_only_an_allow_list(client: TestClient) -> None:
    """Issue 15: the worker kept every GET but a deny-list that missed the real export."""
    script = client.get("/sw.js").text
    assert "NEVER_CACHE" not in script
    kept = _patterns(script, "SHELL") + _patterns(script, "SESSION")
    for path in PERSONAL:
        assert not any(pattern.search(path) for pattern in kept), path
    for path in ["/offline", "/library", "/api/techniques", "/session/7/play",
                 "/session/7/after", "/api/sessions/7/timeline"]:
        assert any(pattern.search(path) for pattern in kept), path


@pytest.mark.parametrize("path", ["/", "/progress", "/settings", "/check", "/library/cat-cow",
                                  "/api/diary/ratings", "/api/diary/export", "/api/settings",
                                  "/api/diary/advice", "/no-such-page"])
def test_personal_responses_say_no_store(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["cache-control"] == "no-store", path


def test_static_files_may_be_cached(client: TestClient) -> None:
    response = client.get(f"/static/css/app.css?v={static_version()}")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("cache-control", "")
