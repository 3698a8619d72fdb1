"""Phone wiring across addons: the PBX's events (HTTP posts) → the call on /telefon/ → the
capture screen with the known caller and their open requests → the captured ticket linked to
the call, so that the next call from that number knows it too."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.support.html import form_fields, soup, visible_text
from ulm_channels.models import Call
from ulm_servicepoint import services
from ulm_servicepoint.models import CaseRecord, Citizen, RequestType
from ulm_servicepoint.services import reference_of

pytestmark = pytest.mark.django_db

TOKEN = "pbx-secret-token-0123456789abcdef"


@pytest.fixture
def pbx(settings):
    settings.ULM_CHANNELS_PHONE_TOKEN = TOKEN
    client = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    def post(event: str, call_id: str, **fields):
        response = client.post(
            reverse("ulm_channels:phone_event"), {"event": event, "callId": call_id, **fields}
        )
        assert response.status_code == 200, response.content
        return response

    return post


@pytest.fixture
def known_citizen(demo):
    """Fritz Hund wrote by e-mail last week (his phone number is on record): an open request."""
    return services.capture_request(
        RequestType.objects.get(slug="hundesteuer"),
        {"vorgang": "Anmeldung", "datum": "2026-11-01"},
        channel="email",
        citizen=services.CitizenData(
            name="Fritz Hund", email="fritz@example.org", phone="0731 777888"
        ),
    )


def test_known_caller_opens_capture_screen_and_the_call_gets_the_ticket(
    pbx, client, agent, known_citizen
):
    # given: Fritz calls from his number, written the PBX's way; Anna answers
    pbx("newCall", "call-42", **{"from": "0731/777-888", "to": "0731 161-0", "direction": "in"})
    pbx("answer", "call-42", user="anna.agentin")
    client.force_login(agent)

    # when: Anna looks at the running calls, the citizen register knows the caller (no earlier
    # call was ever linked: the look-up is ulm_servicepoint's, by his phone number)
    calls = client.get(reverse("ulm_channels:calls"))
    assert known_citizen.ticket.title in visible_text(calls)
    link = soup(calls).select_one("a[href*='anruf=call-42']")
    assert link is not None
    assert "Anliegen erfassen" in link.get_text()
    assert link["href"].startswith(reverse("ulm_servicepoint:capture_start"))

    # then: the capture screen greets the caller by name with his open request
    start = client.get(link["href"])
    assert start.status_code == 200
    text = visible_text(start)
    assert "Fritz Hund" in text
    assert reference_of(known_citizen.ticket) in text
    # she picks the type (the link keeps number and call) …
    type_link = soup(start).find("a", string="Lärmbeschwerde")
    screen = client.get(type_link["href"])
    assert screen.status_code == 200
    assert reference_of(known_citizen.ticket) in visible_text(screen)
    fields = form_fields(screen, "form#erfassung")
    assert fields["c-citizen"] == str(known_citizen.citizen.uuid)
    assert fields["channel"] == "phone"
    # … and forwards the new request
    fields.update(
        {"f-quelle": "Baustelle", "f-ort": "Frauenstraße 3", "f-datum": "20.11.2026"},
        outcome="forward",
    )
    response = client.post(type_link["href"], fields)
    assert response.status_code == 302, visible_text(response)
    pbx("hangup", "call-42")

    case = CaseRecord.objects.get(request_type__slug="laermbeschwerde")
    assert case.channel == "phone"
    assert case.citizen == known_citizen.citizen
    assert Citizen.objects.filter(phone="+49731777888").count() == 1
    call = Call.objects.get(call_id="call-42")
    assert call.ticket == case.ticket
    assert call.answered_at is not None
    assert call.ended_at is not None


def test_unknown_caller_gets_the_capture_screen_with_the_number(pbx, client, agent, demo):
    pbx("newCall", "call-7", **{"from": "0731 555 000", "direction": "in"})
    client.force_login(agent)
    calls = client.get(reverse("ulm_channels:calls"))
    href = soup(calls).select_one("a[href*='anruf=call-7']")["href"]
    start = client.get(href)
    assert "Unbekannter Anrufer" in visible_text(start)
    screen = client.get(soup(start).find("a", string="Fundsache")["href"])
    # the number is prefilled for a new citizen
    assert form_fields(screen, "form#erfassung")["c-phone"] == "+49731555000"


def test_a_call_id_that_does_not_exist_links_nothing(client, agent, demo):
    client.force_login(agent)
    url = reverse("ulm_servicepoint:capture", args=["laermbeschwerde"]) + "?anruf=erfunden"
    fields = form_fields(client.get(url), "form#erfassung")
    fields.update({"f-quelle": "Baustelle", "f-ort": "Ort", "f-datum": "20.11.2026"})
    assert client.post(url, {**fields, "outcome": "forward"}).status_code == 302
    assert not Call.objects.exists()


def test_the_phone_hooks_are_checked_at_start_up(settings):
    from ulm_channels.checks import check_channel_settings

    assert check_channel_settings(None) == []  # the project's wiring is sound
    settings.ULM_CHANNELS_CALLER_LOOKUP = "ulm_servicepoint.services.no_such_function"
    settings.ULM_CHANNELS_CAPTURE_URL = "/helpdesk/erfassen/?telefon={nummer}"
    assert {error.id for error in check_channel_settings(None)} == {
        "ulm_channels.E005",
        "ulm_channels.E006",
    }
