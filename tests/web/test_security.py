"""Security headers on every response, the loopback Host check, CSRF, and no inline code."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backrelief.store import Database
from backrelief.web.csrf import is_cross_origin
from backrelief.web.security import SECURITY_HEADERS, host_name
from tests.web.conftest import CLEAR_ANSWERS, counts, store_screen

TEMPLATES = Path(__file__).parents[2] / "src" / "backrelief" / "web" / "templates"
PAGES = [
    "/", "/check", "/check/recheck", "/check/emergency-signs", "/library", "/library/cat-cow",
    "/progress", "/settings", "/offline", "/sw.js", "/manifest.webmanifest", "/healthz",
    "/api/techniques", "/openapi.json", "/static/css/app.css", "/no-such-page",
]


def assert_security_headers(headers: Mapping[str, str]) -> None:
    get = headers.get
    csp = get("content-security-policy")
    assert csp, "no Content-Security-Policy"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert get("x-content-type-options") == "nosniff"
    assert get("referrer-policy") == "no-referrer"


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code < 500  # 500s: test_a_500_carries_every_security_header
    assert_security_headers(response.headers)


def test_errors_and_refusals_carry_the_headers_too(client: TestClient) -> None:
    assert_security_headers(client.post("/api/plan", json={"minutes": 1}).headers)
    assert_security_headers(client.get("/", headers={"host": "evil.example"}).headers)
    refused = client.post("/progress/rating", data={"pain": "3"},
                          headers={"sec-fetch-site": "cross-site"})
    assert_security_headers(refused.headers)


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "192.168.1.20:8000", ""])
def test_requests_for_a_non_loopback_host_are_refused(client: TestClient, host: str) -> None:
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 must not reach the diary."""
    response = client.get("/api/diary/ratings", headers={"host": host})
    assert response.status_code == 400
    assert "loopback" in response.text


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000"])
def test_loopback_hosts_are_served(client: TestClient, host: str) -> None:
    assert client.get("/healthz", headers={"host": host}).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"origin": "http://evil.example"},
        {"origin": "null"},
        {"origin": "http://localhost:9999"},
    ],
)
def test_cross_site_posts_are_refused_and_store_nothing(client: TestClient, database: Database,
                                                       headers: dict[str, str]) -> None:
    before = counts(database)
    for path, data in [("/progress/rating", {"pain": "3"}), ("/settings", {"minutes": "5"}),
                       ("/progress/delete", {"confirm": "yes"})]:
        response = client.post(path, data=data, headers=headers, follow_redirects=False)
        assert response.status_code == 403, path
        assert "another web site" in response.text
    api = client.post("/api/diary/ratings", json={"pain": 3}, headers=headers)
    assert api.status_code == 403
    assert counts(database) == before


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "same-origin"},
        {"sec-fetch-site": "none"},
        {"origin": "http://localhost"},
        {},
    ],
)
def test_same_origin_posts_are_accepted(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post("/progress/rating", data={"pain": "3"}, headers=headers,
                           follow_redirects=False)
    assert response.status_code == 303


def test_csrf_rule_in_isolation() -> None:
    assert not is_cross_origin("GET", {"sec-fetch-site": "cross-site"})
    assert is_cross_origin("POST", {"sec-fetch-site": "cross-site", "origin": "http://localhost",
                                    "host": "localhost"})
    assert not is_cross_origin("DELETE", {"origin": "http://127.0.0.1:8000",
                                          "host": "127.0.0.1:8000"})
    assert is_cross_origin("PUT", {"origin": "http://127.0.0.1:8001", "host": "127.0.0.1:8000"})


def test_host_name_strips_the_port() -> None:
    assert host_name("LOCALHOST:8000") == "localhost"
    assert host_name("[::1]:8000") == "[::1]"
    assert host_name("[::1]") == "[::1]"
    assert host_name("127.0.0.1") == "127.0.0.1"


@pytest.mark.parametrize("host", ["[::1]evil.example", "[::1].evil.example:80", "localhost:80x",
                                  "localhost:8000:1", "[::1]:", "[::1"])
def test_a_host_that_only_starts_like_loopback_is_refused(client: TestClient, host: str) -> None:
    """Issue 15: ``[::1]evil.example`` passed the check (only the bracket was looked at)."""
    assert host_name(host) not in ("localhost", "[::1]", "127.0.0.1")
    response = client.get("/api/diary/ratings", headers={"host": host})
    assert response.status_code == 400


@pytest.fixture
def broken_client(database: Database) -> Iterator[TestClient]:
    """The app on a diary whose ratings table is gone: every read of it is a 500."""
    from sqlalchemy import text

    from backrelief.web.app import create_app
    from backrelief.web.config import WebConfig

    with database.engine.begin() as connection:
        connection.execute(text("DROP TABLE pain_ratings"))
    app = create_app(WebConfig(), database=database)
    with TestClient(app, base_url="http://localhost", raise_server_exceptions=False) as broken:
        yield broken


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_a_500_carries_every_security_header(broken_client: TestClient, accept: str) -> None:
    """Issue 15: Starlette answers a 500 from outside our middleware, with none of them."""
    path = "/api/diary/ratings" if accept == "application/json" else "/progress"
    response = broken_client.get(path, headers={"accept": accept})
    assert response.status_code == 500
    assert_security_headers(response.headers)
    names = {name for name, _ in SECURITY_HEADERS}
    assert names <= {name.encode() for name in response.headers}
    assert response.headers["cache-control"] == "no-store"
    assert "Traceback" not in response.text and "pain_ratings" not in response.text


def test_templates_hold_no_inline_script_or_style() -> None:
    """The CSP forbids inline code; this keeps templates from relying on it."""
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b([^>]*)>", text):
            assert "src=" in match.group(1), f"{path.name}: inline <script>"
        assert not re.search(r"\sstyle\s*=", text), f"{path.name}: style attribute"
        assert not re.search(r"\son[a-z]+\s*=", text), f"{path.name}: inline event handler"
        assert "<style" not in text, f"{path.name}: <style> element"


def test_rendered_pages_hold_no_inline_script(client: TestClient, database: Database) -> None:
    store_screen(database, CLEAR_ANSWERS)
    for path in ["/", "/check", "/build", "/progress", "/library/cat-cow", "/settings"]:
        html = client.get(path).text
        for match in re.finditer(r"<script\b([^>]*)>", html):
            assert "src=" in match.group(1), path
        assert not re.search(r"<[^>]+\sstyle\s*=", html), path


def test_no_interactive_docs_that_would_need_inline_script(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/openapi.json").json()["info"]["title"] == "backrelief"
