"""A ticket's mail thread: our Message-IDs, the thread headers of a new mail, and the ticket a
subject's reference names. One implementation for the outbox (sending) and the intake
(receiving)."""

from __future__ import annotations

import re
from email.utils import make_msgid, parseaddr

from django.conf import settings
from helpdesk.models import Queue, Ticket

from ulm_channels import conf

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
    """The ticket a subject's reference ``[slug-number]`` names, by its number (the queue may
    have changed since); None when there is none. The one place that reads the reference."""
    for slug, number in TICKET_REFERENCE.findall(subject or ""):
        ticket = Ticket.objects.filter(pk=int(number)).first()
        if ticket is not None and Queue.objects.filter(slug__iexact=slug).exists():
            return ticket
    return None


def thread_headers(ticket: Ticket) -> tuple[str, list[str]]:
    """In-Reply-To and References for a new mail to the citizen about ``ticket``: the
    citizen's mails and ours to them so far (the citizen's last mail is replied to, else our
    last one)."""
    from ulm_channels.models import InboundMail, OutboundMail

    received = list(
        InboundMail.objects.filter(ticket=ticket)
        .exclude(message_id="")
        .order_by("created_at", "id")
        .values_list("message_id", flat=True)
    )
    sent = list(
        OutboundMail.objects.filter(ticket=ticket, to_citizen=True)
        .order_by("created_at", "id")
        .values_list("message_id", flat=True)
    )
    references = list(dict.fromkeys([*received, *sent]))
    in_reply_to = received[-1] if received else (sent[-1] if sent else "")
    return in_reply_to, references[-20:]
