"""Verbs of ulm_channels: what arrives through a channel becomes a ticket in the service center.

The web form hands its cleaned values to ``submit_web_request``. The ticket itself is written by
the host's own ``PublicTicketForm`` (ticket, first follow-up, the German acknowledgement from the
host's mail templates, the ``new_ticket_done`` signal), so that we do not duplicate the host's
logic; the queue is the service center's, fixed by ``HELPDESK_PUBLIC_TICKET_QUEUE``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from helpdesk.forms import PublicTicketForm
from helpdesk.models import Ticket


class IntakeError(Exception):
    """The host refused a request our own validation accepted (a bug, never the citizen's fault)."""


@dataclass(frozen=True)
class WebRequest:
    subject: str
    message: str
    email: str
    name: str = ""


@transaction.atomic
def submit_web_request(request: WebRequest) -> Ticket:
    body = request.message
    if request.name:
        body = f"{body}\n\n— {request.name}"
    form = PublicTicketForm(
        data={"title": request.subject, "body": body, "submitter_email": request.email}
    )
    if not form.is_valid():
        raise IntakeError(form.errors.as_json())
    return form.save(user=None)


def status_url(ticket: Ticket) -> str:
    """The citizen's private link to their request (ticket number, e-mail and secret key)."""
    return ticket.ticket_url
