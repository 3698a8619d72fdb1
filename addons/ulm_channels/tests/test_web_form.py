"""The contact form: spam protection that never loses a citizen's request, uploads with limits,
the confirmation mail with the private link, and the embeddable variant with CSRF protection."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from helpdesk.models import FollowUpAttachment, Ticket

from tests.support.html import form_fields, soup, visible_text
from tests.support.outbox import deliver_outbox
from ulm_channels import services
from ulm_channels.models import CitizenLink, HeldSubmission
from ulm_channels.tests.web import fill_contact_form, later
from ulm_servicepoint.services import reference_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="antrag.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_citizen_gets_ticket_and_german_mail_with_private_link(client, demo, smtp):
    response = fill_contact_form(
        client,
        name="Maria Müller",
        email="maria@example.org",
        subject="Sperrmüll anmelden",
        message="Ich möchte ein Sofa abholen lassen.",
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(title="Sperrmüll anmelden")
    assert ticket.queue.slug == "servicecenter"
    assert ticket.case_record.channel == "web_form"  # counted as Kontaktformular, not "other"
    link = CitizenLink.objects.get(ticket=ticket)
    # one mail to the citizen, German, with the reference and our private status link
    deliver_outbox()  # what the worker does after the commit
    mails = smtp.to("maria@example.org")
    assert len(mails) == 1
    body = mails[0].get_body(("plain",)).get_content()
    assert reference_of(ticket) in str(mails[0]["Subject"])
    assert "Vielen Dank" in body or "vielen Dank" in body
    assert f"/mein-anliegen/{link.token}/" in body
    # the confirmation page shows the same link and reference
    page = client.get(response["Location"])
    assert reference_of(ticket) in visible_text(page)
    assert soup(page).find("a", href=lambda h: h and str(link.token) in h)


def test_too_fast_submission_is_asked_again_and_keeps_everything(client, demo):
    url = reverse("ulm_channels:contact")
    data = form_fields(client.get(url), "main form")
    data.update(email="eilig@example.org", subject="Schnell", message="Mein Text", privacy="on")
    # a bot (or a very fast person) sends within a second: no ticket, a German message …
    response = client.post(url, data)
    assert response.status_code == 400
    assert "erneut" in visible_text(response) or "noch einmal" in visible_text(response)
    assert not Ticket.objects.filter(title="Schnell").exists()
    # … and everything typed is still in the form, which can simply be sent again
    again = form_fields(response, "main form")
    assert again["subject"] == "Schnell"
    assert again["message"].strip() == "Mein Text"
    assert again["email"] == "eilig@example.org"
    with later():
        assert client.post(url, again).status_code == 302
    assert Ticket.objects.filter(title="Schnell").exists()


def test_forged_or_missing_time_stamp_is_asked_again(client, demo):
    url = reverse("ulm_channels:contact")
    data = form_fields(client.get(url), "main form")
    data.update(email="a@example.org", subject="X", message="Y", privacy="on", started="123")
    with later():
        assert client.post(url, data).status_code == 400
    assert not Ticket.objects.filter(submitter_email="a@example.org").exists()


def test_filled_honeypot_is_kept_aside_not_dropped_and_can_be_released(client, demo, smtp):
    response = fill_contact_form(
        client, email="robot@example.org", subject="Billig", message="Kaufen!", homepage="x"
    )
    # the sender is told the message arrived and is checked by hand
    assert response.status_code == 202
    assert "von Hand" in visible_text(response)
    assert not Ticket.objects.filter(title="Billig").exists()
    held = HeldSubmission.objects.get()
    assert held.reason == HeldSubmission.Reason.HONEYPOT
    assert held.message == "Kaufen!"
    # staff release it: it becomes a ticket like any other, and the citizen gets the mail
    ticket = services.release_held_submission(held)
    assert ticket.title == "Billig"
    held.refresh_from_db()
    assert held.state == HeldSubmission.State.RELEASED
    deliver_outbox()
    assert len(smtp.to("robot@example.org")) == 1


def test_rate_limit_per_email_keeps_further_requests_for_review(client, demo, settings):
    settings.ULM_CHANNELS_RATE_LIMIT_PER_EMAIL = 2
    for number in range(2):
        assert (
            fill_contact_form(
                client, email="viel@example.org", subject=f"Viele {number}", message="Text"
            ).status_code
            == 302
        )
    third = fill_contact_form(client, email="VIEL@example.org", subject="Viele 2", message="Text")
    assert third.status_code == 202
    assert Ticket.objects.filter(title__startswith="Viele").count() == 2
    assert HeldSubmission.objects.get().reason == HeldSubmission.Reason.RATE_LIMIT
    # another citizen from elsewhere is not affected
    other = fill_contact_form(
        Client(REMOTE_ADDR="10.0.0.9"), email="b@example.org", subject="Y", message="Z"
    )
    assert other.status_code == 302


def test_rate_limit_per_ip_address(demo, settings):
    settings.ULM_CHANNELS_RATE_LIMIT_PER_IP = 1
    client = Client(REMOTE_ADDR="192.0.2.7")
    assert (
        fill_contact_form(client, email="a@example.org", subject="A", message="1").status_code
        == 302
    )
    assert (
        fill_contact_form(client, email="b@example.org", subject="B", message="2").status_code
        == 202
    )
    held = HeldSubmission.objects.get()
    assert (held.email, held.ip_address) == ("b@example.org", "192.0.2.7")


def test_upload_is_stored_protected_and_attached(client, demo):
    response = fill_contact_form(
        client, email="c@example.org", subject="Mit Anhang", message="Siehe PDF", attachment=pdf()
    )
    assert response.status_code == 302
    attachment = FollowUpAttachment.objects.get(followup__ticket__title="Mit Anhang")
    assert attachment.filename == "antrag.pdf"
    # the storage's URL is the access-checked view: an anonymous visitor gets nothing
    assert client.get(attachment.file.url).status_code == 404
    # the citizen's own link serves it
    link = CitizenLink.objects.get(ticket=attachment.followup.ticket)
    url = reverse("ulm_channels:status_file", args=[link.token, attachment.pk])
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (lambda: pdf("virus.exe", b"MZ\x90\x00"), ["virus.exe", "PDF"]),
        (lambda: pdf("fake.pdf", b"MZ\x90\x00 not a pdf"), ["fake.pdf"]),
        (lambda: pdf("gross.pdf", PDF + b"0" * 3000), ["gross.pdf", "zu groß"]),
    ],
)
def test_refused_upload_names_the_field_and_keeps_the_rest(client, demo, settings, upload, words):
    settings.ULM_CHANNELS_UPLOAD_MAX_BYTES = 2048
    response = fill_contact_form(
        client, email="d@example.org", subject="Datei", message="Bitte prüfen", attachment=upload()
    )
    assert response.status_code == 400
    text = visible_text(response)
    assert "Anhang" in text
    for word in words:
        assert word in text
    kept = form_fields(response, "main form")
    assert (kept["subject"], kept["message"].strip()) == ("Datei", "Bitte prüfen")
    assert not Ticket.objects.filter(title="Datei").exists()


def test_embedded_form_may_be_framed_by_the_city_and_keeps_csrf(demo, settings):
    settings.ULM_CHANNELS_EMBED_ORIGINS = ["https://www.ulm.de"]
    browser = Client(enforce_csrf_checks=True)
    url = reverse("ulm_channels:contact_embedded")
    page = browser.get(url)
    assert page.status_code == 200
    assert "X-Frame-Options" not in page
    assert "frame-ancestors 'self' https://www.ulm.de" in page["Content-Security-Policy"]
    assert "default-src 'self'" in page["Content-Security-Policy"]
    data = form_fields(page, "main form")
    assert data["csrfmiddlewaretoken"]
    data.update(email="e@example.org", subject="Eingebettet", message="Text", privacy="on")
    # without the CSRF token the post is refused …
    forged = {k: v for k, v in data.items() if k != "csrfmiddlewaretoken"}
    with later():
        assert Client(enforce_csrf_checks=True).post(url, forged).status_code == 403
        response = browser.post(url, data)
    # … with it the request is filed and the confirmation stays inside the frame
    assert response.status_code == 302
    assert "/kontakt/eingebettet/bestaetigung/" in response["Location"]
    confirmation = browser.get(response["Location"])
    assert "X-Frame-Options" not in confirmation
    assert soup(confirmation).select_one("a[target=_top]")
    # the ordinary pages still refuse foreign frames
    assert browser.get(reverse("ulm_channels:contact"))["X-Frame-Options"] == "SAMEORIGIN"


def test_held_submission_with_a_file_keeps_the_file_when_released(client, demo):
    response = fill_contact_form(
        client,
        email="f@example.org",
        subject="Gehalten mit Datei",
        message="Anbei",
        homepage="http://spam.example",
        attachment=pdf("beleg.pdf"),
    )
    assert response.status_code == 202
    held = HeldSubmission.objects.get()
    assert held.attachment_name == "beleg.pdf"
    # a held file is not reachable by anyone through the public file view
    assert client.get(held.attachment.url).status_code == 404
    ticket = services.release_held_submission(held)
    attachment = FollowUpAttachment.objects.get(followup__ticket=ticket)
    assert attachment.filename == "beleg.pdf"
    with attachment.file.open("rb") as stored:
        assert stored.read() == PDF
    # releasing twice does not make a second ticket
    assert services.release_held_submission(held) == ticket


def test_system_checks_refuse_unsafe_channel_settings(settings):
    from ulm_channels.checks import check_channel_settings

    settings.ULM_CHANNELS_PHONE_TOKEN = "short"
    settings.ULM_CHANNELS_EMBED_ORIGINS = ["https://www.ulm.de/kontakt"]
    settings.ULM_CHANNELS_RATE_LIMIT_PER_IP = 0
    ids = sorted(error.id for error in check_channel_settings(None))
    assert ids == ["ulm_channels.E001", "ulm_channels.E003", "ulm_channels.E004"]
    settings.ULM_CHANNELS_PHONE_TOKEN = "x" * 32
    settings.ULM_CHANNELS_EMBED_ORIGINS = ["https://www.ulm.de"]
    settings.ULM_CHANNELS_RATE_LIMIT_PER_IP = 20
    assert check_channel_settings(None) == []


def test_rate_limit_log_is_pruned_after_its_window(client, demo, settings):
    from datetime import timedelta

    from django.utils import timezone

    from ulm_channels.models import WebSubmission

    settings.ULM_CHANNELS_RATE_LIMIT_PER_EMAIL = 1
    fill_contact_form(client, email="alt@example.org", subject="Alt", message="1")
    WebSubmission.objects.update(created_at=timezone.now() - timedelta(hours=2))
    fill_contact_form(client, email="neu@example.org", subject="Neu", message="2")
    assert services.prune_web_submissions() == 1
    assert list(WebSubmission.objects.values_list("email", flat=True)) == ["neu@example.org"]
    # the citizen whose log expired may write again
    again = fill_contact_form(client, email="alt@example.org", subject="Wieder", message="3")
    assert again.status_code == 302


def test_request_that_cannot_be_filed_is_kept_not_lost(client, demo, settings):
    from helpdesk.models import Queue

    # the service center's queue is misconfigured: the host cannot file the ticket
    Queue.objects.filter(slug="servicecenter").update(slug="umbenannt")
    response = fill_contact_form(
        client, email="g@example.org", subject="Trotzdem", message="Bitte", attachment=pdf()
    )
    assert response.status_code == 202
    assert not Ticket.objects.filter(title="Trotzdem").exists()
    assert not CitizenLink.objects.exists()  # nothing half-done
    held = HeldSubmission.objects.get()
    assert (held.reason, held.message, held.attachment_name) == ("error", "Bitte", "antrag.pdf")
    with held.attachment.open("rb") as stored:
        assert stored.read() == PDF
    # once the queue is fixed, staff release it
    Queue.objects.filter(slug="umbenannt").update(slug="servicecenter")
    assert services.release_held_submission(held).title == "Trotzdem"


def test_confirmation_page_says_the_mail_is_on_its_way_and_shows_the_link_to_keep(client, demo):
    response = fill_contact_form(
        client, email="maria@example.org", subject="Parkausweis", message="Wie lange dauert es?"
    )
    ticket = Ticket.objects.get(title="Parkausweis")
    page = client.get(response["Location"])
    text = visible_text(page)
    # honest: on its way, not "sent"
    assert "ist an maria@example.org unterwegs" in text
    assert "gesendet" not in text
    # the personal link is shown in full, to be kept
    assert "Ihr persönlicher Link: Bitte bewahren Sie ihn auf" in text
    assert services.status_url(ticket) in text
    assert soup(page).select_one(".keep-link a")["href"] == services.status_url(ticket)


def test_without_a_mail_the_confirmation_page_says_how_the_answer_comes(client, demo):
    from ulm_channels.models import OutboundMail, UndeliverableAddress

    # a bounce reported the address earlier: no confirmation mail can go there
    UndeliverableAddress.objects.create(address="tot@example.org", reason="550 unknown user")
    response = fill_contact_form(
        client, email="tot@example.org", subject="Hundesteuer", message="Wie melde ich an?"
    )
    ticket = Ticket.objects.get(title="Hundesteuer")
    assert not OutboundMail.objects.filter(ticket=ticket, kind="confirmation").exists()
    text = visible_text(client.get(response["Location"]))
    assert "Wir können Ihnen keine E-Mail senden" in text
    assert "Unsere Antwort finden Sie unter Ihrem persönlichen Link" in text
    assert "Behördennummer 115" in text
    assert "unterwegs" not in text
