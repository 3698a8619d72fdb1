"""The intake pipeline every source runs (IMAP, ``ingest_mail``, the admin's retry).

1. ``receive``: the raw bytes are committed first (``InboundMail``), keyed by their SHA-256;
   a copy already handled is a no-op, a second message with a known Message-ID a duplicate.
2. ``process``: parse, classify, thread and store in one transaction together with the
   outcome, so a crash leaves the message ``pending`` (done again on the next run) and never a
   half-stored ticket. An error rolls the work back and quarantines the message with its error;
   only a failing database propagates.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import logging
import traceback
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from helpdesk.models import FollowUp, FollowUpAttachment, Ticket
from helpdesk.signals import new_ticket_done, update_ticket_done

from ulm_channels import conf
from ulm_channels.mail import outbound, outbox
from ulm_channels.mail.classify import Kind, classify
from ulm_channels.mail.parse import NotAMail, ParsedMail, message_ids, parse, repair_headers
from ulm_channels.mail.text import sanitize_html
from ulm_channels.mail.thread import ticket_from_subject
from ulm_channels.models import InboundMail, OutboundMail, UndeliverableAddress
from ulm_channels.status import announce_citizen_reply
from ulm_servicepoint.services import reference_of, set_channel

log = logging.getLogger(__name__)
Outcome = InboundMail.Outcome
CLOSED = (Ticket.CLOSED_STATUS, Ticket.RESOLVED_STATUS, Ticket.DUPLICATE_STATUS)


@dataclass(frozen=True)
class Result:
    outcome: str
    message_id: str
    ticket: int | None = None
    reason: str = ""
    record: int | None = None

    @classmethod
    def of(cls, record: InboundMail) -> Result:
        return cls(record.outcome, record.message_id, record.ticket_id, record.reason, record.pk)


def _header_message_id(raw: bytes) -> str:
    try:
        headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(
            repair_headers(raw)
        )
        ids = message_ids(str(headers.get("Message-ID") or ""))
    except Exception:
        return ""
    return ids[0][:998] if ids else ""


def ingest(raw: bytes, source: str, mailbox=None) -> Result:
    """The whole pipeline for one message; every message gets exactly one outcome."""
    record, result = receive(raw, source, mailbox)
    if record is None:
        assert result is not None  # noqa: S101 - receive returns one of the two
        return result
    return process(record.pk)


@transaction.atomic
def receive(raw: bytes, source: str, mailbox=None) -> tuple[InboundMail | None, Result | None]:
    """Commits the raw bytes before anything else; returns the record to process, or the
    result when there is nothing to do (a copy that was handled already)."""
    content_hash = hashlib.sha256(raw).hexdigest()
    message_id = _header_message_id(raw)
    key = message_id or content_hash
    with connection.cursor() as cursor:  # one receiver per Message-ID at a time
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
    existing = InboundMail.objects.filter(content_hash=content_hash).first()
    if existing is not None:
        if existing.outcome == Outcome.PENDING:
            return existing, None
        reason = _("already received (%(source)s)") % {"source": existing.source}
        return None, Result(Outcome.DUPLICATE, message_id, existing.ticket_id, reason)
    twin = (
        InboundMail.objects.filter(message_id=message_id).exclude(outcome=Outcome.DUPLICATE).first()
        if message_id
        else None
    )
    record = InboundMail.objects.create(
        source=source[:1000],
        mailbox=mailbox,
        message_id=message_id,
        content_hash=content_hash,
        raw=raw,
        size=len(raw),
    )
    if twin is not None:
        record.outcome = Outcome.DUPLICATE
        record.ticket_id = twin.ticket_id
        record.reason = _("same Message-ID as a message received earlier (%(source)s)") % {
            "source": twin.source
        }
        record.processed_at = timezone.now()
        record.save()
        return None, Result.of(record)
    return record, None


def process(record_id: int, force_ticket: bool = False) -> Result:
    """Parses and stores one received message; quarantines it with its error on failure."""
    try:
        with transaction.atomic():
            record = InboundMail.objects.select_for_update().get(pk=record_id)
            if record.outcome != Outcome.PENDING and not force_ticket:
                return Result.of(record)
            _handle(record, force_ticket)
            record.processed_at = timezone.now()
            record.save()
            return Result.of(record)
    except DatabaseError:
        raise  # the system itself fails: stop, the message stays pending for the next run
    except Exception as exc:  # any fault of this one message: keep it aside with its error
        log.warning("mail %s quarantined: %s", record_id, exc)
        with transaction.atomic():
            record = InboundMail.objects.select_for_update().get(pk=record_id)
            record.outcome = Outcome.QUARANTINED
            record.reason = _("could not be processed: %(error)s") % {"error": exc}
            record.error = traceback.format_exc()[-5000:]
            record.attempts += 1
            record.processed_at = timezone.now()
            record.save()
            return Result.of(record)


def _handle(record: InboundMail, force_ticket: bool) -> None:
    record.attempts += 1
    record.error = ""
    try:
        mail = parse(bytes(record.raw))
    except NotAMail as exc:
        _set(record, Outcome.QUARANTINED, str(exc))
        return
    record.subject = mail.subject[:500]
    record.sender = mail.sender[:254]
    kind, why = classify(mail)
    if force_ticket:
        kind = Kind.MESSAGE
    if kind == Kind.SPAM:
        _set(record, Outcome.QUARANTINED, _("spam: %(why)s") % {"why": why})
        return
    if kind == Kind.AUTO_REPLY:
        _set(record, Outcome.IGNORED, _("automatic reply: %(why)s") % {"why": why})
        return
    if kind == Kind.BOUNCE:
        _set(record, Outcome.IGNORED, _record_bounce(mail, why))
        return
    if not mail.sender and not force_ticket:
        _set(record, Outcome.QUARANTINED, _("no sender address"))
        return
    if mail.sender and not plain_address(mail.sender) and not force_ticket:
        # e.g. a quoted local part with markup: never shown to staff, never answered
        _set(record, Outcome.QUARANTINED, _("the sender address contains characters we refuse"))
        return
    ticket = find_ticket(mail)
    if ticket is not None and ticket.status in CLOSED:
        if conf.get("ULM_CHANNELS_MAIL_CLOSED_REPLY") == "new":
            new = _open_ticket(record, mail, follows=ticket)
            _note(ticket, _("The citizen replied by e-mail; new ticket %(ref)s opened.") % {
                "ref": reference_of(new)
            })  # fmt: skip
            _set(record, Outcome.TICKET, _("reply to closed ticket %(ref)s") % {
                "ref": reference_of(ticket)
            }, new)  # fmt: skip
            return
        followup = _add_followup(ticket, mail, reopen=True)
        _set(record, Outcome.FOLLOWUP, _("reply reopened the closed ticket"), ticket, followup)
        return
    if ticket is not None:
        followup = _add_followup(ticket, mail)
        _set(record, Outcome.FOLLOWUP, "", ticket, followup)
        return
    ticket = _open_ticket(record, mail)
    _set(record, Outcome.TICKET, "", ticket)


def _set(record, outcome, reason, ticket=None, followup=None) -> None:
    record.outcome = outcome
    record.reason = reason
    record.ticket = ticket
    record.followup = followup


# --- Threading --------------------------------------------------------------------------------
def find_ticket(mail: ParsedMail) -> Ticket | None:
    """The ticket a reply belongs to: by our and the citizen's earlier Message-IDs, else by the
    ticket reference in the subject (its number; the queue may have changed since)."""
    ids = [*mail.in_reply_to, *reversed(mail.references)]
    if ids:
        sent = (
            OutboundMail.objects.filter(message_id__in=ids, ticket__isnull=False)
            .select_related("ticket")
            .first()
        )
        if sent is not None:
            return sent.ticket
        received = (
            InboundMail.objects.filter(message_id__in=ids, ticket__isnull=False)
            .select_related("ticket")
            .first()
        )
        if received is not None and received.ticket is not None:
            return received.ticket
        hosts = FollowUp.objects.filter(message_id__in=ids).select_related("ticket").first()
        if hosts is not None:
            return hosts.ticket
    return ticket_from_subject(mail.subject)


# --- Storing through the host's models ------------------------------------------------------
def plain_address(address: str) -> str:
    """The address if it is one a citizen may have (no markup, no quoted local part), else ""."""
    from django.core.exceptions import ValidationError

    from ulm_servicepoint.schema_forms import validate_email_address

    try:
        return validate_email_address(address) if address else ""
    except ValidationError:
        return ""


def _description(mail: ParsedMail) -> str:
    text = mail.text if mail.is_forward else mail.new_text
    return text or _("(The e-mail has no text.)")


def _open_ticket(record: InboundMail, mail: ParsedMail, follows: Ticket | None = None) -> Ticket:
    from ulm_servicepoint.services import service_center_queue

    description = _description(mail)
    if follows is not None:
        description = _("Reply to the closed ticket %(ref)s:") % {"ref": reference_of(follows)} + (
            "\n\n" + description
        )
    ticket = Ticket.objects.create(
        title=(mail.title or _("(no subject)"))[:200],
        queue=service_center_queue(),
        submitter_email=plain_address(mail.sender) or None,
        description=description,
        status=Ticket.OPEN_STATUS,
        priority=getattr(settings, "HELPDESK_PUBLIC_TICKET_PRIORITY", 3),
    )
    set_channel(ticket, "email")  # untyped until an agent sorts it in the triage view
    followup = FollowUp.objects.create(
        ticket=ticket,
        title=_("Received by e-mail"),
        comment=description,
        public=True,
        message_id=mail.message_id[:255] or None,
    )
    _attach(followup, mail)
    if conf.get("ULM_CHANNELS_MAIL_SEND_ACKNOWLEDGEMENT") and ticket.submitter_email:
        outbound.acknowledge(ticket, mail)
    transaction.on_commit(lambda: _signal(new_ticket_done, ticket=ticket))
    return ticket


def _add_followup(ticket: Ticket, mail: ParsedMail, reopen: bool = False) -> FollowUp:
    followup = FollowUp(
        ticket=ticket,
        title=(mail.title or _("E-mail from the citizen"))[:200],
        comment=mail.new_text or _("(The e-mail has no text.)"),
        public=True,
        message_id=mail.message_id[:255] or None,
    )
    if reopen:
        followup.new_status = Ticket.REOPENED_STATUS
        ticket.status = Ticket.REOPENED_STATUS
    followup.save()  # saves the ticket too
    _attach(followup, mail)
    announce_citizen_reply(ticket, followup)
    transaction.on_commit(lambda: _signal(update_ticket_done, followup=followup))
    return followup


def _note(ticket: Ticket, text: str) -> None:
    FollowUp.objects.create(ticket=ticket, title=text[:200], comment=text, public=False)


def _attach(followup: FollowUp, mail: ParsedMail) -> None:
    limit = getattr(settings, "HELPDESK_MAX_EMAIL_ATTACHMENT_SIZE", 10 * 1024 * 1024)
    files = [(a.filename, a.content_type, a.data) for a in mail.attachments]
    if mail.html:  # the HTML original, made harmless, stays viewable
        files.append(("original.html", "text/html", sanitize_html(mail.html).encode()))
    if mail.new_text != mail.text.strip():  # the quoted earlier mail, cut from the text
        files.append((_("complete-message.txt"), "text/plain", mail.text.encode()))
    skipped = []
    for name, content_type, data in files:
        if len(data) > limit:
            skipped.append(name)
            continue
        FollowUpAttachment.objects.create(
            followup=followup,
            file=ContentFile(data, name=name),
            filename=name[:1000],
            mime_type=content_type[:255],
            size=len(data),
        )
    if skipped:
        _note(
            followup.ticket,
            _("Attachments too large to store (kept in the received e-mail): %(names)s")
            % {"names": ", ".join(skipped)},
        )


def _signal(signal, **kwargs) -> None:
    """The host's signals, after commit; a failing receiver must not undo the intake."""
    try:
        signal.send(sender="ulm_channels.mail", **kwargs)
    except Exception:
        log.exception("a receiver of %s failed", signal)


# --- Bounces ----------------------------------------------------------------------------------
def _record_bounce(mail: ParsedMail, why: str) -> str:
    report = mail.report
    ids = [report.original_message_id] if report and report.original_message_id else []
    ids += [*mail.in_reply_to, *mail.references]
    sent = OutboundMail.objects.filter(message_id__in=ids).select_related("ticket").first()
    recipients = list(report.recipients) if report else []
    if sent is not None:
        recipients = recipients or list(sent.recipients) or [sent.recipient]
        outbox.mark_bounced(sent, why, recipients, report.status if report else why)
    for address in recipients:
        if "@" in address:
            UndeliverableAddress.objects.update_or_create(
                address=address[:254], defaults={"reason": why, "outbound": sent}
            )
    if sent is not None and sent.ticket is not None:
        return _("bounce of our mail to ticket %(ref)s") % {"ref": sent.ticket.ticket}
    if sent is not None:
        return _("bounce of our mail “%(subject)s”") % {"subject": sent.subject}
    return _("bounce: %(why)s") % {"why": why}


def sender_of_ticket(ticket: Ticket) -> tuple[str, str] | None:
    """The name and address in the "From" of the mail that opened ``ticket`` (None for a
    ticket no mail opened): the triage prefills the citizen from it (ulm_servicepoint's
    ``register_ticket_sender``). Only the stored mail's headers are read."""
    from ulm_channels.mail.parse import _address
    from ulm_channels.mail.text import decode_header_value

    record = (
        InboundMail.objects.filter(ticket=ticket, outcome=Outcome.TICKET)
        .order_by("pk")
        .only("raw")
        .first()
    )
    if record is None:
        return None
    try:
        headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(
            repair_headers(bytes(record.raw))
        )
        name, address = _address(decode_header_value(str(headers.get("From", ""))))
    except Exception:  # an unreadable header: the ticket's own address is still there
        log.warning("sender of ticket %s not read from its mail", ticket.pk, exc_info=True)
        return None
    return name[:200], plain_address(address)
