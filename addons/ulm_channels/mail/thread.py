"""A ticket's mail thread: our Message-IDs, the thread headers of a new mail, and the ticket a
subject's reference names. One implementation for the outbox (sending) and the intake
(receiving)."""

from __future__ import annotations

import re
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.db.models import Exists
from helpdesk.models import Queue, Ticket

from ulm_channels import conf
from ulm_servicepoint.services import reference_of, references_in, ticket_for_reference

# the host writes "[queue-slug-id]" into its subjects (HELPDESK_EMAIL_SUBJECT_TEMPLATE)
TICKET_REFERENCE = re.compile(r"\[([a-z0-9][a-z0-9_-]*)-(\d+)\]", re.IGNORECASE)


def _domain() -> str:
    configured = conf.get("ULM_CHANNELS_MAIL_DOMAIN")
    if configured:
        return configured
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def new_message_id() -> str:
    return make_msgid(idstring="ulm", domain=_domain())


def ticket_from_subject(subject: str) -> Ticket | None:
    """The ticket a subject's reference names: the stable reference (``SC-2026-000123``,
    ulm_servicepoint's), else the host's ``[slug-number]`` by its number (the queue may have
    changed since; mail sent before the stable reference carries it); None when there is none.
    The one place that reads a reference in a subject."""
    for reference in references_in(subject or ""):
        found = ticket_for_reference(reference)
        if found is not None:
            return found
    for slug, number in TICKET_REFERENCE.findall(subject or ""):
        ticket = (
            Ticket.objects.filter(pk=int(number))
            .filter(Exists(Queue.objects.filter(slug__iexact=slug)))
            .first()
        )
        if ticket is not None:
            return ticket
    return None


def stable_subject(subject: str, ticket: Ticket | None) -> str:
    """The subject with the host's reference of ``ticket`` (``[queue-slug-id]``, which changes
    with the queue) replaced by the ticket's stable reference. The one place that rewrites a
    host subject: the outbox calls it for every mail it records."""
    if ticket is None or not subject:
        return subject

    def replace(match: re.Match) -> str:
        if int(match[2]) != ticket.pk or references_in(match[0]):
            return match[0]  # another ticket's, or a stable reference already
        return f"[{reference_of(ticket)}]"

    return TICKET_REFERENCE.sub(replace, subject)


def thread_headers(ticket: Ticket, keep: int = 20) -> tuple[str, list[str]]:
    """In-Reply-To and References for a new mail to the citizen about ``ticket``: the
    citizen's mails and ours to them so far, the last ``keep`` (the citizen's last mail is
    replied to, else our last one)."""
    from ulm_channels.models import InboundMail, OutboundMail

    received = InboundMail.objects.filter(ticket=ticket).exclude(message_id="")
    sent = OutboundMail.objects.filter(ticket=ticket, to_citizen=True)
    received_ids = _last(received, keep)
    sent_ids = _last(sent, keep)
    references = list(dict.fromkeys([*received_ids, *sent_ids]))
    in_reply_to = received_ids[-1] if received_ids else (sent_ids[-1] if sent_ids else "")
    return in_reply_to, references[-keep:]


def _last(queryset, count: int) -> list[str]:
    """The last ``count`` Message-IDs of ``queryset``, oldest first."""
    newest = queryset.order_by("-created_at", "-id").values_list("message_id", flat=True)
    return list(reversed(newest[:count]))
