"""What the platform keeps about one person, for the data-protection officer (DSGVO Art. 15
and 17, ulm_privacy): finding a citizen among all of them, the person's tickets, the citizen
records and case records as plain data, and deleting the citizen records. Unlike
``search_citizens`` nothing here is limited to what a user may see: the caller checks that the
user holds the data-protection role."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from ulm_servicepoint.cases import case_values_for_display
from ulm_servicepoint.citizens import citizen_lookup
from ulm_servicepoint.models import CaseRecord, Citizen

CITIZEN_FIELDS = (
    "name",
    "email",
    "phone",
    "street",
    "house_number",
    "postcode",
    "city",
    "preferred_channel",
    "consent_contact",
    "consent_store_contact",
)


def find_citizens(query: str, limit: int = 20) -> QuerySet[Citizen]:
    """Every citizen whose name contains ``query``, whose e-mail address is ``query`` or whose
    phone number is ``query`` (any notation); none for fewer than two characters."""
    condition = citizen_lookup(query)
    if condition is None:
        return Citizen.objects.none()
    return Citizen.objects.filter(condition).order_by("name", "pk")[:limit]


def citizen_by_uuid(value: object) -> Citizen | None:
    """The citizen with this uuid (a link's), or None, also for a malformed one."""
    try:
        return Citizen.objects.filter(uuid=str(value)).first()
    except (ValueError, ValidationError):
        return None


def person_ticket_ids(citizen_ids: Iterable[int], emails: Iterable[str]) -> set[int]:
    """The tickets of a person: those whose case names one of ``citizen_ids`` and those
    submitted from one of ``emails`` (mail and contact-form tickets name no citizen)."""
    citizen_ids, emails = list(citizen_ids), [e for e in emails if e]
    condition = Q(citizen_id__in=citizen_ids) if citizen_ids else Q(pk__in=[])
    ids = set(CaseRecord.objects.filter(condition).values_list("ticket_id", flat=True))
    if emails:
        from helpdesk.models import Ticket

        address = Q()
        for email in emails:
            address |= Q(submitter_email__iexact=email)
        ids.update(Ticket.objects.filter(address).values_list("pk", flat=True))
    return ids


def citizen_records(citizen_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The citizen records as plain data (every personal field, with id and dates)."""
    rows = []
    for citizen in Citizen.objects.filter(pk__in=list(citizen_ids)).order_by("pk"):
        row: dict[str, Any] = {"id": citizen.pk, "uuid": str(citizen.uuid)}
        row.update({name: getattr(citizen, name) for name in CITIZEN_FIELDS})
        row["possible_duplicate_of"] = citizen.possible_duplicate_of_id
        row["created_at"] = citizen.created_at.isoformat()
        row["updated_at"] = citizen.updated_at.isoformat()
        rows.append(row)
    return rows


def case_records(ticket_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Per ticket id: its request type, channel, the typed values (raw and as shown
    with their labels) and its dates."""
    cases = CaseRecord.objects.filter(ticket_id__in=list(ticket_ids)).select_related(
        "request_type", "schema"
    )
    result = {}
    for case in cases:
        result[case.ticket_id] = {
            "request_type": case.request_type.name if case.request_type else "",
            "channel": case.get_channel_display(),
            "citizen_id": case.citizen_id,
            "values": case.values,
            "values_shown": [[label, value] for label, value in case_values_for_display(case)],
            "received_at": case.received_at.isoformat() if case.received_at else None,
            "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        }
    return result


def delete_citizens(citizen_ids: Iterable[int]) -> int:
    """Deletes the citizen records (their cases keep their statistics: the link is cleared
    first, as retention does). Returns how many were deleted."""
    ids = list(citizen_ids)
    CaseRecord.objects.filter(citizen_id__in=ids).update(citizen=None)
    return Citizen.objects.filter(pk__in=ids).delete()[1].get("ulm_servicepoint.Citizen", 0)
