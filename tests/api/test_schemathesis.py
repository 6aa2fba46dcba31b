"""Schema-driven tests: hostile inputs generated from the OpenAPI document.

Run against the real server on loopback (as clients see it, gzip included). Every response
must be documented and match its schema, no input may cause a 5xx, and inputs that violate
the schema must be refused. One check is left out on purpose: whether a URL is a web address
cannot be written in JSON Schema, so a schema-valid string such as ``"javascript:x"`` is
rightly refused with 400 (``positive_data_acceptance``).
"""

from __future__ import annotations

import atexit

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import TEST_RULES
from tests.live import LiveServer

_server = LiveServer(extra_rules=TEST_RULES).start()
atexit.register(_server.stop)

schema = schemathesis.openapi.from_url(f"{_server.url}/api/v1/openapi.json")


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms(case):
    response = case.call()
    assert response.status_code < 500, response.text
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
