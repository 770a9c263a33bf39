"""Property-based fuzzing of every operation in /api/schema/ (schemathesis), authenticated.

Checks: no 5xx, and every response (status code, content type, body) matches what the schema
documents for it. Hypothesis examples are bounded so the suite stays fast.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks as st_checks

from backend.config.wsgi import application
from tests.conftest import register

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
# Valid and deliberately invalid requests: invalid ones must be refused with a 4xx, never accepted.
schema.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])

CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_schema_conformance,
    st_checks.negative_data_rejection,
]


@pytest.fixture
def token():
    client, _ = register("fuzzer")
    # Requests below go through the WSGI handler, which closes the database connection when a
    # request ends and so would end the test's transaction; Django's test client (used just
    # above, and which reconnects these signals when it is done) avoids that the same way.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield client.token
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_honours_its_schema(case, token):
    if case.operation.path in ("/api/auth/logout/",):
        pytest.skip("logging out would revoke the fuzzer's own token; covered in tests/api/test_auth.py")
    case.headers = {**(case.headers or {}), "Authorization": f"Token {token}"}
    case.call_and_validate(checks=CHECKS)
