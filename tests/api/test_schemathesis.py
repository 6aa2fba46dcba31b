"""Schema-driven tests: hostile inputs generated from the OpenAPI document.

Every response must be documented and match its schema, and no input may cause a 5xx.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import TEST_RULES
from tests.live import make_test_app


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    app = make_test_app(tmp_path_factory.mktemp("schemathesis"), TEST_RULES)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    app.extensions["khongvoi.store"].dispose()


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms(case):
    response = case.call()
    assert response.status_code < 500, response.text
    case.validate_response(response)
