"""Retention: closed requests lose their personal data after the period the forms state.

Citizens are told on every form that their details are deleted a number of months after their
request is closed (``ULM_CHANNELS_RETENTION_MONTHS``, DSGVO Art. 13 and 17). This module keeps
that promise. A ticket that is closed, resolved or a duplicate and has not changed for that long
is anonymised, never deleted: the helpdesk ticket keeps its queue, status, priority and dates,
its case record keeps type, channel, level and KPI timestamps (the anonymous statistics); title,
description, resolution, the submitter's address, every follow-up's text, attachments (files
included), change history and CCs, the case record's values and its link to the citizen go.
Citizens who are left without any request are deleted. Other addons erase what they hold about
the ticket on the ``ticket_anonymised`` signal.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from helpdesk.models import FollowUp, FollowUpAttachment, Ticket, TicketCC, TicketChange

from ulm_servicepoint import conf
from ulm_servicepoint.case_index import refresh_cases
from ulm_servicepoint.models import CaseRecord, Citizen
from ulm_servicepoint.models.retention import AnonymisedTicket
from ulm_servicepoint.reference import reference_of

logger = logging.getLogger(__name__)

# sent inside the anonymising transaction, with ``ticket_id``: erase what you keep about it
ticket_anonymised = Signal()

ENDED = (Ticket.CLOSED_STATUS, Ticket.RESOLVED_STATUS, Ticket.DUPLICATE_STATUS)


def retention_months() -> int:
    """The months after closing that the forms promise (the setting's one reader)."""
    return int(conf.get("ULM_CHANNELS_RETENTION_MONTHS"))


def cutoff(now: datetime | None = None) -> datetime:
    """Tickets unchanged since before this moment are due (a month counted as 30 days)."""
    return (now or timezone.now()) - timedelta(days=30 * retention_months())


def due_tickets(now: datetime | None = None):
    return (
        Ticket.objects.filter(status__in=ENDED, modified__lt=cutoff(now))
        .filter(anonymised__isnull=True)
        .order_by("pk")
    )


def erasure_obstacles(ticket: Ticket) -> list[str]:
    """Why the personal data of ``ticket`` may not be erased on the citizen's request now
    (DSGVO Art. 17 (3)), in German sentences; empty when nothing stands in the way."""
    reasons = []
    if ticket.status not in ENDED:
        with translation.override(settings.LANGUAGE_CODE):
            reasons.append(
                _("Request %(reference)s is still open.") % {"reference": reference_of(ticket)}
            )
    return reasons


@dataclass
class RetentionResult:
    tickets: int = 0
    citizens: int = 0


@transaction.atomic
def anonymise_ticket(ticket: Ticket) -> None:
    """Erases the personal data of one ended ticket (see module docstring); all or nothing."""
    case = CaseRecord.objects.filter(ticket=ticket).select_related("request_type").first()
    with translation.override(settings.LANGUAGE_CODE):
        title = case.request_type.name if case and case.request_type else _("Request")
        title = _("%(title)s (anonymised)") % {"title": title}
    for attachment in FollowUpAttachment.objects.filter(followup__ticket=ticket):
        attachment.file.delete(save=False)
        attachment.delete()
    FollowUp.objects.filter(ticket=ticket).update(
        title="", comment="", email_recipients=None, message_id=None
    )
    TicketChange.objects.filter(followup__ticket=ticket).delete()
    TicketCC.objects.filter(ticket=ticket).delete()
    Ticket.objects.filter(pk=ticket.pk).update(
        title=title,
        description="",
        resolution="",
        submitter_email=None,
        secret_key=str(uuid.uuid4()),  # every link the citizen had stops working
    )
    if case is not None:
        CaseRecord.objects.filter(pk=case.pk).update(values={}, citizen=None)
    refresh_cases([ticket.pk])  # the search words must forget the citizen too
    AnonymisedTicket.objects.create(ticket=ticket)
    ticket_anonymised.send(sender=AnonymisedTicket, ticket_id=ticket.pk)


def apply_retention(now: datetime | None = None, limit: int | None = None) -> RetentionResult:
    """Anonymises every due ticket (each in its own transaction: one failure stops nothing
    else), then deletes citizens left without any request who are older than the period."""
    result = RetentionResult()
    for ticket in due_tickets(now)[:limit]:
        try:
            anonymise_ticket(ticket)
        except Exception:
            logger.exception("ticket %s could not be anonymised; tried again next time", ticket.pk)
            continue
        result.tickets += 1
    orphans = Citizen.objects.filter(created_at__lt=cutoff(now)).filter(
        ~Q(pk__in=CaseRecord.objects.filter(citizen__isnull=False).values("citizen"))
    )
    result.citizens = orphans.delete()[0]
    return result
