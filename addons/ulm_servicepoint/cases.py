"""Reading captured requests: the case panel on the ticket page, the capture screen's citizen
and open requests, the caller look-up by phone number, and the KPI timestamps the host's
ticket updates set."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from helpdesk.models import FollowUp, Ticket

from ulm_servicepoint.access import tickets_visible_to
from ulm_servicepoint.citizens import citizens_visible_to, search_citizens
from ulm_servicepoint.models import CaseRecord
from ulm_servicepoint.schema_forms import display_value, format_phone

logger = logging.getLogger(__name__)


def case_values_for_display(case: CaseRecord) -> list[tuple[str, str]]:
    """(label, German value) in the order of the ticket's schema version."""
    specs = case.schema.fields if case.schema else []
    return [(s["label"], display_value(s, case.values.get(s["key"]))) for s in specs]


def earlier_requests(case: CaseRecord, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Ticket]:
    """The citizen's other requests that ``user`` may see, newest first."""
    if case.citizen_id is None:
        return Ticket.objects.none()
    return (
        tickets_visible_to(user)
        .filter(case_record__citizen_id=case.citizen_id)
        .exclude(pk=case.ticket_id)
        .select_related("queue", "case_record__request_type")
        .order_by("-created")
    )


def case_panel_context(ticket: Ticket, user: Any) -> dict[str, Any]:
    """What the ticket page shows beside the host's fields: the case record, its values in
    German, and the citizen's earlier requests the user may see."""
    case = (
        CaseRecord.objects.select_related(
            "request_type", "schema", "citizen__possible_duplicate_of", "captured_by"
        )
        .filter(ticket=ticket)
        .first()
    )
    if case is None:
        return {"case": None}
    return {
        "case": case,
        "values": case_values_for_display(case),
        "earlier": list(earlier_requests(case, user)[:20]),
        "phone": format_phone(case.citizen.phone) if case.citizen and case.citizen.phone else "",
    }


def visible_case(user: Any, ticket_id: int) -> CaseRecord | None:
    """The case record of a ticket the user may see, else None."""
    return (
        CaseRecord.objects.select_related("request_type", "schema", "ticket")
        .filter(ticket_id=ticket_id, ticket__in=tickets_visible_to(user).values("pk"))
        .first()
    )


def capture_screen_context(user: Any, citizen_uuid: str = "", lookup: str = "") -> dict[str, Any]:
    """The citizen picked (or found by a caller's number) and the look-up results for the
    capture screen, limited to what ``user`` may see; with the citizen's open requests."""
    citizen = None
    if citizen_uuid:
        with contextlib.suppress(ValueError, DjangoValidationError):
            citizen = citizens_visible_to(user).filter(uuid=citizen_uuid).first()
    matches = list(search_citizens(user, lookup)) if lookup else []
    if citizen is None and len(matches) == 1:
        citizen = matches[0]
    open_requests: list[Ticket] = []
    if citizen is not None:
        open_requests = list(
            tickets_visible_to(user)
            .filter(case_record__citizen=citizen)
            .exclude(status__in=[Ticket.CLOSED_STATUS, Ticket.RESOLVED_STATUS])
            .select_related("queue")
            .order_by("-created")[:10]
        )
    return {"citizen": citizen, "matches": matches, "open_requests": open_requests}


def ticket_ids_of_phone(normalised: str) -> list[int]:
    """Tickets of the citizens with this phone number (E.164): the phone integration's caller
    look-up (``ULM_CHANNELS_CALLER_LOOKUP``); callers filter by what the agent may see."""
    if not normalised:
        return []
    return list(
        CaseRecord.objects.filter(citizen__phone=normalised).values_list("ticket_id", flat=True)
    )


def note_ticket_update(followup: FollowUp) -> None:
    """KPI timestamps from the host's ticket updates: the first public answer by staff and the
    closing (cleared when the ticket is reopened, set again at its next closing). Never
    raises: the host sends this signal outside any transaction, after its mails, and an
    exception would break its update."""
    try:
        case = CaseRecord.objects.filter(ticket_id=followup.ticket_id).first()
        if case is None:
            return
        changed = []
        if case.first_answer_at is None and followup.public and followup.user_id is not None:
            case.first_answer_at = followup.date
            changed.append("first_answer_at")
        closed = (Ticket.CLOSED_STATUS, Ticket.RESOLVED_STATUS)
        if case.closed_at is None and followup.ticket.status in closed:
            case.closed_at = followup.date
            changed.append("closed_at")
        elif case.closed_at is not None and followup.ticket.status not in closed:
            # reopened: the resolution time counts to the last closing
            case.closed_at = None
            changed.append("closed_at")
        if changed:
            case.save(update_fields=[*changed, "updated_at"])
    except Exception:  # the host must never fail because of our bookkeeping
        logger.exception("case record of ticket %s not updated", followup.ticket_id)
