"""Store fixtures: every test that takes ``database_url`` or ``db`` runs on SQLite and PostgreSQL.

SQLite is a fresh file under ``tmp_path``. PostgreSQL is the server named by
``BACKRELIEF_TEST_DATABASE_URL`` (CI sets it; see .ci/run). Each PostgreSQL test gets a schema of
its own, created before and dropped after, and reached through ``search_path``; tests never see
each other's tables, also when run in parallel with pytest-xdist.

Without the variable the PostgreSQL half skips with a reason, except under ``CI=true``, where a
missing or unreachable server is a failure: CI must never pass by skipping the database tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import NoReturn

import pytest
from sqlalchemy import create_engine, make_url, text

from backrelief.store import Database, open_database

PG_ENV = "BACKRELIEF_TEST_DATABASE_URL"
PG_EXAMPLE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _unavailable(reason: str) -> NoReturn:
    if _on_ci():
        pytest.fail(f"{reason} (CI=true: the PostgreSQL tests are mandatory)", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason} (to run them, set {PG_ENV}, e.g. {PG_EXAMPLE})")


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """The PostgreSQL server for tests, checked once per run."""
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        _unavailable(f"{PG_ENV} is not set")
    engine = create_engine(url, pool_pre_ping=True)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any driver or network error means "not reachable"
        reason = " ".join(str(exc).split())[:200]
        _unavailable(f"PostgreSQL at {make_url(url).render_as_string()} is unreachable: {reason}")
    finally:
        engine.dispose()
    return url


def schema_url(server_url: str, schema: str) -> str:
    """``server_url`` with ``search_path`` set to ``schema`` for every connection."""
    url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture
def fresh_pg_schema(postgres_server_url: str) -> Iterator[str]:
    """A URL whose connections see only a new, empty schema (dropped afterwards)."""
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(postgres_server_url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield schema_url(postgres_server_url, schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: object) -> str:
    """An empty database on each backend: a SQLite file, or a private PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/diary.db"
    url: str = request.getfixturevalue("fresh_pg_schema")
    return url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """The diary database, migrated to head."""
    database = open_database(database_url)
    try:
        yield database
    finally:
        database.close()
