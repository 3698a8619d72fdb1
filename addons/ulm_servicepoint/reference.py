"""Stable ticket references (``SC-2026-000123``).

Every ticket gets one when it is created, whatever the path (capture, web form, mail, the
host's own forms): a receiver of the ticket's ``post_save`` calls ``assign``. The number comes
from a PostgreSQL sequence per year (``ulm_reference_<year>``, created on first use): unique,
never blocking two captures at once, not gap-free (a rolled-back capture uses up its number,
which nobody needs). Mail subjects carry it in brackets; the mail intake finds the ticket by it
(``ticket_for_reference``), and the host's list search opens a ticket by it."""

from __future__ import annotations

import re
from datetime import datetime

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from helpdesk.models import Ticket

from ulm_servicepoint import conf
from ulm_servicepoint.models import TicketReference

# a reference as people write it: "SC-2026-000123", also "sc 2026 123"
PATTERN = re.compile(r"\b([A-Z]{1,5})[- ]?(\d{4})[- ](\d{1,9})\b", re.IGNORECASE)


def prefix() -> str:
    return conf.get("ULM_SERVICEPOINT_REFERENCE_PREFIX")


def format_reference(year: int, number: int) -> str:
    return f"{prefix()}-{year:04d}-{number:06d}"


def _next_number(year: int) -> int:
    name = f"ulm_reference_{year:04d}"
    with connection.cursor() as cursor:
        try:
            with transaction.atomic():
                cursor.execute("SELECT nextval(%s)", [name])
                return int(cursor.fetchone()[0])
        except DatabaseError:
            pass  # the year's first ticket: make its sequence (two at once: one creates it)
        try:
            with transaction.atomic():
                cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name}")
        except DatabaseError:
            pass
        cursor.execute("SELECT nextval(%s)", [name])
        return int(cursor.fetchone()[0])


def assign(ticket: Ticket, at: datetime | None = None) -> TicketReference:
    """The ticket's reference, made now if it has none (in the caller's transaction)."""
    existing = TicketReference.objects.filter(ticket_id=ticket.pk).first()
    if existing is not None:
        return existing
    created = at or ticket.created or timezone.now()
    year = timezone.localtime(created).year
    return TicketReference.objects.create(
        ticket_id=ticket.pk, reference=format_reference(year, _next_number(year))
    )


def reference_of(ticket: Ticket | int) -> str:
    """The stable reference of a ticket (made when missing); "" for an unsaved ticket."""
    ticket_id = ticket if isinstance(ticket, int) else ticket.pk
    if ticket_id is None:
        return ""
    if not isinstance(ticket, int):
        cached = getattr(ticket, "_state", None)
        if cached is not None and "stable_reference" in cached.fields_cache:
            found = cached.fields_cache["stable_reference"]
            if found is not None:
                return found.reference
    found_ref = TicketReference.objects.filter(ticket_id=ticket_id).first()
    if found_ref is not None:
        return found_ref.reference
    ticket_obj = ticket if not isinstance(ticket, int) else Ticket.objects.get(pk=ticket_id)
    return assign(ticket_obj).reference


def normalise(text: str) -> str:
    """``"sc 2026 123"`` → ``"SC-2026-000123"``; "" when the text is no reference."""
    match = PATTERN.fullmatch((text or "").strip())
    if match is None or match[1].upper() != prefix().upper():
        return ""
    return format_reference(int(match[2]), int(match[3]))


def ticket_for_reference(text: str) -> Ticket | None:
    """The ticket a reference (as people write it) names, or None."""
    reference = normalise(text)
    if not reference:
        return None
    found = TicketReference.objects.select_related("ticket").filter(reference=reference).first()
    return found.ticket if found else None


def references_in(text: str) -> list[str]:
    """The references of ours written in ``text`` (a mail subject), normalised, in order."""
    found = []
    for match in PATTERN.finditer(text or ""):
        if match[1].upper() == prefix().upper():
            found.append(format_reference(int(match[2]), int(match[3])))
    return found


def references_of(ticket_ids: list[int]) -> dict[int, str]:
    """{ticket id: reference} in one query (lists)."""
    return dict(
        TicketReference.objects.filter(ticket_id__in=ticket_ids).values_list(
            "ticket_id", "reference"
        )
    )
