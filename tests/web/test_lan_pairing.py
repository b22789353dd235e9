"""Pairing a phone end to end: `serve --lan` in a subprocess on this machine's LAN address
prints a link; a fresh client (the phone) opens it and is signed in to the owner's account; the
same link a second time fails; a code past its 10 minutes fails (made through the store with a
clock we control)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from backrelief.store import accounts
from backrelief.store.db import open_database
from backrelief.store.types import utcnow
from tests.web.test_lan import free_port, start_serve, this_lan_ip, wait_until_up

pytestmark = pytest.mark.slow

LINK = re.compile(r"pair a phone: open (http://(\d+\.\d+\.\d+\.\d+):(\d+)/pair/([A-Za-z0-9_-]+))$")


def _signed_in(phone: httpx.Client) -> bool:
    return phone.get("/api/diary/ratings").status_code == 200


def test_pairing_link_signs_a_phone_in_once(data_dir: Path) -> None:
    lan_ip = this_lan_ip()
    port = free_port()
    serve = start_serve(["--lan", "--port", str(port)], {"BACKRELIEF_DATA_DIR": str(data_dir)},
                        ready="pair a phone")
    try:
        match = LINK.search(serve.wait_for("pair a phone"))
        assert match, serve.lines
        link, ip, printed_port, code = match.groups()
        assert (ip, printed_port) == (lan_ip, str(port))
        assert "offline use on the phone needs HTTPS: add --tls" in serve.wait_for("offline use")
        wait_until_up(lan_ip, port)
        base = f"http://{lan_ip}:{port}"

        with httpx.Client(base_url=base) as stranger:
            assert not _signed_in(stranger)  # accounts are on: nobody gets in unasked

        with httpx.Client(base_url=base) as phone:
            page = phone.get(link)
            assert page.status_code == 200  # a page with one button: previews don't use it up
            # It says itself that offline use needs --tls; the site-wide notice is not doubled.
            assert "--tls" in page.text and 'id="insecure-note"' not in page.text
            done = phone.post(f"/pair/{code}", data={"label": "Pixel"})
            assert done.status_code == 303
            cookie = next(c for c in phone.cookies.jar)
            assert cookie.expires is not None and cookie.has_nonstandard_attr("HttpOnly")
            assert _signed_in(phone)
            assert phone.post("/api/diary/ratings", json={"pain": 3, "kind": "daily"}).status_code == 201

        with httpx.Client(base_url=base) as second_phone:
            again = second_phone.post(f"/pair/{code}", data={"label": "Other"})
            assert again.status_code >= 400
            assert not _signed_in(second_phone)
    finally:
        serve.stop()

    # The phone's rating is in the owner's diary.
    database = open_database(f"sqlite:///{data_dir / 'backrelief.db'}")
    try:
        with database.session() as s:
            owner = accounts.owner_id(s)
        from backrelief.store import list_ratings

        with database.session(user=owner) as s:
            assert [r.pain for r in list_ratings(s)] == [3]
    finally:
        database.close()


def test_an_expired_code_fails(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKRELIEF_DATA_DIR", str(data_dir))
    database = open_database()
    try:
        with database.session(write=True) as s:
            owner = accounts.owner_id(s)
            stale = accounts.create_pairing_code(s, owner, now=utcnow() - timedelta(minutes=11))
            fresh = accounts.create_pairing_code(s, owner, now=utcnow() - timedelta(minutes=9))
    finally:
        database.close()
    lan_ip = this_lan_ip()
    port = free_port()
    serve = start_serve(["--lan", "--port", str(port)], {"BACKRELIEF_DATA_DIR": str(data_dir)},
                        ready="pair a phone")
    try:
        wait_until_up(lan_ip, port)
        with httpx.Client(base_url=f"http://{lan_ip}:{port}") as phone:
            assert phone.post(f"/pair/{stale}", data={}).status_code >= 400
            assert not _signed_in(phone)
            assert phone.post(f"/pair/{fresh}", data={}).status_code == 303  # 9 minutes: still good
            assert _signed_in(phone)
    finally:
        serve.stop()
