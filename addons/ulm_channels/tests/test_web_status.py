"""The citizen's status page behind the private link: status, public replies, own messages and
files; nothing for anyone without the link."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from helpdesk.models import FollowUp, FollowUpAttachment, Ticket

from tests.support.html import form_fields, visible_text
from ulm_channels import services
from ulm_channels.tests.web import fill_contact_form
from ulm_servicepoint.services import reference_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_of_citizen(client, demo):
    fill_contact_form(
        client, email="maria@example.org", subject="Laterne defekt", message="Vor Haus 12."
    )
    ticket = Ticket.objects.get(title="Laterne defekt")
    return ticket, reverse("ulm_channels:status", args=[ticket.citizen_link.token])


def test_status_page_shows_status_and_public_replies_only(client, agent, request_of_citizen):
    ticket, url = request_of_citizen
    FollowUp.objects.create(ticket=ticket, title="Intern", comment="Nur für uns", public=False)
    FollowUp.objects.create(
        ticket=ticket,
        title="Antwort",
        comment="Wir haben den Bauhof informiert.",
        public=True,
        user=agent,
    )
    text = visible_text(client.get(url))
    assert reference_of(ticket) in text
    assert "Offen" in text
    assert "Vor Haus 12." in text
    assert "Wir haben den Bauhof informiert." in text
    assert "Nur für uns" not in text


def test_unknown_or_malformed_link_shows_nothing(client, request_of_citizen):
    assert client.get(reverse("ulm_channels:status", args=[uuid.uuid4()])).status_code == 404
    assert client.get("/mein-anliegen/123/").status_code == 404


def test_citizen_adds_message_and_file_which_reopens_a_resolved_request(client, request_of_citizen):
    ticket, url = request_of_citizen
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.RESOLVED_STATUS)
    data = form_fields(client.get(url), "main form")
    data["message"] = "Die Laterne ist immer noch aus."
    data["attachment"] = SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    response = client.post(url, data)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Die Laterne ist immer noch aus." in visible_text(page)
    assert "foto.png" in visible_text(page)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.REOPENED_STATUS
    assert FollowUpAttachment.objects.filter(followup__ticket=ticket, filename="foto.png").exists()


def test_empty_message_is_refused_in_german(client, request_of_citizen):
    _ticket, url = request_of_citizen
    response = client.post(url, form_fields(client.get(url), "main form"))
    assert response.status_code == 400
    assert "Bitte schreiben Sie eine Nachricht oder wählen Sie eine Datei" in visible_text(response)


def test_files_of_other_tickets_and_internal_notes_are_not_served(client, request_of_citizen):
    ticket, _url = request_of_citizen
    other = Ticket.objects.exclude(pk=ticket.pk).first()
    internal = FollowUp.objects.create(ticket=ticket, title="Intern", comment="x", public=False)
    foreign = FollowUp.objects.create(ticket=other, title="Fremd", comment="x", public=True)
    token = ticket.citizen_link.token
    for followup in (internal, foreign):
        attachment = FollowUpAttachment(followup=followup, filename="geheim.txt", size=3)
        attachment.file.save("geheim.txt", SimpleUploadedFile("geheim.txt", b"abc"), save=True)
        url = reverse("ulm_channels:status_file", args=[token, attachment.pk])
        assert client.get(url).status_code == 404
    assert services.citizen_attachment(uuid.uuid4(), attachment.pk) is None


def test_accessibility_statement_feedback_becomes_a_request(client, demo):
    url = reverse("ulm_channels:accessibility")
    page = client.get(url)
    assert "BITV 2.0" in visible_text(page)
    response = fill_contact_form(
        client, url=url, email="blind@example.org", message="Der Knopf ist nicht vorlesbar."
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(submitter_email="blind@example.org")
    assert "Barrierefreiheit" in ticket.title
    assert "nicht vorlesbar" in ticket.description


def test_footer_links_the_accessibility_statement(client, demo):
    page = client.get(reverse("ulm_channels:contact"))
    assert reverse("ulm_channels:accessibility") in page.content.decode()


def test_host_mail_link_leads_to_our_status_page(client, request_of_citizen):
    """The host's own mails (an agent's reply) carry its public link: it opens our page."""
    ticket, url = request_of_citizen
    host_link = ticket.ticket_url.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + host_link)
    assert response.status_code == 302
    assert response["Location"] == url
    # a wrong key does not
    forged = client.get("/" + host_link.replace(f"key={ticket.secret_key}", "key=falsch"))
    assert forged.status_code != 302 or forged["Location"] != url
