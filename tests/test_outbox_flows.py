"""The mail server is down while people work: every page that causes a mail succeeds, and once
the server is back the real worker delivers every mail exactly once (counted at the server).

An agent answers on the helpdesk's ticket page, a department's clerk answers on his, a citizen
sends the contact form and a typed form, and an agent captures a phone call."""

from __future__ import annotations

import pytest
from django.urls import reverse
from helpdesk.models import Ticket

from tests.support.html import form_fields, visible_text
from tests.support.processes import start_manage
from tests.support.wait import wait_for
from ulm_channels.models import OutboundMail
from ulm_channels.tests.web import fill_contact_form, later
from ulm_servicepoint.tests.test_agent_capture import sperrmuell_post

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


def answer_on_the_ticket_page(client, ticket: Ticket, text: str) -> None:
    page = client.get(reverse("helpdesk:view", args=[ticket.pk]))
    assert page.status_code == 200
    form = form_fields(page, "form#ticket_update_form, form[action$='update/']")
    form.update(comment=text, public="1")
    response = client.post(reverse("helpdesk:update", args=[ticket.pk]), form, follow=True)
    assert response.status_code == 200, visible_text(response)[:300]
    shown = visible_text(response)
    assert text in shown  # back on the ticket page, the answer in its history
    assert "Server Error" not in shown
    assert "Serverfehler" not in shown


def test_pages_succeed_while_smtp_is_down_and_every_mail_arrives_once_it_is_back(
    client, demo, agent, kfz_clerk, smtp, settings, host_mail_templates
):
    settings.ULM_CHANNELS_MIN_FILL_SECONDS = 0
    # given a worker retrying quickly, and a mail server that is down
    smtp.stop()
    worker = start_manage(
        "procrastinate",
        "worker",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
        ULM_CHANNELS_OUTBOX_RETRY_SECONDS="1",
        ULM_CHANNELS_OUTBOX_RETRY_MAX_SECONDS="2",
    )
    try:
        # an agent answers a citizen on the helpdesk's ticket page
        client.force_login(agent)
        servicecenter = Ticket.objects.get(submitter_email="maria.mueller@example.org")
        answer_on_the_ticket_page(client, servicecenter, "Samstags ist geschlossen.")
        # an agent captures a phone call, forwarded to the department
        capture = reverse("ulm_servicepoint:capture", args=["sperrmuell-abholung"])
        response = client.post(
            capture, sperrmuell_post(**{"c-email": "jonas.flow@example.org"}), follow=True
        )
        assert response.status_code == 200
        assert "ist unterwegs" in visible_text(response)  # honest: not "sent"
        # a department's clerk answers on his ticket
        client.force_login(kfz_clerk)
        kfz = Ticket.objects.get(submitter_email="peter.wagner@example.org")
        answer_on_the_ticket_page(client, kfz, "Ihr Kennzeichen ist reserviert.")
        # a citizen sends the contact form and a typed form
        client.logout()
        response = fill_contact_form(
            client, name="Eva Flow", email="eva.flow@example.org", subject="Laterne", message="Aus."
        )
        assert response.status_code == 302
        confirmation = visible_text(client.get(response["Location"]))
        assert "unterwegs" in confirmation
        assert "/mein-anliegen/" in confirmation
        typed = reverse("ulm_channels:typed_request", args=["strassenschaden"])
        data = form_fields(client.get(typed), "main form")
        data.update(
            {
                "f-art": "Straßenlaterne",
                "f-ort": "Olgastraße 12",
                "f-gefahr": "no",
                "name": "Lena Flow",
                "email": "lena.flow@example.org",
                "privacy": "on",
            }
        )
        with later():
            assert client.post(typed, data).status_code == 302

        # then every mail waits in the outbox; the worker has tried and will try again
        recorded = set(OutboundMail.objects.values_list("message_id", flat=True))
        citizens = {
            "maria.mueller@example.org",
            "jonas.flow@example.org",
            "peter.wagner@example.org",
            "eva.flow@example.org",
            "lena.flow@example.org",
        }
        assert citizens <= set(
            OutboundMail.objects.filter(to_citizen=True).values_list("recipient", flat=True)
        )
        assert wait_for(lambda: OutboundMail.objects.filter(status="failed").exists(), 30)
        assert not OutboundMail.objects.filter(status__in=["sent", "failed_permanently"]).exists()

        # when the mail server is back
        smtp.start()
        assert wait_for(
            lambda: OutboundMail.objects.filter(status="sent").count() == len(recorded), 90
        ), list(OutboundMail.objects.exclude(status="sent").values("status", "last_error"))
        # then each mail arrived exactly once
        assert wait_for(lambda: len(smtp.messages) >= len(recorded), 10)
        arrived = smtp.message_ids()
        assert set(arrived) == recorded
        assert set(arrived.values()) == {1}
        for address in citizens:
            assert smtp.to(address), address
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert "Traceback" not in output, output[-3000:]
