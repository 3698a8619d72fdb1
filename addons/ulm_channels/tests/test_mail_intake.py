"""The intake pipeline on the project's own test mails: stored raw first, one outcome each,
idempotent, threaded, quarantined with rollback, acknowledged in German."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from helpdesk.models import FollowUp, FollowUpAttachment, Queue, Ticket

from tests.support.html import visible_text
from tests.support.outbox import deliver_outbox
from ulm_channels import services
from ulm_channels.mail import intake
from ulm_channels.models import InboundMail, OutboundMail, UndeliverableAddress
from ulm_servicepoint.services import reference_of

MAILS = Path(__file__).parent / "mails"


def raw(name: str, **replace: str) -> bytes:
    data = (MAILS / name).read_bytes()
    for old, new in replace.items():
        data = data.replace(old.replace("_", "-").encode(), new.encode())
    return data


def ingest(name: str, **replace: str):
    return services.ingest_message(raw(name, **replace), source=name)


@pytest.fixture
def mail_ticket(demo, django_capture_on_commit_callbacks):
    """A ticket opened by Frau Huber's first mail, acknowledged."""
    first = (
        b"From: Maria Huber <maria.huber@example.org>\r\nTo: servicecenter@ulm.example\r\n"
        b"Subject: Termin im B\xc3\xbcrgerb\xc3\xbcro\r\nMessage-ID: <first-0001@example.org>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nIch brauche einen Termin.\r\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = services.ingest_message(first, source="first")
    assert result.outcome == "ticket"
    return Ticket.objects.get(pk=result.ticket)


def test_new_mail_becomes_a_ticket_in_the_service_center_with_the_original_kept(demo):
    result = ingest("html_only_utf8.eml")
    assert result.outcome == "ticket"
    ticket = Ticket.objects.get(pk=result.ticket)
    assert ticket.queue.slug == "servicecenter"
    assert ticket.title == "Straßenlaterne defekt"
    assert ticket.submitter_email == "aenne.weiss@example.org"
    assert "Straßenlaterne vor der Hausnummer 12 in der Olgastraße" in ticket.description
    assert "Wir haben Ihre Meldung erhalten" not in ticket.description
    names = set(
        FollowUpAttachment.objects.filter(followup__ticket=ticket).values_list(
            "filename", flat=True
        )
    )
    assert "original.html" in names
    record = InboundMail.objects.get(pk=result.record)
    assert bytes(record.raw) == raw("html_only_utf8.eml")
    assert record.outcome == "ticket"


def test_attachments_and_tnef_contents_land_on_the_ticket(demo):
    ticket = Ticket.objects.get(pk=ingest("attachments_forward.eml").ticket)
    names = set(
        FollowUpAttachment.objects.filter(followup__ticket=ticket).values_list(
            "filename", flat=True
        )
    )
    assert {
        "Lageplan Gartenhütte €.pdf",
        "Meldebestätigung.pdf",
        "lageplan@example.org.png",
        "Ihr Bauantrag für die Gartenhütte.eml",
    } <= names
    ticket = Ticket.objects.get(pk=ingest("tnef_winmail.eml").ticket)
    attachment = FollowUpAttachment.objects.get(followup__ticket=ticket)
    assert attachment.filename == "Antrag Parkausweis.pdf"
    assert attachment.file.read() == b"%PDF-1.4 Antrag"


def test_the_same_mail_twice_is_a_duplicate_and_opens_no_second_ticket(demo):
    first = ingest("outlook_reply_cp1252.eml")
    again = ingest("outlook_reply_cp1252.eml")
    assert (first.outcome, again.outcome) == ("ticket", "duplicate")
    assert again.ticket == first.ticket
    # a re-delivery with other bytes but the same Message-ID is recorded, not ticketed
    altered = services.ingest_message(raw("outlook_reply_cp1252.eml") + b"\r\n", source="copy")
    assert altered.outcome == "duplicate"
    assert Ticket.objects.filter(submitter_email="juergen.mueller@example.org").count() == 1
    assert InboundMail.objects.filter(message_id="<outlook-0001@mail.example.org>").count() == 2


def test_mail_without_message_id_is_recognised_by_its_content(demo):
    assert ingest("no_message_id.eml").outcome == "ticket"
    assert ingest("no_message_id.eml").outcome == "duplicate"
    assert Ticket.objects.filter(title="Hund bellt nachts").count() == 1


def test_acknowledgement_in_german_with_threading_headers(mail_ticket, smtp):
    ack = OutboundMail.objects.get(ticket=mail_ticket)
    assert ack.kind == "acknowledgement"
    assert ack.in_reply_to == "<first-0001@example.org>"
    assert deliver_outbox() == {"sent": 1}
    [sent] = smtp.to("maria.huber@example.org")
    assert sent["Message-ID"] == ack.message_id
    assert sent["In-Reply-To"] == "<first-0001@example.org>"
    assert "<first-0001@example.org>" in sent["References"]
    assert sent["Auto-Submitted"] == "auto-replied"
    assert reference_of(mail_ticket) in sent["Subject"]
    assert "Ihr Anliegen ist eingegangen" in sent["Subject"]
    assert "Aktenzeichen" in sent.get_content()
    assert deliver_outbox() == {}  # sent once: nothing waits any more


def test_reply_threads_by_our_message_id_after_the_ticket_moved_to_a_department(mail_ticket):
    ack = OutboundMail.objects.get(ticket=mail_ticket)
    Ticket.objects.filter(pk=mail_ticket.pk).update(queue=Queue.objects.get(slug="kfz-zulassung"))
    result = ingest(
        "reply_am_schrieb.eml", IN_REPLY_TO=ack.message_id.strip("<>"), TICKET_REF="Termin"
    )
    assert (result.outcome, result.ticket) == ("followup", mail_ticket.pk)
    followup = FollowUp.objects.filter(ticket=mail_ticket).latest("id")
    assert followup.comment == "Danke, der Termin am Donnerstag passt mir gut."
    assert OutboundMail.objects.filter(ticket=mail_ticket).count() == 1  # no ack for a reply


def test_reply_threads_by_the_reference_in_the_subject(mail_ticket):
    reference = f"[servicecenter-{mail_ticket.pk}]"
    Ticket.objects.filter(pk=mail_ticket.pk).update(queue=Queue.objects.get(slug="ordnungsamt"))
    result = ingest("reply_am_schrieb.eml", IN_REPLY_TO="unknown@example.org", TICKET_REF=reference)
    assert (result.outcome, result.ticket) == ("followup", mail_ticket.pk)


def test_reply_to_a_closed_ticket_reopens_it(mail_ticket):
    Ticket.objects.filter(pk=mail_ticket.pk).update(status=Ticket.CLOSED_STATUS)
    result = ingest(
        "reply_am_schrieb.eml", IN_REPLY_TO="first-0001@example.org", TICKET_REF="Termin"
    )
    assert (result.outcome, result.ticket) == ("followup", mail_ticket.pk)
    mail_ticket.refresh_from_db()
    assert mail_ticket.status == Ticket.REOPENED_STATUS


def test_reply_to_a_closed_ticket_opens_a_linked_new_one_when_configured(mail_ticket, settings):
    settings.ULM_CHANNELS_MAIL_CLOSED_REPLY = "new"
    Ticket.objects.filter(pk=mail_ticket.pk).update(status=Ticket.CLOSED_STATUS)
    result = ingest(
        "reply_am_schrieb.eml", IN_REPLY_TO="first-0001@example.org", TICKET_REF="Termin"
    )
    assert result.outcome == "ticket"
    assert result.ticket != mail_ticket.pk
    assert reference_of(mail_ticket) in Ticket.objects.get(pk=result.ticket).description
    mail_ticket.refresh_from_db()
    assert mail_ticket.status == Ticket.CLOSED_STATUS
    note = FollowUp.objects.filter(ticket=mail_ticket, public=False).latest("id")
    assert reference_of(result.ticket) in note.comment


@pytest.mark.parametrize("name", ["auto_reply_abwesenheit.eml", "auto_reply_subject.eml"])
def test_auto_replies_open_no_ticket_and_get_no_acknowledgement(demo, name):
    tickets = Ticket.objects.count()
    result = ingest(name)
    assert result.outcome == "ignored"
    assert Ticket.objects.count() == tickets
    assert not OutboundMail.objects.exists()


def test_bounce_marks_our_mail_and_the_address_undeliverable(mail_ticket, settings):
    ack = OutboundMail.objects.get(ticket=mail_ticket)
    result = ingest("bounce_dsn.eml", OUTGOING_ID=ack.message_id.strip("<>"))
    assert result.outcome == "ignored"
    ack.refresh_from_db()
    assert ack.status == "bounced"
    assert UndeliverableAddress.objects.filter(address="nobody.here@example.org").exists()
    note = FollowUp.objects.filter(ticket=mail_ticket, public=False).latest("id")
    assert "nobody.here@example.org" in note.comment
    # no automatic mail goes to an undeliverable address again
    ticket = Ticket.objects.get(pk=mail_ticket.pk)
    ticket.submitter_email = "nobody.here@example.org"
    assert services.send_interim_notice(ticket, "Kfz-Zulassung") is None


def test_spam_is_kept_aside_and_an_admin_can_open_a_ticket_anyway(demo):
    result = ingest("spam.eml")
    assert (result.outcome, result.ticket) == ("quarantined", None)
    assert result.reason.startswith("Spam: vom Mailserver als Spam markiert")
    forced = services.create_ticket_from_mail(result.record)
    assert forced.outcome == "ticket"
    assert Ticket.objects.get(pk=forced.ticket).title == "Sie haben gewonnen!!!"


def test_a_failing_message_is_rolled_back_quarantined_and_blocks_no_other(demo, monkeypatch):
    tickets = Ticket.objects.count()
    real_attach = intake._attach

    def fail_after_the_ticket_was_saved(followup, mail):
        raise RuntimeError("disk full")

    monkeypatch.setattr(intake, "_attach", fail_after_the_ticket_was_saved)
    failed = ingest("attachments_forward.eml")
    assert failed.outcome == "quarantined"
    assert "disk full" in failed.reason
    assert Ticket.objects.count() == tickets  # the half-stored ticket was rolled back
    assert InboundMail.objects.get(pk=failed.record).error
    monkeypatch.setattr(intake, "_attach", real_attach)
    # the next message goes through; the quarantined one succeeds on retry, once
    assert ingest("undeclared_utf8.eml").outcome == "ticket"
    retried = services.retry_mail(failed.record)
    assert retried.outcome == "ticket"
    assert ingest("attachments_forward.eml").outcome == "duplicate"
    assert Ticket.objects.count() == tickets + 2


def test_discarded_mail_keeps_its_raw_copy(demo):
    result = ingest("spam.eml")
    services.discard_mail(result.record)
    record = InboundMail.objects.get(pk=result.record)
    assert record.outcome == "discarded"
    assert bytes(record.raw) == raw("spam.eml")


def test_failed_sending_is_visible_on_the_ticket_and_retried(
    mail_ticket, settings, smtp, admin_client
):
    from tests.support.net import free_port

    settings.EMAIL_PORT = free_port()  # nothing listens there
    assert deliver_outbox() == {"unreachable": 1}
    ack = OutboundMail.objects.get(ticket=mail_ticket)
    assert (ack.status, ack.attempts) == ("failed", 1)
    assert ack.next_attempt_at > timezone.now()  # tried again after the back-off
    assert "konnte nicht erreicht werden" in ack.last_error
    # the ticket's page shows the mail and that it will be tried again
    page = visible_text(admin_client.get(reverse("helpdesk:view", args=[mail_ticket.pk])))
    assert "Versand fehlgeschlagen, wird wiederholt" in page
    settings.EMAIL_PORT = smtp.port
    assert deliver_outbox() == {"sent": 1}
    ack.refresh_from_db()
    assert ack.status == "sent"
    assert len(smtp.to("maria.huber@example.org")) == 1
