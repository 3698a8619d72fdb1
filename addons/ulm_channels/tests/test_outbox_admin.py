"""The outbox in the admin: the list of outgoing mail with filters, a mail's headers and text,
"send again" (POST only), and access by permission."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from helpdesk.models import Ticket

from tests.support.html import visible_text
from tests.support.outbox import deliver_outbox
from ulm_channels.models import OutboundMail

pytestmark = pytest.mark.django_db
LIST = "admin:ulm_channels_outboundmail_changelist"


def send(ticket, subject, to=None):
    EmailMessage(
        subject,
        "Guten Tag,\nIhr Ausweis liegt bereit.",
        None,
        to or [ticket.submitter_email],
        headers={"X-Ulm-Ticket": str(ticket.pk), "X-Ulm-Kind": "answer"},
    ).send()
    return OutboundMail.objects.get(subject=subject)


@pytest.fixture
def tickets(demo):
    return list(Ticket.objects.filter(submitter_email__isnull=False).order_by("pk")[:2])


def test_list_filters_by_state_and_ticket_at_a_constant_query_count(tickets, smtp, admin_client):
    first, second = tickets
    send(first, "Erste")
    with CaptureQueriesContext(connection) as one_row:
        assert admin_client.get(reverse(LIST)).status_code == 200
    for number in range(10):
        send(second, f"Zweite {number}")
    smtp.handler.refuse[first.submitter_email] = "550 5.1.1 Unbekannt"
    deliver_outbox()
    with CaptureQueriesContext(connection) as eleven_rows:
        page = admin_client.get(reverse(LIST))
    assert len(eleven_rows) == len(one_row)
    assert "Ausgehende E-Mails" in visible_text(page) or "ausgehende E-Mail" in visible_text(page)
    failed = visible_text(admin_client.get(reverse(LIST), {"status": "failed_permanently"}))
    assert "Erste" in failed
    assert "Zweite 3" not in failed
    per_ticket = visible_text(admin_client.get(reverse(LIST), {"ticket": str(second.pk)}))
    assert "Zweite 9" in per_ticket
    assert "Erste" not in per_ticket


def test_a_mails_page_shows_its_headers_and_text(tickets, admin_client):
    mail = send(tickets[0], "Ausweis abholbereit")
    page = visible_text(
        admin_client.get(reverse("admin:ulm_channels_outboundmail_change", args=[mail.pk]))
    )
    assert f"Message-ID: {mail.message_id}" in page
    assert "Subject: Ausweis abholbereit" in page
    assert "Ihr Ausweis liegt bereit." in page
    assert "Erneut senden" in page  # waiting mail: may be queued again


def test_send_again_is_a_post_and_queues_only_what_was_not_sent(tickets, smtp, admin_client):
    mail = send(tickets[0], "Zweiter Versuch")
    smtp.handler.reply_to_data = "554 5.7.1 Rejected"
    deliver_outbox()
    mail.refresh_from_db()
    assert mail.status == "failed_permanently"
    resend = reverse("admin:ulm_channels_outboundmail_resend", args=[mail.pk])
    assert admin_client.get(resend).status_code == 405  # never on GET
    mail.refresh_from_db()
    assert mail.status == "failed_permanently"
    response = admin_client.post(resend, follow=True)
    assert "1 E-Mail wird erneut gesendet." in visible_text(response)
    smtp.handler.reply_to_data = ""
    assert deliver_outbox() == {"sent": 1}
    # the list's action refuses a sent mail: it would reach the citizen twice
    response = admin_client.post(
        reverse(LIST), {"action": "send_again", "_selected_action": [mail.pk]}, follow=True
    )
    assert "bereits gesendet" in visible_text(response)
    assert deliver_outbox() == {}
    assert len([m for m in smtp.messages if m["Subject"] == "Zweiter Versuch"]) == 1


def test_access_by_permission(tickets, agent, client):
    mail = send(tickets[0], "Vertraulich")
    client.force_login(agent)  # staff, but without the outbox's permission
    assert client.get(reverse(LIST)).status_code == 403
    agent.user_permissions.add(Permission.objects.get(codename="view_outboundmail"))
    assert visible_text(client.get(reverse(LIST))).count("Vertraulich") == 1
    detail = client.get(reverse("admin:ulm_channels_outboundmail_change", args=[mail.pk]))
    assert detail.status_code == 200
    assert "Erneut senden" not in visible_text(detail)
    resend = reverse("admin:ulm_channels_outboundmail_resend", args=[mail.pk])
    assert client.post(resend).status_code == 403
