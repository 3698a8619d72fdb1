"""The citizen's side of a request once it is filed: the confirmation mail with the private link
(``CitizenLink``), the status page behind that link (public history, attachments, the citizen's
own messages), and the ``citizen_replied`` announcement for other addons (also sent by the mail
intake for a reply by e-mail).
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from helpdesk.lib import process_attachments
from helpdesk.models import FollowUp, FollowUpAttachment, Ticket

from ulm_channels.mail import outbound
from ulm_channels.models import CitizenLink, OutboundMail
from ulm_servicepoint.services import citizen_replied, reference_of

logger = logging.getLogger(__name__)


def citizen_link(ticket: Ticket) -> CitizenLink:
    link, _created = CitizenLink.objects.get_or_create(ticket=ticket)
    return link


def status_url(ticket: Ticket) -> str:
    """The citizen's private link to their request on our status page (absolute, for mails)."""
    path = reverse("ulm_channels:status", args=[citizen_link(ticket).token])
    return settings.SITE_URL.rstrip("/") + path


def link_for_token(token: uuid.UUID | str) -> CitizenLink | None:
    """The one place that says which ticket a citizen's private link opens (or None)."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    return CitizenLink.objects.select_related("ticket", "ticket__queue").filter(token=token).first()


def status_path_for_host_link(ticket_ref: str, email: str, key: str) -> str | None:
    """Our status page for the host's public link (``ticket``, ``email``, ``key``), which the
    host's own mails carry (e.g. on an agent's reply); None unless all three fit a web ticket."""
    if not (ticket_ref and email and key):
        return None
    try:
        _queue, ticket_id = Ticket.queue_and_id_from_query(ticket_ref)
        ticket_id = int(ticket_id)
    except (ValueError, TypeError):
        return None
    link = CitizenLink.objects.filter(
        ticket_id=ticket_id,
        ticket__submitter_email__iexact=email,
        ticket__secret_key__iexact=key,
    ).first()
    return reverse("ulm_channels:status", args=[link.token]) if link else None


def public_followups(ticket: Ticket) -> QuerySet[FollowUp]:
    """What the citizen sees of the ticket's history: public follow-ups only, oldest first."""
    return (
        FollowUp.objects.filter(ticket=ticket, public=True)
        .select_related("user")
        .prefetch_related("followupattachment_set")
        .order_by("date", "pk")
    )


def citizen_attachment(token: uuid.UUID | str, attachment_id: int) -> FollowUpAttachment | None:
    """An attachment the citizen's private link may download: of a public follow-up of the
    link's own ticket. Everything else does not exist for them."""
    link = link_for_token(token)
    if link is None:
        return None
    return FollowUpAttachment.objects.filter(
        pk=attachment_id, followup__ticket=link.ticket, followup__public=True
    ).first()


@transaction.atomic
def add_citizen_message(
    link: CitizenLink, message: str, attachment: UploadedFile | None = None
) -> FollowUp:
    """The citizen adds a message or a file on the status page: a public follow-up; a resolved
    or closed request is reopened so that the service center sees it again."""
    ticket = Ticket.objects.select_for_update().get(pk=link.ticket_id)
    reopen = ticket.status in (Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS)
    followup = FollowUp.objects.create(
        ticket=ticket,
        title=_("Message from the citizen"),
        comment=message,
        public=True,
        user=None,
        new_status=Ticket.REOPENED_STATUS if reopen else None,
    )
    if attachment:
        process_attachments(followup, [attachment])
    if reopen:
        ticket.status = Ticket.REOPENED_STATUS
        ticket.save(update_fields=["status", "modified"])
    announce_citizen_reply(ticket, followup)
    return followup


def announce_citizen_reply(ticket: Ticket, followup: FollowUp) -> None:
    """Tells other addons (ulm_routing: a handoff waiting for the citizen) that the citizen
    replied, in the transaction that stores the reply; a failing receiver is logged, never
    stops the reply."""
    for receiver, result in citizen_replied.send_robust(
        sender="ulm_channels", ticket=ticket, followup=followup
    ):
        if isinstance(result, Exception):
            logger.error("citizen_replied receiver %r failed", receiver, exc_info=result)


def send_confirmation(ticket: Ticket):
    """The citizen's German confirmation with the reference and the private status link,
    recorded in the outbox with the request (the worker sends it after the commit; a mail
    server that is down delays it, never loses it). None when there is no address to send to
    (then the confirmation page says how the answer comes)."""
    with translation.override("de"):
        ref = reference_of(ticket)
        context = {"ticket": ticket, "reference": ref, "status_url": status_url(ticket)}
        subject = _("[%(reference)s] Your request: %(title)s") % {
            "reference": ref,
            "title": ticket.title,
        }
        body = render_to_string("ulm_channels/email/confirmation.txt", context)
    return outbound.queue_mail(
        ticket, OutboundMail.Kind.CONFIRMATION, subject, body, automatic=outbound.AUTO_GENERATED
    )


def confirmation_mail(ticket: Ticket):
    """The confirmation mail of a web request (its state for the confirmation page), or None
    when none was recorded (no address, or one a bounce reported undeliverable)."""
    return (
        OutboundMail.objects.filter(ticket=ticket, kind=OutboundMail.Kind.CONFIRMATION)
        .order_by("created_at", "id")
        .first()
    )
