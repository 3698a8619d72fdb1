"""When the retention rule anonymises a ticket, the channels' copies of its data go too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from helpdesk.models import Ticket

from tests.support.html import visible_text
from ulm_channels import services
from ulm_channels.models import Call, CitizenLink, InboundMail, OutboundMail
from ulm_channels.tests.web import fill_contact_form
from ulm_servicepoint.models import RequestType
from ulm_servicepoint.services import apply_retention

pytestmark = pytest.mark.django_db

MAIL = (
    b"From: Maria Huber <maria.huber@example.org>\r\nTo: servicecenter@ulm.example\r\n"
    b"Subject: Termin im B\xc3\xbcrgerb\xc3\xbcro\r\nMessage-ID: <ret-0001@example.org>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\nIch brauche einen Termin.\r\n"
)


def close_long_ago(ticket: Ticket) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(
        status=Ticket.CLOSED_STATUS, modified=timezone.now() - timedelta(days=400)
    )


def test_anonymised_ticket_loses_mails_link_and_caller_number(client, demo, settings):
    settings.ULM_SERVICEPOINT_RETENTION_MONTHS = 6
    # given a request by e-mail and one by web form that was also phoned about
    by_mail = Ticket.objects.get(pk=services.ingest_message(MAIL, source="retention").ticket)
    fill_contact_form(client, email="eva@example.org", subject="Laterne defekt", message="Nr. 12")
    by_web = Ticket.objects.get(title="Laterne defekt")
    status_page = reverse("ulm_channels:status", args=[by_web.citizen_link.token])
    Call.objects.create(
        call_id="c-1",
        caller="0731 555",
        caller_normalised="+49731555",
        started_at=timezone.now(),
        ticket=by_web,
    )
    assert OutboundMail.objects.filter(ticket=by_mail).exists()  # the acknowledgement
    for ticket in (by_mail, by_web):
        close_long_ago(ticket)

    # when the retention period has passed
    assert apply_retention().tickets == 2

    # then nothing personal of the channels is left
    inbound = InboundMail.objects.get(ticket=by_mail)
    assert bytes(inbound.raw) == b""
    assert inbound.sender == ""
    assert not OutboundMail.objects.filter(ticket=by_mail).exclude(recipient="").exists()
    assert not CitizenLink.objects.filter(ticket=by_web).exists()
    assert client.get(status_page).status_code == 404
    assert Call.objects.get(call_id="c-1").caller == ""


def test_the_forms_state_the_period_of_their_request_type(client, demo, settings):
    settings.ULM_SERVICEPOINT_RETENTION_MONTHS = 6
    # a complaint's form: its own 24 months
    complaint = visible_text(
        client.get(reverse("ulm_channels:typed_request", args=["laermbeschwerde"]))
    )
    assert "Wir löschen sie 24 Monate nach Abschluss Ihres Anliegens." in complaint
    assert "Löschfristen der Anliegenarten" not in complaint
    # the contact form (no type yet): the general period, and each type's own
    contact = client.get(reverse("ulm_channels:contact"))
    text = visible_text(contact)
    assert "Wir löschen sie 6 Monate nach Abschluss Ihres Anliegens." in text
    assert "Löschfristen der Anliegenarten" in text
    assert "Lärmbeschwerde: 24 Monate nach Abschluss" in text
    assert "Sperrmüll-Abholung: 12 Monate nach Abschluss" in text
    assert "Allgemeine Auskunft" not in text  # not open to citizens
    # a type without its own period states the general one, which follows the setting
    RequestType.objects.filter(slug="fundsache").update(retention_months=None)
    settings.ULM_SERVICEPOINT_RETENTION_MONTHS = 9
    found = visible_text(client.get(reverse("ulm_channels:typed_request", args=["fundsache"])))
    assert "Wir löschen sie 9 Monate nach Abschluss Ihres Anliegens." in found
