"""The web manifest, the service worker at /sw.js, the offline page and /healthz."""

from __future__ import annotations

import json
import re

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
    assert {"/", "/offline", "/library", "/api/techniques"} <= set(precache)
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
