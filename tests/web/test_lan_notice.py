"""The insecure-connection notice: shown by a real Chromium on the plain-http LAN address (not a
secure context, so no offline play), hidden on loopback and over HTTPS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.test_lan import free_port, start_serve, this_lan_ip, wait_until_up

pytestmark = pytest.mark.browser


def _notice_visible(browser: Any, url: str, **options: Any) -> bool:
    context = browser.new_context(viewport={"width": 390, "height": 844}, **options)
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url)
        page.wait_for_load_state("load")
        note = page.locator("#insecure-note")
        assert note.count() == 1
        page.wait_for_function("() => document.readyState === 'complete'")
        visible: bool = note.is_visible()
        if visible:
            assert "--tls" in note.inner_text()
    finally:
        context.close()
    # No CSP violation: the notice is shown by a module script, never by inline script.
    assert not [e for e in errors if "Content Security Policy" in e], errors
    return visible


def test_notice_on_plain_http_lan_only(browser: Any, data_dir: Path) -> None:
    lan_ip = this_lan_ip()
    port = free_port()
    serve = start_serve(["--host", "0.0.0.0", "--port", str(port)],
                        {"BACKRELIEF_DATA_DIR": str(data_dir)})
    try:
        wait_until_up(lan_ip, port)
        assert _notice_visible(browser, f"http://{lan_ip}:{port}/")
        assert not _notice_visible(browser, f"http://127.0.0.1:{port}/")
    finally:
        serve.stop()


def test_no_notice_over_tls(browser: Any, data_dir: Path) -> None:
    lan_ip = this_lan_ip()
    port = free_port()
    serve = start_serve(["--host", "0.0.0.0", "--port", str(port), "--tls"],
                        {"BACKRELIEF_DATA_DIR": str(data_dir)})
    try:
        wait_until_up(lan_ip, port, tls=True)
        assert not _notice_visible(browser, f"https://{lan_ip}:{port}/", ignore_https_errors=True)
    finally:
        serve.stop()
