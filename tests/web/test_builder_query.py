"""The builder's address ("Change my choices", or typed by hand) is checked like its form: a
wrong field is named with a 422, never quietly replaced by the remembered choice (issue 15)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from backrelief.store import Database
from tests.web.conftest import CLEAR_ANSWERS, counts, store_screen


@pytest.fixture
def screened(client: TestClient, database: Database) -> TestClient:
    store_screen(database, CLEAR_ANSWERS)
    return client


@pytest.mark.parametrize(("query", "field"), [
    ("region=whole&minutes=0", "minutes"),
    ("region=whole&minutes=999", "minutes"),
    ("region=whole&minutes=abc", "minutes"),
    ("region=whole&minutes=%C2%B3", "minutes"),
    ("region=sideways&minutes=10", "region"),
    ("region=whole&minutes=10&pain=11", "pain"),
    ("region=whole&minutes=10&equipment=trampoline", "equipment"),
])
def test_a_wrong_choice_in_the_address_is_named(screened: TestClient, database: Database,
                                                query: str, field: str) -> None:
    before = counts(database)
    response = screened.get(f"/build?{query}")
    assert response.status_code == 422, response.text
    assert 'role="alert"' in response.text
    assert f'href="#f-{field}"' in response.text
    assert counts(database) == before


def test_good_choices_in_the_address_fill_the_builder(screened: TestClient) -> None:
    response = screened.get("/build?region=upper&minutes=15")
    assert response.status_code == 200
    assert 'role="alert"' not in response.text
    assert 'name="minutes" value="15" checked' in response.text


def test_the_builder_without_an_address_uses_the_remembered_choices(
        screened: TestClient) -> None:
    response = screened.get("/build")
    assert response.status_code == 200
    assert 'role="alert"' not in response.text
