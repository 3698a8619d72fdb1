"""The outbox: every mail the product sends is recorded here, in the transaction that caused it.

``record(message)`` takes a Django ``EmailMessage`` (from our own code, or from anyone's
``send_mail`` through ``ulm_channels.mail.backend.OutboxBackend``) and stores it as an
``OutboundMail`` row: the envelope (sender, every recipient including cc and bcc) and the
complete message as Django builds it, so that the worker sends exactly these bytes
(``delivery.py``). Nothing here talks to a mail server, and nothing here raises because of a
bad message: such a mail is recorded as failed permanently, with a clear error, and the others
go on.

How another addon mails about a ticket (the documented way; no import of ours needed)::

    EmailMessage(subject, body, to=[address],
                 headers={"X-Ulm-Ticket": str(ticket.pk), "X-Ulm-Kind": "escalation"}).send()

``X-Ulm-Ticket`` links the mail to the ticket (its page lists it; a mail to the ticket's
submitter gets the ticket's thread headers); ``X-Ulm-Kind`` is one of ``OutboundMail.Kind``.
Both are internal and removed before sending. Without them, a mail whose subject carries the
host's ticket reference (``[slug-id]``) is linked to that ticket as a helpdesk notification.
"""

from __future__ import annotations

import copy
import email
import email.policy
import logging
import re
from email.mime.base import MIMEBase
from email.utils import formataddr

import nh3
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.mail.message import EmailAlternative
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.encoding import punycode
from django.utils.translation import gettext as _
from helpdesk.models import FollowUp, Ticket
from procrastinate.contrib.django import app

from ulm_channels import conf
from ulm_channels.mail.thread import (
    new_message_id,
    stable_subject,
    thread_headers,
    ticket_from_subject,
)
from ulm_channels.models import OutboundMail
from ulm_channels.satisfaction import add_rating_links, answers_the_citizen
from ulm_servicepoint.services import tickets_visible_to

log = logging.getLogger(__name__)

TICKET_HEADER = "X-Ulm-Ticket"
KIND_HEADER = "X-Ulm-Kind"
INTERNAL_HEADERS = {TICKET_HEADER.lower(), KIND_HEADER.lower()}
# headers the outbox sets itself: a caller's value is replaced
OWN_HEADERS = {"message-id", "in-reply-to", "references"}
HEADER_NAME = re.compile(r"^[!-9;-~]+$")  # printable ASCII without ":" (RFC 5322 field name)
ANGLE_ADDRESS = re.compile(r"^(?P<name>.*?)\s*<(?P<address>[^<>]*)>$")
Status = OutboundMail.Status


class BadMessage(Exception):
    """A message that can never be sent as it is (the text says why, in German)."""


def one_line(value: object) -> str:
    """Header text with line breaks neutralised: no header can be injected through it."""
    return " ".join(str(value or "").split())


def split_address(value: str) -> tuple[str, str]:
    """``"Name <a@b>"`` → (name, address). Everything before the last angle-address is the
    display name, whatever it contains, so ``"X\\r\\nBcc: evil@x <a@b>"`` cannot add a
    recipient; line breaks become spaces."""
    value = one_line(value)
    match = ANGLE_ADDRESS.match(value)
    if match is None:
        return "", value
    return match["name"].strip().strip('"').strip(), match["address"].strip()


def envelope_address(value: str) -> tuple[str, str]:
    """(display name, the address as it can travel: ASCII, the domain in punycode); raises
    ``BadMessage`` naming the address when it is empty or cannot be encoded."""
    name, address = split_address(value)
    if not address:
        raise BadMessage(_("The recipient address is empty."))
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise BadMessage(_("“%(address)s” is not an e-mail address.") % {"address": address})
    if not local.isascii():
        raise BadMessage(
            _(
                "The address “%(address)s” cannot be encoded: the part before the @ contains "
                "characters mail servers do not accept."
            )
            % {"address": address}
        )
    try:
        spec = f"{local}@{punycode(domain)}"
        validate_email(spec)
    except (UnicodeError, ValueError, ValidationError):
        raise BadMessage(
            _("“%(address)s” is not an e-mail address.") % {"address": address}
        ) from None
    return name, spec


def _size(attachment) -> tuple[str, int]:
    if isinstance(attachment, MIMEBase):
        payload = attachment.get_payload(decode=True)
        return attachment.get_filename() or "", len(payload) if isinstance(payload, bytes) else 0
    filename, content = attachment[0], attachment[1]
    if isinstance(content, str):
        content = content.encode()
    return filename or "", len(content or b"")


def _check_attachments(message: EmailMessage) -> None:
    limit = conf.get("ULM_CHANNELS_OUTBOX_MAX_ATTACHMENT_BYTES")
    too_large = [(name, size) for name, size in map(_size, message.attachments) if size > limit]
    if too_large:
        names = ", ".join(
            f"„{name or _('(no name)')}“ ({filesizeformat(size)})" for name, size in too_large
        )
        raise BadMessage(
            _(
                "The e-mail was not sent: the attachment %(names)s is larger than the "
                "%(limit)s an e-mail may carry. Send the citizen the file another way, or "
                "write again without it."
            )
            % {"names": names, "limit": filesizeformat(limit)}
        )


def sanitise_html_parts(message: EmailMessage) -> None:
    """The HTML version of a mail is cleaned like any untrusted HTML (nh3): no script, no event
    handler, no ``javascript:`` link. django-helpdesk renders its HTML mails with the ticket's
    comment marked safe, unescaped, so a citizen's text would reach staff mail clients as
    markup; mail from our own code is plain text."""
    alternatives = getattr(message, "alternatives", None)
    if not alternatives:
        return
    message.alternatives = [  # type: ignore[attr-defined]
        EmailAlternative(nh3.clean(str(content), url_schemes={"http", "https", "mailto"}), mimetype)
        if mimetype == "text/html"
        else EmailAlternative(content, mimetype)
        for content, mimetype in alternatives
    ]


def _ticket_from_header(value: str) -> Ticket | None:
    value = value.strip()
    return Ticket.objects.filter(pk=int(value)).first() if value.isdigit() else None


def record(message: EmailMessage, *, ticket: Ticket | None = None, kind: str = "") -> OutboundMail:
    """Stores ``message`` in the outbox (in the caller's transaction) and asks the worker to
    send it after the commit. A message that can never be sent is stored as failed
    permanently with the reason (shown on its ticket); this never raises because of the
    message — only a failing database does. The caller's message object is left as it was."""
    message = copy.copy(message)  # _build sets its addresses and headers anew
    headers = dict(message.extra_headers)
    internal = {k.lower(): one_line(v) for k, v in headers.items() if k.lower() in INTERNAL_HEADERS}
    if ticket is None and internal.get(TICKET_HEADER.lower()):
        ticket = _ticket_from_header(internal[TICKET_HEADER.lower()])
    found_by_subject = False
    if ticket is None:
        ticket = ticket_from_subject(one_line(message.subject))
        found_by_subject = ticket is not None
    # the host's "[queue-slug-id]" changes with the queue: mails carry the stable reference
    message.subject = stable_subject(one_line(message.subject), ticket)
    kind = kind or internal.get(KIND_HEADER.lower(), "")
    if kind not in OutboundMail.Kind.values:
        kind = OutboundMail.Kind.NOTIFICATION if found_by_subject else OutboundMail.Kind.OTHER
    # the first answer to the citizen (ours, ulm_routing's, the host's resolving reply) ends
    # with the links of the satisfaction rating
    asks_rating = bool(
        ticket is not None
        and answers_the_citizen(ticket, kind, found_by_subject)
        and add_rating_links(message, ticket)
    )
    given_reply_to = one_line(
        next((v for k, v in headers.items() if k.lower() == "in-reply-to"), "")
    )
    automatic = any(
        k.lower() == "auto-submitted" and one_line(v).lower() != "no" for k, v in headers.items()
    )
    mail = OutboundMail(
        ticket=ticket,
        kind=kind,
        automatic=automatic,
        asks_rating=asks_rating,
        message_id=new_message_id(),
        subject=one_line(message.subject)[:500],
        body=message.body if isinstance(message.body, str) else "",
        next_attempt_at=timezone.now(),
    )
    # as given, for the list when the message cannot be built; _build sets the real envelope
    mail.recipients = [one_line(r)[:998] for r in message.recipients()][:100]
    mail.recipient = mail.recipients[0] if mail.recipients else ""
    try:
        with translation.override("de"):
            _build(message, mail, headers, given_reply_to)
    except DatabaseError:
        raise
    except Exception as exc:  # BadMessage, or anything Django refuses to build
        mail.status = Status.FAILED_PERMANENTLY
        mail.next_attempt_at = None
        mail.last_error = str(exc)[:2000] or type(exc).__name__
        if not isinstance(exc, BadMessage):
            log.warning("outbox: message %r cannot be built: %s", mail.subject, exc)
        mail.save()
        _note_permanent_failure(mail)
        return mail
    mail.save()
    transaction.on_commit(lambda: request_delivery(mail.pk))
    return mail


def _build(message: EmailMessage, mail: OutboundMail, headers: dict, given_reply_to: str) -> None:
    """Validates and neutralises the message, adds the thread headers, and keeps the bytes."""
    from_name, sender = envelope_address(message.from_email or "")
    recipients: list[str] = []
    for field in ("to", "cc", "bcc"):
        formatted = []
        for value in getattr(message, field):
            name, address = envelope_address(value)
            formatted.append(formataddr((name, address)))
            recipients.append(address)
        setattr(message, field, formatted)
    message.reply_to = [formataddr(envelope_address(v)) for v in message.reply_to]
    if not recipients:
        raise BadMessage(_("The e-mail has no recipient address."))
    _check_attachments(message)
    sanitise_html_parts(message)
    message.from_email = formataddr((from_name, sender))
    message.subject = one_line(message.subject)
    clean = {
        one_line(k): one_line(v)
        for k, v in headers.items()
        if k.lower() not in INTERNAL_HEADERS | OWN_HEADERS and HEADER_NAME.match(one_line(k))
    }
    clean["Message-ID"] = mail.message_id
    ticket = mail.ticket
    submitter = (ticket.submitter_email or "").strip().lower() if ticket else ""
    mail.to_citizen = bool(submitter) and submitter in {r.lower() for r in recipients}
    if mail.to_citizen and ticket is not None:
        in_reply_to, references = thread_headers(ticket)
        if given_reply_to and given_reply_to not in references:
            references.append(given_reply_to)
        mail.in_reply_to = given_reply_to or in_reply_to
        mail.references = " ".join(references)
        if mail.in_reply_to:
            clean["In-Reply-To"] = mail.in_reply_to
        if mail.references:
            clean["References"] = mail.references
    message.extra_headers = clean
    mail.sender = sender
    mail.recipients = list(dict.fromkeys(recipients))
    mail.recipient = mail.recipients[0][:998]
    mail.raw = message.message().as_bytes(linesep="\r\n")  # type: ignore[call-arg]  # Django's


def request_delivery(outbound_id: int, at=None) -> None:
    """Asks the worker to send one mail (now, or at ``at``). When the queue cannot be reached,
    the worker's periodic sweep sends it all the same. The job is named, not imported: jobs
    call into the mail modules, never the other way round."""
    try:
        options = {"schedule_at": at} if at else {}
        job = app.configure_task("ulm_channels.send_outbound_mail", allow_unknown=False, **options)
        job.defer(outbound_id=outbound_id)
    except Exception:
        log.exception("outbox: could not enqueue mail %s; the sweep sends it", outbound_id)


# --- States a person sees ------------------------------------------------------------------
def _note(ticket: Ticket | None, text: str) -> None:
    if ticket is not None:
        FollowUp.objects.create(ticket=ticket, title=text[:200], comment=text, public=False)


def _note_permanent_failure(mail: OutboundMail) -> None:
    with translation.override("de"):
        text = _(
            "The e-mail “%(subject)s” to %(address)s could not be delivered and will not be "
            "tried again: %(error)s"
        ) % {
            "subject": mail.subject,
            "address": ", ".join(mail.recipients) or mail.recipient or _("(no address)"),
            "error": mail.last_error,
        }
    _note(mail.ticket, text)


def fail_permanently(mail: OutboundMail, error: str) -> None:
    """No more attempts: the mail shows as failed in the list and as a note on its ticket."""
    mail.status = Status.FAILED_PERMANENTLY
    mail.next_attempt_at = None
    mail.last_error = error[:2000]
    mail.save()
    _note_permanent_failure(mail)


def mark_bounced(mail: OutboundMail, why: str, addresses: list[str], status: str) -> None:
    """A bounce names the mail: no more attempts, and a note on its ticket."""
    mail.status = Status.BOUNCED
    mail.next_attempt_at = None
    mail.last_error = why[:2000]
    mail.save()
    with translation.override("de"):
        _note(
            mail.ticket,
            _("The e-mail to %(address)s could not be delivered (%(status)s).")
            % {"address": ", ".join(addresses), "status": status},
        )


def send_again(mail: OutboundMail) -> bool:
    """Staff: a mail that failed (or bounced) is queued once more; a sent one is not (it would
    reach the citizen twice). True when queued."""
    with transaction.atomic():
        mail = OutboundMail.objects.select_for_update().get(pk=mail.pk)
        if mail.status == Status.SENT or not mail.raw:
            return False
        mail.status = Status.QUEUED
        mail.next_attempt_at = timezone.now()
        mail.save()
        transaction.on_commit(lambda: request_delivery(mail.pk))
    return True


def outbound_message(mail):
    """A recorded mail's message as it is sent (headers and parts), for reading; None when it
    was never built or has been erased."""
    if not mail.raw:
        return None
    return email.message_from_bytes(bytes(mail.raw), policy=email.policy.default)


def ticket_mails(ticket: Ticket, user, limit: int = 50):
    """The mails about ``ticket`` for its page, newest first (at most ``limit``); None for a
    user who may not see the ticket (``ulm_servicepoint.services.tickets_visible_to``)."""
    if user is None or not tickets_visible_to(user).filter(pk=ticket.pk).exists():
        return None
    return list(
        OutboundMail.objects.filter(ticket=ticket)
        .defer("raw", "body")
        .order_by("-created_at", "-id")[:limit]
    )
