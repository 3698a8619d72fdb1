"""Our APIs fuzzed against their own OpenAPI schemas with schemathesis (in-process WSGI, a real
PostgreSQL): no server error, and only the status codes, content types and bodies the schema
documents — for /api/servicepoint/ (as the service center's agent, session and CSRF like a
browser) and the public knowledge API."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CSRF = "ulmfuzzcsrftokenulmfuzzcsrftoken"  # a 32-character secret: cookie and header agree


@pytest.fixture
def agent_session(client, agent):
    """The agent's session cookies, as her browser holds them, and the CSRF header."""
    client.force_login(agent)
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}
    return {"cookies": cookies, "headers": {"X-CSRFToken": CSRF}}


def served_schema(client, url: str):
    """The schema as the running application serves it, fuzzed in-process (WSGI)."""
    from config.wsgi import application

    response = client.get(url)
    assert response.status_code == 200, response.status_code
    schema = schemathesis.openapi.from_dict(response.json())
    schema.app = application
    return schema


@pytest.fixture
def servicepoint_api(demo_knowledge, client, agent_session):
    return served_schema(client, "/api/servicepoint/schema/?format=json")


@pytest.fixture
def knowledge_api(demo_knowledge, client):
    return served_schema(client, "/api/v1/knowledge/schema/?format=json")


FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@contextmanager
def connection_kept_open():
    """In-process requests in the test's transaction: like Django's own test client, keep the
    database connection open between requests (Django closes it when a request finishes)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def fuzz(schema, **session) -> list[str]:
    """Every operation of ``schema`` with generated (valid and invalid) requests; returns the
    operations fuzzed. A failed check raises, naming the request that broke the schema."""
    fuzzed = []
    with connection_kept_open():
        for result in schema.get_all_operations():
            operation = result.ok()

            @FUZZ
            @given(case=operation.as_strategy())
            def check(case):
                case.call_and_validate(checks=CHECKS, **session)

            check()
            fuzzed.append(f"{operation.method.upper()} {operation.path}")
    return fuzzed


def test_the_servicepoint_api_keeps_its_schema(servicepoint_api, agent_session):
    fuzzed = fuzz(servicepoint_api, **agent_session)
    assert "POST /api/servicepoint/anliegen/" in fuzzed
    assert len(fuzzed) == 5


def test_the_knowledge_api_keeps_its_schema(knowledge_api):
    fuzzed = fuzz(knowledge_api)
    assert "GET /api/v1/knowledge/search/" in fuzzed
    assert len(fuzzed) == 4
