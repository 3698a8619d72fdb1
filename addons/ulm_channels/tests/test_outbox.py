"""The outbox: every mail recorded with its cause, delivered by the worker over a real SMTP
server on loopback, retried, given up visibly; bad input never stops the queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from helpdesk.models import FollowUp, Ticket
from helpdesk.update_ticket import update_ticket

from tests.support.html import visible_text
from tests.support.outbox import deliver_outbox
from ulm_channels import services
from ulm_channels.models import OutboundMail
from ulm_servicepoint.services import reference_of

pytestmark = pytest.mark.django_db

CITIZEN_MAIL = (
    b"From: Maria Huber <maria.huber@example.org>\r\nTo: servicecenter@ulm.example\r\n"
    b"Subject: Wohngeld\r\nMessage-ID: <wohngeld-1@example.org>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\nWie beantrage ich Wohngeld?\r\n"
)


@pytest.fixture
def ticket(demo):
    """Frau Huber's request by e-mail; its acknowledgement waits in the outbox."""
    result = services.ingest_message(CITIZEN_MAIL, "test")
    return Ticket.objects.get(pk=result.ticket)


def mail_about(ticket, subject="Ihr Anliegen", to=None, **headers) -> EmailMessage:
    return EmailMessage(
        subject,
        "Guten Tag,\n\n.Zeile mit Punkt am Anfang\n\nViele Grüße",
        "Servicecenter <servicecenter@ulm.example>",
        to or [ticket.submitter_email],
        headers={"X-Ulm-Ticket": str(ticket.pk), "X-Ulm-Kind": "answer", **headers},
    )


def test_django_mail_api_records_and_the_worker_delivers_exactly_what_was_recorded(ticket, smtp):
    # when an addon mails the citizen with Django's mail API and the ticket header
    assert mail_about(ticket).send() == 1
    row = OutboundMail.objects.get(ticket=ticket, kind="answer")
    # then nothing went to the server yet: it waits in the outbox with the ticket's thread
    assert smtp.messages == []
    assert (row.status, row.to_citizen, row.recipients) == (
        "queued",
        True,
        ["maria.huber@example.org"],
    )
    ack = OutboundMail.objects.get(ticket=ticket, kind="acknowledgement")
    assert row.in_reply_to == "<wohngeld-1@example.org>"
    assert ack.message_id in row.references.split()
    # and the worker delivers it once, byte for byte as recorded, internal headers removed
    assert deliver_outbox() == {"sent": 2}
    sent = {m["Message-ID"]: m for m in smtp.messages}[row.message_id]
    assert sent["In-Reply-To"] == "<wohngeld-1@example.org>"
    assert ack.message_id in sent["References"]
    assert sent["X-Ulm-Ticket"] is None
    assert sent["X-Ulm-Kind"] is None
    assert b"X-Ulm" not in bytes(row.raw)
    assert "\n.Zeile mit Punkt am Anfang" in sent.get_content()  # dot-stuffing undone
    row.refresh_from_db()
    assert row.status == "sent"
    assert row.sent_at is not None
    assert deliver_outbox() == {}


def test_the_hosts_mail_is_linked_to_its_ticket_threaded_and_the_reply_threads_back(
    ticket, agent, smtp
):
    # the agent answers on the host's ticket page (the host sends its own template)
    update_ticket(agent, ticket, comment="Den Antrag stellen Sie beim Sozialamt.", public=True)
    host_mail = OutboundMail.objects.get(ticket=ticket, kind="notification")
    assert host_mail.to_citizen
    assert host_mail.in_reply_to == "<wohngeld-1@example.org>"
    assert deliver_outbox() == {"sent": 2}
    [sent] = [m for m in smtp.messages if m["Message-ID"] == host_mail.message_id]
    assert sent["In-Reply-To"] == "<wohngeld-1@example.org>"
    assert reference_of(ticket) in sent["Subject"]
    # the citizen replies to it, with a subject that lost the reference: it threads by ID
    reply = (
        b"From: maria.huber@example.org\r\nTo: servicecenter@ulm.example\r\nSubject: Danke\r\n"
        b"Message-ID: <danke-1@example.org>\r\nIn-Reply-To: "
        + host_mail.message_id.encode()
        + b"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDanke!\r\n"
    )
    result = services.ingest_message(reply, "test")
    assert (result.outcome, result.ticket) == ("followup", ticket.pk)


def test_cc_and_bcc_are_envelope_recipients_and_bcc_stays_hidden(ticket, smtp):
    message = mail_about(ticket)
    message.cc = ["kollegin@ulm.example"]
    message.bcc = ["archiv@ulm.example"]
    message.send()
    row = OutboundMail.objects.get(ticket=ticket, kind="answer")
    assert row.recipients == [
        "maria.huber@example.org",
        "kollegin@ulm.example",
        "archiv@ulm.example",
    ]
    deliver_outbox()
    [sent] = [m for m in smtp.messages if m["Message-ID"] == row.message_id]
    assert sent.envelope_recipients == row.recipients
    assert sent["Cc"] == "kollegin@ulm.example"
    assert sent["Bcc"] is None
    assert b"archiv@" not in bytes(row.raw)


def test_bad_addresses_fail_permanently_with_a_clear_error_and_the_rest_go_on(ticket, smtp):
    good = mail_about(ticket, "Gute Nachricht")
    unencodable = mail_about(ticket, "Umlaut vor dem @", to=["jürgen@example.org"])
    empty = mail_about(ticket, "Ohne Adresse", to=[""])
    garbage = mail_about(ticket, "Kaputt", to=["kein-at-zeichen"])
    # Django's mail API with several messages at once: one bad message stops nothing
    connection = django_mail.get_connection()
    assert connection.send_messages([unencodable, empty, good, garbage]) == 1
    rows = {row.subject: row for row in OutboundMail.objects.filter(kind="answer")}
    assert rows["Umlaut vor dem @"].status == "failed_permanently"
    assert "„jürgen@example.org“ kann nicht verwendet werden" in rows["Umlaut vor dem @"].last_error
    assert rows["Ohne Adresse"].last_error == "Die Empfängeradresse ist leer."
    assert "„kein-at-zeichen“ ist keine E-Mail-Adresse" in rows["Kaputt"].last_error
    # each shows on the ticket as an internal note; the good one is delivered
    notes = FollowUp.objects.filter(ticket=ticket, public=False).values_list("comment", flat=True)
    assert sum("es wird kein weiterer Versuch unternommen" in note for note in notes) == 3
    assert deliver_outbox() == {"sent": 2}  # the acknowledgement and the good answer
    assert [m["Subject"] for m in smtp.to("maria.huber@example.org")][-1] == "Gute Nachricht"


def test_a_refused_recipient_fails_alone_and_the_queue_goes_on(ticket, smtp):
    for number in range(3):
        mail_about(ticket, f"Nachricht {number}", to=[f"person{number}@example.org"]).send()
    smtp.handler.refuse["person1@example.org"] = "550 5.1.1 No such user"
    assert deliver_outbox() == {"sent": 3, "failed": 1}
    failed = OutboundMail.objects.get(subject="Nachricht 1")
    assert failed.status == "failed_permanently"
    assert "550 5.1.1 No such user" in failed.last_error


def test_header_injection_through_name_and_subject_is_neutralised(ticket, smtp):
    message = mail_about(
        ticket,
        subject="Ihr Termin\r\nBcc: boese@example.org",
        to=["Maria\r\nBcc: boese@example.org <maria.huber@example.org>"],
    )
    message.extra_headers["X-Note"] = "eins\r\nBcc: boese@example.org"
    message.send()
    row = OutboundMail.objects.get(kind="answer")
    assert row.status == "queued"
    assert row.recipients == ["maria.huber@example.org"]
    deliver_outbox()
    [sent] = [m for m in smtp.messages if m["Message-ID"] == row.message_id]
    assert sent.envelope_recipients == ["maria.huber@example.org"]
    assert sent["Bcc"] is None
    assert sent["Subject"] == "Ihr Termin Bcc: boese@example.org"  # one line of text
    assert sent["X-Note"] == "eins Bcc: boese@example.org"
    assert sent["To"].addresses[0].addr_spec == "maria.huber@example.org"


def test_an_attachment_over_the_limit_is_refused_with_a_note_for_the_sender(
    ticket, agent, smtp, settings, client
):
    settings.ULM_CHANNELS_OUTBOX_MAX_ATTACHMENT_BYTES = 1000
    message = mail_about(ticket, "Mit Anhang")
    message.attach("bauplan.pdf", b"%PDF-1.4" + b"0" * 2000, "application/pdf")
    assert message.send() == 0  # not accepted for sending …
    row = OutboundMail.objects.get(subject="Mit Anhang")
    assert row.status == "failed_permanently"
    assert "„bauplan.pdf“ (2,0\xa0KB)" in row.last_error
    # … and the agent sees why on the ticket's page: the note, and the mail's state
    client.force_login(agent)
    page = visible_text(client.get(reverse("helpdesk:view", args=[ticket.pk])))
    assert "Der Anhang „bauplan.pdf“ (2,0 KB) ist größer als die 1000 Bytes" in page
    assert "Versand endgültig fehlgeschlagen" in page
    deliver_outbox()
    assert not [m for m in smtp.messages if m["Subject"] == "Mit Anhang"]


def test_a_5xx_after_the_message_stops_the_retries_and_shows_on_the_ticket(
    ticket, smtp, admin_client
):
    smtp.handler.reply_to_data = "554 5.6.0 Message refused"
    assert deliver_outbox() == {"failed": 1}
    ack = OutboundMail.objects.get(ticket=ticket)
    assert (ack.status, ack.attempts, ack.next_attempt_at) == ("failed_permanently", 1, None)
    note = FollowUp.objects.filter(ticket=ticket, public=False).latest("id")
    assert "554 5.6.0 Message refused" in note.comment
    assert not note.public
    # no further attempt reaches the server
    begun = smtp.handler.begun
    assert deliver_outbox() == {}
    assert smtp.handler.begun == begun
    # the ticket page and the list of failed mail show it
    page = visible_text(admin_client.get(reverse("helpdesk:view", args=[ticket.pk])))
    assert "Versand endgültig fehlgeschlagen" in page
    listing = admin_client.get(
        reverse("admin:ulm_channels_outboundmail_changelist"), {"status": "failed_permanently"}
    )
    assert ack.subject in visible_text(listing)


def test_a_4xx_is_retried_with_a_growing_back_off_until_it_goes_through(ticket, smtp, settings):
    settings.ULM_CHANNELS_OUTBOX_RETRY_SECONDS = 60
    smtp.handler.reply_to_data = "451 4.3.0 Try again later"
    assert services.send_due_mail() == {"failed": 1}
    ack = OutboundMail.objects.get(ticket=ticket)
    first_wait = ack.next_attempt_at - timezone.now()
    assert (ack.status, ack.attempts) == ("failed", 1)
    assert timedelta(seconds=55) < first_wait <= timedelta(seconds=60)
    assert services.send_due_mail() == {}  # not due yet: the server hears nothing
    assert services.send_due_mail(now=ack.next_attempt_at) == {"failed": 1}
    ack.refresh_from_db()
    assert timedelta(seconds=115) < ack.next_attempt_at - timezone.now() <= timedelta(seconds=120)
    smtp.handler.reply_to_data = ""
    assert services.send_due_mail(now=ack.next_attempt_at) == {"sent": 1}
    assert len(smtp.to("maria.huber@example.org")) == 1


def test_too_many_attempts_give_up_visibly(ticket, smtp, settings):
    settings.ULM_CHANNELS_OUTBOX_MAX_ATTEMPTS = 2
    smtp.handler.reply_to_data = "421 4.7.0 Closing"
    deliver_outbox()
    deliver_outbox()
    ack = OutboundMail.objects.get(ticket=ticket)
    assert ack.status == "failed_permanently"
    assert "nach 2 Versuchen aufgegeben" in ack.last_error


def test_mail_in_a_transaction_that_rolls_back_is_never_sent(ticket, smtp):
    def change_that_fails():
        with transaction.atomic():
            mail_about(ticket, "Nie gesendet").send()
            raise RuntimeError("the change that caused the mail failed")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not OutboundMail.objects.filter(subject="Nie gesendet").exists()


def test_a_mail_about_no_ticket_is_recorded_as_other(demo, smtp):
    assert django_mail.send_mail("Hallo", "Text", None, ["jemand@example.org"]) == 1
    row = OutboundMail.objects.get(subject="Hallo")
    assert (row.kind, row.ticket, row.to_citizen) == ("other", None, False)
    assert deliver_outbox() == {"sent": 1}


def test_panel_lists_the_tickets_mails_for_whoever_may_see_the_ticket(
    ticket, agent, kfz_clerk, client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(agent)
    url = reverse("helpdesk:view", args=[ticket.pk])
    client.get(url)  # warm caches
    with CaptureQueriesContext(connection) as one_mail:
        client.get(url)
    for number in range(5):
        mail_about(ticket, f"Antwort {number}").send()
    with CaptureQueriesContext(connection) as six_mails:
        page = client.get(url)
    text = visible_text(page)
    assert "E-Mails zu diesem Ticket" in text
    assert "Antwort 4" in text
    assert "Eingangsbestätigung einer E-Mail" in text
    assert "wartet auf Versand" in text
    # the panel costs the same queries however many mails there are
    assert len(six_mails) == len(one_mail)
    # a department's clerk who may not see the ticket gets no list
    assert services.ticket_mails(ticket, kfz_clerk) is None


def test_send_again_queues_a_failed_mail_but_never_a_sent_one(ticket, smtp):
    smtp.handler.reply_to_data = "550 5.7.1 Blocked"
    deliver_outbox()
    ack = OutboundMail.objects.get(ticket=ticket)
    assert ack.status == "failed_permanently"
    assert services.send_mail_again(ack) is True
    smtp.handler.reply_to_data = ""
    assert deliver_outbox() == {"sent": 1}
    ack.refresh_from_db()
    assert services.send_mail_again(ack) is False  # sent: it would arrive twice
    assert deliver_outbox() == {}
    assert len(smtp.to("maria.huber@example.org")) == 1


def test_the_hosts_html_mail_carries_no_markup_that_runs(ticket, agent, smtp):
    """The host renders a follow-up's comment unescaped into its HTML mail; the outbox cleans
    every HTML part, so markup in a comment never reaches a mail client as markup."""
    # given a comment with markup (e.g. quoted from the citizen), sent by the host as HTML mail
    hostile = (
        "<img src=x onerror=alert(1)><script>alert(2)</script>"
        '<a href="javascript:alert(3)">Antrag</a> <b>fett</b>'
    )
    update_ticket(agent, ticket, comment=hostile, public=True)
    # when the outbox delivers it
    deliver_outbox()
    [sent] = [m for m in smtp.to("maria.huber@example.org") if m.get_body(("html",))]
    html = sent.get_body(("html",)).get_content()
    # then the HTML part keeps the text and harmless markup, nothing that runs
    assert "<b>fett</b>" in html
    for dangerous in ("onerror", "<script", "javascript:"):
        assert dangerous not in html, dangerous
