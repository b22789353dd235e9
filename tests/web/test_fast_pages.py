"""The pages made fast for issue 16 still say the right thing, on SQLite and PostgreSQL.

Reading routes run on the event loop on SQLite and in the thread pool on PostgreSQL
(``web.reads.read_route``); content pages are rendered once and served with an ETag
(``web.reads.cached_page``), unless the diary has something to say on them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backrelief.store import Database, add_feedback, add_rating, finish_session, open_database
from backrelief.store.types import utcnow
from backrelief.web.app import create_app
from backrelief.web.config import WebConfig
from tests.store.conftest import database_url, fresh_pg_schema, postgres_server_url  # noqa: F401
from tests.web.conftest import BASE_URL, BLOCKING_ANSWERS, CLEAR_ANSWERS, build_session, store_screen


@pytest.fixture
def any_db(database_url: str, web_env: Any) -> Iterator[Database]:  # noqa: F811
    database = open_database(database_url)
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def any_client(any_db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(WebConfig(), database=any_db), base_url=BASE_URL) as client:
        yield client


def test_home_shows_the_glance_from_the_diary(any_client: TestClient, any_db: Database) -> None:
    page = any_client.get("/")
    assert page.status_code == 200
    assert "Continue your session" not in page.text
    assert "Latest pain rating" not in page.text

    store_screen(any_db, CLEAR_ANSWERS)
    finished = build_session(any_client)
    with any_db.session(write=True) as s:
        finish_session(s, finished, completed=True)
    abandoned = build_session(any_client)
    unfinished = build_session(any_client)  # starting it abandons the one before
    with any_db.session(write=True) as s:
        add_rating(s, 6)  # the newest rating: after the sessions' "before" ones
    page = any_client.get("/")
    assert f'href="/session/{unfinished}/play"' in page.text  # the unfinished one only
    assert f'href="/session/{abandoned}/play"' not in page.text
    assert "<strong>6/10</strong>" in page.text
    assert "1 session so far." in page.text  # the abandoned session does not count

    urgent = store_screen(any_db, BLOCKING_ANSWERS["same_day"])
    page = any_client.get("/")
    assert f'href="/check/result/{urgent}"' in page.text


def test_gated_pages_follow_the_latest_screen(any_client: TestClient, any_db: Database) -> None:
    preview = "/preview?minutes=10&pain=4&region=whole"
    # A clear screen three hours old: check again, the short way (same answers as the fresh
    # one below, so the gate's verdict cache must not decide freshness).
    store_screen(any_db, CLEAR_ANSWERS, taken_at=utcnow() - timedelta(hours=3))
    stale = any_client.get(preview, follow_redirects=False)
    assert (stale.status_code, stale.headers["location"]) == (303, "/check/recheck")
    store_screen(any_db, CLEAR_ANSWERS)
    assert any_client.get(preview).status_code == 200
    session = build_session(any_client)
    assert any_client.get(f"/session/{session}/play").status_code == 200
    store_screen(any_db, BLOCKING_ANSWERS["emergency"])
    refused = any_client.get(f"/session/{session}/play", follow_redirects=False)
    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/check/result/")
    assert any_client.get(preview, follow_redirects=False).status_code == 303


def test_content_pages_are_rendered_once_with_an_etag(any_client: TestClient) -> None:
    for path in ("/library", "/library/cat-cow", "/learn/" + _first_education_page(any_client)):
        first = any_client.get(path)
        second = any_client.get(path)
        assert first.status_code == second.status_code == 200, path
        assert first.content == second.content
        etag = first.headers["etag"]
        assert etag == second.headers["etag"] and etag.startswith('"')
        # The technique page can carry a note from the diary: no-store, like every such page.
        expected = "no-store" if path.startswith("/library/") else "no-cache"
        assert first.headers["cache-control"] == expected, path
        assert first.headers["content-type"].startswith("text/html")
        assert first.headers["content-security-policy"]  # the security headers still apply
        again = any_client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        other = any_client.get(path, headers={"If-None-Match": '"something-else"'})
        assert other.status_code == 200 and other.content == first.content
    assert any_client.get("/library/no-such-technique").status_code == 404


def test_a_technique_the_diary_leaves_out_is_never_served_from_the_cache(
        any_client: TestClient, any_db: Database) -> None:
    plain = any_client.get("/library/cat-cow")  # rendered once, no note
    assert "left out" not in plain.text.lower()
    store_screen(any_db, CLEAR_ANSWERS)
    session = build_session(any_client)
    with any_db.session(write=True) as s:
        add_feedback(s, session, "cat-cow", "worse")
    noted = any_client.get("/library/cat-cow")
    assert "felt worse" in noted.text
    assert "etag" not in noted.headers
    assert noted.headers["cache-control"] == "no-store"
    assert any_client.get("/library/cat-cow?back=1").status_code == 200


def _first_education_page(client: TestClient) -> str:
    library = client.get("/library").text
    start = library.index('href="/learn/') + len('href="/learn/')
    return library[start:library.index('"', start)]


def test_the_builder_offers_the_remembered_choices(any_client: TestClient, any_db: Database) -> None:
    from backrelief.store import set_setting

    store_screen(any_db, CLEAR_ANSWERS)
    with any_db.session(write=True) as s:
        set_setting(s, "region", "lower")
        set_setting(s, "minutes", 20)
    page = any_client.get("/build").text
    assert 'value="lower" checked' in page
    assert 'value="whole" checked' not in page


def test_the_preview_plans_again_when_the_diary_leaves_something_out(
        any_client: TestClient, any_db: Database) -> None:
    from backrelief.store import get_session

    preview = "/preview?minutes=10&pain=4&region=whole"
    store_screen(any_db, CLEAR_ANSWERS)
    first = any_client.get(preview)
    assert first.status_code == 200 and any_client.get(preview).text == first.text
    session = build_session(any_client, minutes="10")
    with any_db.session(write=True) as s:
        technique = get_session(s, session).techniques[0]
        add_feedback(s, session, technique, "worse")
    again = any_client.get(preview)
    assert "felt worse today" in again.text.lower()  # planned afresh, with the reason
    assert again.text != first.text
