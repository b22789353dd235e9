"""Remembered defaults: a small key/value table with JSON values."""

from __future__ import annotations

import pytest

from backrelief.store import (
    Database,
    StoreInputError,
    all_settings,
    delete_setting,
    get_setting,
    set_setting,
)


def test_set_get_replace_and_delete(db: Database) -> None:
    with db.session(write=True) as session:
        set_setting(session, "region", "lower")
        set_setting(session, "equipment", ["foam_roller", "chair"])
        set_setting(session, "minutes", 12)
        set_setting(session, "conditions", [])
    with db.session(write=True) as session:
        set_setting(session, "minutes", 15)
    with db.session() as session:
        assert get_setting(session, "minutes") == 15
        assert get_setting(session, "missing", "fallback") == "fallback"
        assert all_settings(session) == {
            "conditions": [], "equipment": ["foam_roller", "chair"], "minutes": 15,
            "region": "lower",
        }
    with db.session(write=True) as session:
        assert delete_setting(session, "region") is True
        assert delete_setting(session, "region") is False
        assert get_setting(session, "region") is None


def test_nested_json_round_trips(db: Database) -> None:
    value = {"a": [1, 2.5, None, True], "b": {"c": "ü"}}
    with db.session(write=True) as session:
        set_setting(session, "player", value)
    with db.session() as session:
        assert get_setting(session, "player") == value


@pytest.mark.parametrize(("key", "value", "field"), [
    ("Region", "lower", "key"),
    ("", "lower", "key"),
    ("a" * 41, 1, "key"),
    ("region", {1, 2}, "region"),
    ("minutes", float("inf"), "minutes"),
])
def test_bad_settings_are_refused(db: Database, key: str, value: object, field: str) -> None:
    with pytest.raises(StoreInputError) as caught, db.session(write=True) as session:
        set_setting(session, key, value)
    assert caught.value.field == field
    with db.session() as session:
        assert all_settings(session) == {}
