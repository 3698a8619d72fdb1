"""Every ticket has a case record, and every case record knows what the work list filters and
searches on.

``open_case`` gives a ticket made outside our capture (the mail gateway, the host's forms and
API) an untyped case record the moment it is created: it waits in the triage view for a
request type. ``refresh_cases`` copies the ticket's department, owner and state onto the case
and writes its search words — reference, citizen's name and e-mail, the address answered,
the typed values (a vehicle plate, a file reference) as they are, title and text as German
words — in one UPDATE per call. The receivers call it whenever a ticket, a case, a citizen
or a reference is saved; code that changes those rows with a queryset ``update`` calls it
itself (retention does)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.utils import timezone
from helpdesk.models import Ticket

from ulm_servicepoint import conf
from ulm_servicepoint.models import CaseRecord
from ulm_servicepoint.models.case import Channel, Level
from ulm_servicepoint.reference import assign as assign_reference

# the ticket's text is searched as far as this (a pasted document need not be indexed whole)
TEXT_INDEXED = 20_000

REFRESH = """
UPDATE ulm_servicepoint_caserecord c SET
    department_id = t.queue_id,
    owner_id = t.assigned_to_id,
    is_open = t.status = ANY(%(open)s),
    search = setweight(to_tsvector('simple', concat_ws(' ',
            (SELECT r.reference FROM ulm_servicepoint_ticketreference r
              WHERE r.ticket_id = t.id),
            (SELECT concat_ws(' ', z.name, z.email) FROM ulm_servicepoint_citizen z
              WHERE z.id = c.citizen_id),
            t.submitter_email,
            (SELECT string_agg(e.value, ' ') FROM jsonb_each_text(
                CASE WHEN jsonb_typeof(c.values) = 'object' THEN c.values ELSE '{}' END) e)
        )), 'A')
        || setweight(to_tsvector('german', concat_ws(' ', t.title,
            left(t.description, %(text)s))), 'B')
FROM helpdesk_ticket t
WHERE t.id = c.ticket_id AND c.ticket_id = ANY(%(ids)s)
"""


def refresh_params(ids: list[int]) -> dict:
    return {
        "open": list(Ticket.OPEN_STATUSES),
        "ids": ids,
        "text": TEXT_INDEXED,
    }


def refresh_cases(ticket_ids: Iterable[int]) -> int:
    """Brings the case records of ``ticket_ids`` in step with their tickets (see the module);
    returns how many it updated. (The level follows a move through ulm_routing.)"""
    ids = sorted({int(pk) for pk in ticket_ids if pk})
    if not ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(REFRESH, refresh_params(ids))
        return cursor.rowcount


def open_case(ticket: Ticket) -> CaseRecord:
    """The ticket's case record; an untyped one (channel "other", received when the ticket
    was) if it has none yet. The channel that made the ticket sets its own afterwards."""
    now = timezone.now()
    at_service_center = ticket.queue.slug == conf.get("ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE")
    case, _created = CaseRecord.objects.get_or_create(
        ticket=ticket,
        defaults={
            "level": Level.FIRST if at_service_center else Level.SECOND,
            "channel": Channel.OTHER,
            "received_at": ticket.created or now,
            "captured_at": now,
        },
    )
    return case


def ticket_saved(ticket: Ticket, created: bool) -> None:
    """After any save of a ticket: a new one gets its stable reference and its case record;
    the case follows the ticket."""
    if created:
        assign_reference(ticket)
        open_case(ticket)
    refresh_cases([ticket.pk])


def set_channel(ticket: Ticket, channel: str) -> None:
    """The channel a ticket came in by, for a channel that creates tickets itself (mail)."""
    CaseRecord.objects.filter(ticket=ticket).update(channel=Channel(channel).value)


def citizen_saved(citizen_id: int) -> None:
    """The citizen's name or address changed: so did the words their cases are found by."""
    refresh_cases(
        CaseRecord.objects.filter(citizen_id=citizen_id).values_list("ticket_id", flat=True)
    )
