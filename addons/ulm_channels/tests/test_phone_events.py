"""Phone: the PBX posts call events (as Zammad's generic CTI API does); every call is logged,
the reachability KPI comes from the log, and a known caller's open requests are shown."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from helpdesk.models import Ticket

from tests.support.html import visible_text
from ulm_channels import services
from ulm_channels.models import Call
from ulm_channels.phone import normalise_number

pytestmark = pytest.mark.django_db

TOKEN = "pbx-secret-token-0123456789abcdef"
T0 = datetime(2026, 11, 24, 9, 0, 0, tzinfo=timezone.get_fixed_timezone(60))


@pytest.fixture
def pbx(settings):
    """The city's PBX: posts form-encoded events with its bearer token."""
    settings.ULM_CHANNELS_PHONE_TOKEN = TOKEN
    client = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    def post(event: str, call_id: str, seconds: float = 0, **fields):
        data = {"event": event, "callId": call_id, **fields}
        data["timestamp"] = (T0 + timedelta(seconds=seconds)).isoformat()
        return client.post(reverse("ulm_channels:phone_event"), data)

    return post


def test_answered_call_is_logged_with_ringing_and_duration(pbx, agent):
    assert pbx("newCall", "c1", 0, **{"from": "0731 123456", "to": "0731 161-0"}).status_code == 200
    assert pbx("answer", "c1", 12, user="anna.agentin").status_code == 200
    assert pbx("hangup", "c1", 132, cause="normalClearing").status_code == 200
    call = Call.objects.get(call_id="c1")
    assert call.caller_normalised == "+49731123456"
    assert call.ringing_seconds == 12
    assert call.duration_seconds == 120
    assert call.agent == agent
    assert not call.missed


def test_missed_call_counts_its_ringing_time(pbx):
    pbx("newCall", "c2", 0, **{"from": "+49 731 5555"})
    pbx("hangup", "c2", 41, cause="cancel")
    call = Call.objects.get(call_id="c2")
    assert call.missed
    assert call.ringing_seconds == 41
    assert call.duration_seconds is None


def test_repeated_and_out_of_order_events_do_not_change_the_record(pbx):
    pbx("answer", "c3", 5)  # the answer arrives before the new call
    pbx("newCall", "c3", 0, **{"from": "0731 1"})
    pbx("answer", "c3", 50)  # sent again later: the first answer counts
    pbx("hangup", "c3", 65)
    pbx("hangup", "c3", 99)
    call = Call.objects.get(call_id="c3")
    assert (call.ringing_seconds, call.duration_seconds) == (5, 60)


def test_json_events_are_accepted(settings):
    settings.ULM_CHANNELS_PHONE_TOKEN = TOKEN
    response = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}").post(
        reverse("ulm_channels:phone_event"),
        json.dumps({"event": "newCall", "callId": "j1", "from": "0049731999", "direction": "in"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert Call.objects.get(call_id="j1").caller_normalised == "+49731999"


def test_a_token_in_the_address_is_refused(settings):
    """A token in the query string would end up in access logs: only the header counts."""
    settings.ULM_CHANNELS_PHONE_TOKEN = TOKEN
    response = Client().post(
        reverse("ulm_channels:phone_event") + f"?token={TOKEN}",
        {"event": "newCall", "callId": "q1"},
    )
    assert response.status_code == 401
    assert not Call.objects.exists()


@pytest.mark.parametrize("header", ["", "Bearer wrong-token-wrong-token-wrong", "Basic abc"])
def test_events_without_the_token_are_refused(settings, header):
    settings.ULM_CHANNELS_PHONE_TOKEN = TOKEN
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()
    response = client.post(reverse("ulm_channels:phone_event"), {"event": "newCall", "callId": "x"})
    assert response.status_code == 401
    assert not Call.objects.exists()


def test_endpoint_is_closed_when_no_token_is_configured(settings):
    settings.ULM_CHANNELS_PHONE_TOKEN = ""
    client = Client(HTTP_AUTHORIZATION="Bearer ")
    response = client.post(reverse("ulm_channels:phone_event"), {"event": "newCall", "callId": "x"})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"event": "newCall"}, "callId"),
        ({"callId": "x"}, "event"),
        ({"event": "ring", "callId": "x"}, "event"),
        ({"event": "newCall", "callId": "x", "direction": "sideways"}, "direction"),
        ({"event": "newCall", "callId": "x", "timestamp": "gestern"}, "timestamp"),
    ],
)
def test_bad_events_get_a_german_message_naming_the_field(settings, data, field):
    settings.ULM_CHANNELS_PHONE_TOKEN = TOKEN
    client = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    response = client.post(reverse("ulm_channels:phone_event"), data)
    assert response.status_code == 400
    message = response.json()["error"]
    assert f"„{field}“" in message
    assert "Das Feld" in message
    assert not Call.objects.exists()


def test_reachability_is_the_share_answered_within_30_seconds(pbx):
    for call_id, answer_after in [("a", 10), ("b", 30), ("c", 45), ("d", None)]:
        pbx("newCall", call_id, 0, **{"from": "0731 1"})
        if answer_after is not None:
            pbx("answer", call_id, answer_after)
        pbx("hangup", call_id, 100)
    pbx("newCall", "ringing-now", 0)  # still ringing: not counted yet
    pbx("newCall", "out", 0, direction="out")  # outbound calls are not counted
    pbx("answer", "out", 60)
    figures = services.reachability(T0 - timedelta(hours=1), T0 + timedelta(hours=1))
    assert (figures.calls, figures.answered, figures.answered_in_time) == (4, 3, 2)
    assert figures.share == 0.5
    assert services.reachability(T0 + timedelta(hours=1)).share is None


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("0731 / 161-0", "+497311610"),
        ("+49 (731) 161 0", "+497311610"),
        ("0049 731 1610", "+497311610"),
        ("", ""),
        ("anonymous", ""),
    ],
)
def test_numbers_are_normalised(raw, normalised):
    assert normalise_number(raw) == normalised


def test_known_caller_shows_open_requests_and_capture_link_to_the_agent(
    settings, client, agent, kfz_clerk
):
    settings.ULM_CHANNELS_PHONE_TOKEN = TOKEN
    pbx = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    url = reverse("ulm_channels:phone_event")
    # an earlier call became a ticket
    pbx.post(url, {"event": "newCall", "callId": "old", "from": "0731 777888"})
    pbx.post(url, {"event": "hangup", "callId": "old"})
    earlier = Ticket.objects.get(title__startswith="Wunschkennzeichen")
    services.link_call_to_ticket(Call.objects.get(call_id="old"), earlier)
    # the same citizen calls again, from the same number written differently
    pbx.post(url, {"event": "newCall", "callId": "new", "from": "+49731777888"})
    client.force_login(agent)
    page = client.get(reverse("ulm_channels:calls"))
    assert page.status_code == 200
    text = visible_text(page)
    assert "Bekannter Anrufer" in text
    assert earlier.title in text
    assert "Anliegen erfassen" in text
    # the link opens ulm_servicepoint's capture screen for this number and this call
    capture = reverse("ulm_servicepoint:capture_start") + "?telefon=%2B49731777888&amp;anruf=new"
    assert capture in page.content.decode()
    # a department's clerk is not the service center: no call log for him
    client.force_login(kfz_clerk)
    assert client.get(reverse("ulm_channels:calls")).status_code == 404


def test_calls_page_shows_the_kpi_in_german(settings, client, agent):
    settings.ULM_CHANNELS_PHONE_TOKEN = TOKEN
    pbx = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    url = reverse("ulm_channels:phone_event")
    now = timezone.now()
    for call_id, answered in [("k1", 5), ("k2", None)]:
        pbx.post(url, {"event": "newCall", "callId": call_id, "timestamp": now.isoformat()})
        if answered:
            stamp = (now + timedelta(seconds=answered)).isoformat()
            pbx.post(url, {"event": "answer", "callId": call_id, "timestamp": stamp})
        pbx.post(url, {"event": "hangup", "callId": call_id, "timestamp": now.isoformat()})
    client.force_login(agent)
    text = visible_text(client.get(reverse("ulm_channels:calls")))
    assert "50 %" in text
    assert "1 von 2 Anrufen innerhalb von 30 Sekunden angenommen" in text
    assert "verpasst" in text


def test_calls_page_queries_do_not_grow_with_the_log(client, agent, django_assert_max_num_queries):
    def log_calls(count: int, offset: int) -> None:
        now = timezone.now() - timedelta(hours=5)
        Call.objects.bulk_create(
            Call(
                call_id=f"q{offset + n}",
                caller="0731 1",
                started_at=now,
                answered_at=now + timedelta(seconds=5),
                ended_at=now + timedelta(seconds=65),
                agent=agent,
            )
            for n in range(count)
        )

    client.force_login(agent)
    log_calls(3, 0)
    with django_assert_max_num_queries(100) as few:
        client.get(reverse("ulm_channels:calls"))
    log_calls(40, 100)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("ulm_channels:calls"))
    assert visible_text(page).count("angenommen") >= 43
