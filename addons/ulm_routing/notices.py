"""Mail about handoffs and callbacks, in German, through Django's mail API with the ticket
header: the project's backend (ulm_channels' outbox) records it in the transaction of the
change, threads it to the ticket and sends it after the commit. No import of ulm_channels.

To the citizen: the interim notice when a request is forwarded, the answer, a department's
question. To staff: what happened to a handoff the agent owns, escalation reminders."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _
from helpdesk.models import Ticket

from ulm_servicepoint.services import MAIL_KIND_HEADER, MAIL_TICKET_HEADER, reference_of


def _city() -> str:
    return getattr(settings, "ULM_SERVICEPOINT_CITY_NAME", "")


def _send(
    ticket: Ticket | None,
    to: Iterable[str],
    kind: str,
    subject: str,
    body: str,
    automatic: bool = False,
) -> int:
    recipients = sorted({a.strip().lower() for a in to if a and a.strip()})
    if not recipients:
        return 0
    headers = {MAIL_KIND_HEADER: kind}
    if ticket is not None:
        headers[MAIL_TICKET_HEADER] = str(ticket.pk)
    if automatic:
        headers["Auto-Submitted"] = "auto-generated"
        headers["X-Auto-Response-Suppress"] = "All"
    from_address = (ticket.queue.from_address if ticket is not None else "") or ""
    EmailMessage(
        subject=subject,
        body=body,
        from_email=from_address or settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        headers=headers,
    ).send()
    return len(recipients)


def _citizen(ticket: Ticket) -> list[str]:
    return [ticket.submitter_email] if ticket.submitter_email else []


def interim_notice(ticket: Ticket, department_title: str) -> int:
    """ "Your request has been forwarded" (automatic)."""
    with translation.override("de"):
        ref = reference_of(ticket)
        subject = _("[%(ref)s] Your request has been forwarded: %(title)s") % {
            "ref": ref,
            "title": ticket.title,
        }
        body = _(
            "Good day,\n\nyour request %(ref)s has been forwarded to the responsible "
            "department (%(department)s). You will hear from us; please keep the reference "
            "number in the subject when you reply.\n\nThis is an automatic message.\n\n"
            "Kind regards\n%(city)s"
        ) % {"ref": ref, "department": department_title, "city": _city()}
    return _send(ticket, _citizen(ticket), "interim", subject, body, automatic=True)


def answer(ticket: Ticket, text: str) -> int:
    """The department's (or the service center's) answer to the citizen."""
    with translation.override("de"):
        ref = reference_of(ticket)
        subject = _("[%(ref)s] Answer to your request: %(title)s") % {
            "ref": ref,
            "title": ticket.title,
        }
        body = _("Good day,\n\n%(text)s\n\nKind regards\n%(city)s") % {
            "text": text.strip(),
            "city": _city(),
        }
    return _send(ticket, _citizen(ticket), "answer", subject, body)


def question(ticket: Ticket, text: str) -> int:
    """A department's question to the citizen; the reply reaches the handoff."""
    with translation.override("de"):
        ref = reference_of(ticket)
        subject = _("[%(ref)s] Question about your request: %(title)s") % {
            "ref": ref,
            "title": ticket.title,
        }
        body = _(
            "Good day,\n\nto answer your request %(ref)s we need more information:\n\n"
            "%(text)s\n\nPlease reply to this e-mail (keep the reference number in the "
            "subject).\n\nKind regards\n%(city)s"
        ) % {"ref": ref, "text": text.strip(), "city": _city()}
    return _send(ticket, _citizen(ticket), "other", subject, body)


def to_staff(
    ticket: Ticket | None, addresses: Iterable[str], subject: str, body: str, kind: str
) -> int:
    """A notice to staff (the owner, a clerk, heads, the lead)."""
    return _send(ticket, addresses, kind, subject, body, automatic=True)
