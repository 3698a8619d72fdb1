"""Mail to citizens: acknowledgements, interim notices and answers, in German, via SMTP.

Each mail is an ``OutboundMail`` row written in the transaction that caused it, with its own
Message-ID, ``In-Reply-To`` and ``References`` (the citizen's reply threads back by them);
automatic mails carry ``Auto-Submitted: auto-replied`` (RFC 3834). The worker sends it after
the commit (a job per mail, and a periodic sweep that retries failures); a failure is recorded
on the row and, the first time, as an internal note on the ticket.
"""

from __future__ import annotations

import logging
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from helpdesk.models import FollowUp, Ticket

from ulm_channels import conf
from ulm_channels.mail.parse import ParsedMail
from ulm_channels.models import InboundMail, OutboundMail, UndeliverableAddress

log = logging.getLogger(__name__)


def _domain() -> str:
    configured = conf.get("ULM_CHANNELS_MAIL_DOMAIN")
    if configured:
        return configured
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def new_message_id() -> str:
    return make_msgid(idstring="ulm", domain=_domain())


def _thread(ticket: Ticket) -> tuple[str, list[str]]:
    """In-Reply-To and References for a new mail on ``ticket``: every Message-ID so far."""
    received = list(
        InboundMail.objects.filter(ticket=ticket)
        .exclude(message_id="")
        .order_by("created_at", "id")
        .values_list("message_id", flat=True)
    )
    sent = list(
        OutboundMail.objects.filter(ticket=ticket)
        .order_by("created_at", "id")
        .values_list("message_id", flat=True)
    )
    references = list(dict.fromkeys([*received, *sent]))
    in_reply_to = received[-1] if received else (sent[-1] if sent else "")
    return in_reply_to, references[-20:]


def queue_mail(
    ticket: Ticket, kind: str, subject: str, body: str, automatic: bool, in_reply_to: str = ""
) -> OutboundMail | None:
    """Records a mail to the ticket's submitter; the worker sends it after the commit."""
    recipient = (ticket.submitter_email or "").strip().lower()
    if not recipient:
        return None
    if automatic and UndeliverableAddress.objects.filter(address=recipient).exists():
        return None  # a bounce said it cannot be delivered: no automatic mail to it
    previous_reply_to, references = _thread(ticket)
    if in_reply_to and in_reply_to not in references:
        references.append(in_reply_to)
    mail = OutboundMail.objects.create(
        ticket=ticket,
        kind=kind,
        automatic=automatic,
        message_id=new_message_id(),
        in_reply_to=in_reply_to or previous_reply_to,
        references=" ".join(references),
        recipient=recipient,
        subject=subject[:500],
        body=body,
    )
    transaction.on_commit(lambda: _defer(mail.pk))
    return mail


def _defer(outbound_id: int) -> None:
    from ulm_channels.jobs import send_outbound_mail

    try:
        send_outbound_mail.defer(outbound_id=outbound_id)
    except Exception:  # the periodic sweep sends it
        log.exception("could not enqueue outbound mail %s", outbound_id)


def acknowledge(ticket: Ticket, mail: ParsedMail) -> OutboundMail | None:
    """The automatic acknowledgement of a new ticket received by e-mail."""
    with translation.override("de"):
        subject = _("%(ref)s Your request has been received: %(title)s") % {
            "ref": ticket.ticket,
            "title": ticket.title,
        }
        body = _(
            "Good day,\n\nthank you for your message. We have received your request and filed "
            "it under the reference number %(ref)s. Please keep this number in the subject "
            "when you reply.\n\nYour subject: %(title)s\n\nThis is an automatic reply.\n\n"
            "Kind regards\n%(city)s"
        ) % {
            "ref": ticket.ticket,
            "title": ticket.title,
            "city": getattr(settings, "ULM_SERVICEPOINT_CITY_NAME", ""),
        }
    return queue_mail(
        ticket,
        OutboundMail.Kind.ACKNOWLEDGEMENT,
        subject,
        body,
        automatic=True,
        in_reply_to=mail.message_id,
    )


def interim_notice(ticket: Ticket, department: str) -> OutboundMail | None:
    """The automatic interim notice: the request went to a department."""
    with translation.override("de"):
        subject = _("%(ref)s Your request has been forwarded: %(title)s") % {
            "ref": ticket.ticket,
            "title": ticket.title,
        }
        body = _(
            "Good day,\n\nyour request %(ref)s has been forwarded to the responsible "
            "department (%(department)s). You will hear from us.\n\nThis is an automatic "
            "message.\n\nKind regards\n%(city)s"
        ) % {
            "ref": ticket.ticket,
            "department": department,
            "city": getattr(settings, "ULM_SERVICEPOINT_CITY_NAME", ""),
        }
    return queue_mail(ticket, OutboundMail.Kind.INTERIM, subject, body, automatic=True)


def answer(ticket: Ticket, text: str) -> OutboundMail | None:
    """An agent's answer to the citizen (not automatic: no Auto-Submitted header)."""
    with translation.override("de"):
        subject = _("%(ref)s Answer to your request: %(title)s") % {
            "ref": ticket.ticket,
            "title": ticket.title,
        }
    return queue_mail(ticket, OutboundMail.Kind.ANSWER, subject, text, automatic=False)


def deliver(outbound_id: int) -> bool:
    """Sends one mail via SMTP; True when sent (or sent before). Raises on failure, after
    recording it, so that the worker retries."""
    with transaction.atomic():
        mail = (
            OutboundMail.objects.select_for_update(skip_locked=True)
            .filter(pk=outbound_id)
            .select_related("ticket")
            .first()
        )
        if mail is None:
            return False  # another worker is sending it right now
        if mail.status in (OutboundMail.Status.SENT, OutboundMail.Status.BOUNCED):
            return True
        headers = {"Message-ID": mail.message_id}
        if mail.in_reply_to:
            headers["In-Reply-To"] = mail.in_reply_to
        if mail.references:
            headers["References"] = mail.references
        if mail.automatic:
            headers["Auto-Submitted"] = "auto-replied"
            headers["X-Auto-Response-Suppress"] = "All"
        message = EmailMessage(
            subject=mail.subject,
            body=mail.body,
            from_email=mail.ticket.queue.from_address or settings.DEFAULT_FROM_EMAIL,
            to=[mail.recipient],
            headers=headers,
        )
        try:
            message.send()
        except Exception as exc:
            first_failure = mail.attempts == 0 or mail.status != OutboundMail.Status.FAILED
            mail.attempts += 1
            mail.status = OutboundMail.Status.FAILED
            mail.last_error = str(exc)[:2000] or type(exc).__name__
            mail.save()
            if first_failure:
                with translation.override("de"):
                    text = _(
                        "The e-mail “%(subject)s” to %(address)s could not be sent yet "
                        "(%(error)s). It will be retried automatically."
                    ) % {"subject": mail.subject, "address": mail.recipient, "error": exc}
                FollowUp.objects.create(
                    ticket=mail.ticket, title=text[:200], comment=text, public=False
                )
            failure = exc
        else:
            mail.attempts += 1
            mail.status = OutboundMail.Status.SENT
            mail.sent_at = timezone.now()
            mail.last_error = ""
            mail.save()
            return True
    raise SendFailed(str(failure)) from failure


class SendFailed(Exception):
    """SMTP refused or could not be reached; the worker retries."""


def pending_ids(limit: int = 100) -> list[int]:
    return list(
        OutboundMail.objects.filter(
            status__in=[OutboundMail.Status.PENDING, OutboundMail.Status.FAILED], attempts__lt=20
        )
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
