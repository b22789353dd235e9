"""Property-based API fuzzing with schemathesis against the app's own OpenAPI schema.

Every operation of ``/openapi.json`` is called with generated requests, valid and invalid
(bounded: :data:`EXAMPLES` per operation, so the run takes minutes on two cores). Whatever is
sent, the answer is never a 5xx (issue 15 found 156 of 24,995 such requests on SQLite). The
requests come as a non-browser client on this computer would send them: ``Host: localhost``
(the loopback check) and no ``Origin`` (CSRF applies to browsers; ``test_security.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from backrelief.core.screening import evaluate
from backrelief.store import open_database, record_result
from backrelief.web.app import create_app
from backrelief.web.config import WebConfig
from tests.web.conftest import CLEAR_ANSWERS

EXAMPLES = 100


def _app() -> object:
    import tempfile

    # One diary for the whole run, with a screen that allows exercise so the gated
    # endpoints get past the gate too.
    data_dir = Path(tempfile.mkdtemp(prefix="backrelief-schemathesis-"))
    database = open_database(f"sqlite:///{data_dir}/diary.db")
    with database.session(write=True) as s:
        record_result(s, evaluate(CLEAR_ANSWERS), CLEAR_ANSWERS)
    return create_app(WebConfig(), database=database)


schema = schemathesis.openapi.from_asgi("/openapi.json", _app(), headers={"host": "localhost"})
pytestmark = pytest.mark.xdist_group("schemathesis")


@pytest.fixture(autouse=True)
def _no_database_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("BACKRELIEF_DATABASE_URL", raising=False)
    yield


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error(case: schemathesis.Case) -> None:
    response = case.call(headers={"host": "localhost"})
    assert response.status_code < 500, (case.as_curl_command(), response.text[:500])
    assert response.status_code != 400 or "loopback" not in response.text
