"""The REST API: request types with schemas, capturing through capture_request, isolation."""

from __future__ import annotations

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ulm_servicepoint import services
from ulm_servicepoint.models import CaseRecord, RequestType

TYPES = "/api/servicepoint/anliegenarten/"
CASES = "/api/servicepoint/anliegen/"


@pytest.fixture
def agent_api(client, agent):
    client.force_login(agent)
    return client


def test_request_types_with_their_schema(agent_api):
    with CaptureQueriesContext(connection) as queries:
        response = agent_api.get(TYPES)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 13
    assert len(queries) <= 8
    sperr = next(t for t in body["results"] if t["slug"] == "sperrmuell-abholung")
    assert sperr["default_department"] == "abfallwirtschaft"
    assert sperr["schema_version"] == 1
    address = sperr["capture_fields"][0]
    assert address["key"] == "abholadresse"
    assert address["type"] == "address"
    assert address["required"] is True
    assert agent_api.get(f"{TYPES}personalausweis/").json()["leika_keys"] == ["99008001000000"]


def test_create_a_typed_request(agent_api, agent, kfz_clerk, client):
    payload = {
        "request_type": "anwohnerparkausweis",
        "channel": "email",
        "values": {
            "kennzeichen": "ul-ab 12",
            "parkzone": "Zone A Innenstadt",
            "adresse": {
                "street": "Hafengasse",
                "house_number": "3",
                "postcode": "89073",
                "city": "Ulm",
            },
            "verlaengerung": True,
        },
        "citizen": {"name": "Mia Park", "email": "mia@example.org"},
        "outcome": "forward",
    }
    response = agent_api.post(CASES, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["department"] == "ordnungsamt"
    assert body["values"]["kennzeichen"] == "UL-AB 12"
    assert body["values"]["verlaengerung"] is True
    assert body["level"] == 2
    case = CaseRecord.objects.get(ticket_id=body["ticket"])
    assert case.captured_by == agent
    assert case.citizen.email == "mia@example.org"
    assert agent_api.get(f"{CASES}{body['ticket']}/").json()["reference"] == body["reference"]
    # the Kfz clerk neither sees nor captures it
    client.force_login(kfz_clerk)
    assert client.get(f"{CASES}{body['ticket']}/").status_code == 404
    listed = [case["ticket"] for case in client.get(CASES).json()["results"]]
    assert body["ticket"] not in listed
    assert listed  # his department's own (the demo's Wunschkennzeichen request)
    assert client.post(CASES, payload, content_type="application/json").status_code == 403


def test_invalid_values_come_back_in_german_per_field(agent_api):
    response = agent_api.post(
        CASES,
        {
            "request_type": "anwohnerparkausweis",
            "channel": "phone",
            "values": {"kennzeichen": "12345", "verlaengerung": "vielleicht"},
            "citizen": {"phone": "abc"},
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "deutsches Kennzeichen" in errors["kennzeichen"][0]
    # the API's agent forwards: what the department needs for processing is required
    assert errors["parkzone"] == [
        "Bitte füllen Sie „Parkzone“ aus: Die Fachabteilung braucht es für die Bearbeitung "
        "(für eine Erstauskunft ist es nicht nötig)."
    ]
    assert "„Verlängerung eines bestehenden Ausweises?“" in errors["verlaengerung"][0]
    assert "Telefonnummer" in errors["citizen_phone"][0]
    assert not CaseRecord.objects.filter(request_type__isnull=False).exists()


def test_only_staff(client, demo, django_user_model):
    citizen_user = django_user_model.objects.create_user("buerger", password="x-long-pw-123")
    assert client.get(TYPES).status_code in (401, 403)
    client.force_login(citizen_user)
    assert client.get(TYPES).status_code == 403
    assert client.get("/api/servicepoint/schema/").status_code == 403


def test_openapi_schema_documents_the_endpoints(agent_api):
    response = agent_api.get("/api/servicepoint/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert set(schema["paths"]) >= {
        "/api/servicepoint/anliegenarten/",
        "/api/servicepoint/anliegen/",
    }
    create = schema["paths"]["/api/servicepoint/anliegen/"]["post"]
    assert "CaptureInput" in create["requestBody"]["content"]["application/json"]["schema"]["$ref"]


def test_citizen_id_of_a_known_citizen(agent_api, agent):
    first = services.capture_request(
        RequestType.objects.get(slug="fundsache"),
        {"verloren_gefunden": "Verloren", "gegenstand": "Handy", "datum": "2026-11-20"},
        channel="phone",
        citizen=services.CitizenData(name="Kai Klein", phone="0731 5550"),
        captured_by=agent,
    )
    response = agent_api.post(
        CASES,
        {
            "request_type": "fundsache",
            "channel": "phone",
            "values": {
                "verloren_gefunden": "Gefunden",
                "gegenstand": "Handy",
                "datum": "2026-11-21",
            },
            "citizen_id": str(first.citizen.uuid),
            "outcome": "first_contact",
            "answer": "Abholung im Fundbüro.",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["citizen"] == str(first.citizen.uuid)
    assert response.json()["resolved_at_first_contact"] is True


def test_upload_limit_setting_is_checked(settings):
    from ulm_servicepoint.checks import check_servicepoint_settings

    settings.ULM_SERVICEPOINT_MAX_UPLOAD_BYTES = "10 MB"
    assert [e.id for e in check_servicepoint_settings(None)] == ["ulm_servicepoint.E003"]
    settings.ULM_SERVICEPOINT_MAX_UPLOAD_BYTES = 1024
    assert check_servicepoint_settings(None) == []


def test_admin_edits_fields_and_publishes_a_new_version(client, admin_user):
    from django.urls import reverse

    from tests.support.html import form_fields

    request_type = RequestType.objects.get(slug="hundesteuer")
    url = reverse("admin:ulm_servicepoint_requesttype_change", args=[request_type.pk])
    client.force_login(admin_user)
    data = form_fields(client.get(url), "form#requesttype_form")
    # saving unchanged publishes nothing new
    assert client.post(url, data).status_code == 302
    assert services.current_schema(request_type).version == 1
    label = next(k for k, v in data.items() if k.endswith("-label") and v == "Rasse")
    data[label] = "Hunderasse"
    data[label.replace("-label", "-required_level")] = "always"
    assert client.post(url, data).status_code == 302
    schema = services.current_schema(request_type)
    assert schema.version == 2
    spec = next(f for f in schema.fields if f["key"] == "rasse")
    assert spec["label"] == "Hunderasse"
    assert spec["required"] is True
    assert spec["required_level"] == "always"
    # version 1 stays as it was
    assert request_type.schemas.get(version=1).fields[2]["label"] == "Rasse"
