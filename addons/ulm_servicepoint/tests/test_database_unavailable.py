"""While the database cannot be reached (a restart, a failover) people get a German "temporarily
unavailable" page with status 503 and Retry-After, programs a 503 with a German JSON error;
every other fault keeps the static 500 page."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


def failing(exc: Exception):
    return mock.patch("ulm_servicepoint.services.worker_status", side_effect=exc)


def test_unreachable_database_is_a_german_503_with_retry_after(browser):
    with failing(OperationalError("connection refused")):
        response = browser.get("/healthz", HTTP_ACCEPT="text/html")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert 'lang="de"' in page
    assert "Vorübergehend nicht erreichbar" in page
    assert "Traceback" not in page
    assert "OperationalError" not in page


def test_api_clients_get_json_503(browser):
    with failing(OperationalError("the database system is shutting down")):
        response = browser.get("/healthz", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert "vorübergehend" in response.json()["error"]


def test_other_faults_keep_the_500_page(browser):
    with failing(RuntimeError("a bug")):
        response = browser.get("/healthz", HTTP_ACCEPT="text/html")
    assert response.status_code == 500
    assert "Fehler auf unserer Seite" in response.content.decode()
