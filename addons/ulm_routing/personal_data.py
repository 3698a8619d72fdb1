"""What routing keeps about one person, for the data-protection officer (DSGVO Art. 15 and 17,
ulm_privacy): callbacks (by ticket or by the caller's number, E.164) and the handoffs of the
person's tickets with their events, as plain data; and the erasure of callbacks that are bound
to no ticket (a ticket's own go with its anonymisation)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from ulm_routing.models import Callback, Handoff, HandoffEvent


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def routing_data(ticket_ids: Iterable[int], phones: Iterable[str]) -> dict[str, Any]:
    ticket_ids, phones = list(ticket_ids), [p for p in phones if p]
    callbacks = [
        {
            "ticket_id": row.ticket_id,
            "caller_name": row.caller_name,
            "phone": row.phone,
            "subject": row.subject,
            "department": row.department.title if row.department else "",
            "call_back_from": _iso(row.window_start),
            "call_back_until": _iso(row.window_end),
            "state": row.get_state_display(),
            "attempts": row.attempts,
            "note": row.note,
            "called_back_at": _iso(row.done_at),
            "created_at": _iso(row.created_at),
        }
        for row in Callback.objects.filter(Q(ticket_id__in=ticket_ids) | Q(phone__in=phones))
        .select_related("department")
        .order_by("pk")
    ]
    events: dict[int, list[dict[str, Any]]] = {}
    for event in HandoffEvent.objects.filter(handoff__ticket_id__in=ticket_ids).order_by("pk"):
        events.setdefault(event.handoff_id, []).append(
            {"at": _iso(event.created_at), "kind": event.get_kind_display(), "text": event.text}
        )
    handoffs = [
        {
            "ticket_id": row.ticket_id,
            "department": row.department.title if row.department else "",
            "state": row.get_state_display(),
            "forwarded_at": _iso(row.forwarded_at),
            "summary": row.summary,
            "values": row.values,
            "told_citizen": row.told_citizen,
            "question": row.question,
            "answer": row.answer,
            "reason": row.reason,
            "closed_at": _iso(row.closed_at),
            "events": events.get(row.pk, []),
        }
        for row in Handoff.objects.filter(ticket_id__in=ticket_ids)
        .select_related("department")
        .order_by("pk")
    ]
    return {"callbacks": callbacks, "handoffs": handoffs}


def erase_person(ticket_ids: Iterable[int], phones: Iterable[str]) -> dict[str, int]:
    """Erases what routing keeps about a person: callbacks from the numbers bound to no ticket
    are deleted; the callbacks and handoffs of the person's (anonymised) tickets keep their
    states and times (the figures) but lose name, number, subject, notes, summaries, captured
    values, questions, answers and the events' texts. Run it inside the caller's transaction."""
    ticket_ids, phones = list(ticket_ids), [p for p in phones if p]
    unbound = Callback.objects.filter(phone__in=phones, ticket__isnull=True)
    deleted = unbound.delete()[1].get("ulm_routing.Callback", 0)
    bound = Callback.objects.filter(Q(ticket_id__in=ticket_ids) | Q(phone__in=phones))
    blanked = bound.update(caller_name="", phone="", subject="", note="")
    handoffs = Handoff.objects.filter(ticket_id__in=ticket_ids).update(
        summary="", values=[], told_citizen="", question="", answer="", reason=""
    )
    HandoffEvent.objects.filter(handoff__ticket_id__in=ticket_ids).update(text="")
    return {"callbacks_deleted": deleted, "callbacks_erased": blanked, "handoffs": handoffs}
