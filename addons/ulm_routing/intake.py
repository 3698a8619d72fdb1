"""When the rules run at intake: per channel and request type, "forward at once" (the rules'
forward opens a tracked handoff) or "1st level first" (the default: the rest of the decision —
priority, SLA policy, tags, notes — is applied, the ticket stays with the service center).

Runs after the intake's commit (the host's ``new_ticket_done``) and never raises: a rule that
fails is logged and recorded (``RoutingRecord.errors``), shown as a warning on the ticket,
and the ticket stays with the 1st level."""

from __future__ import annotations

import logging
from dataclasses import replace

from django.db.models import Q
from helpdesk.models import Ticket

from ulm_routing.models import Handoff, IntakeMode, IntakePolicy, RoutingRecord
from ulm_routing.routing import apply_safely, evaluate_ticket
from ulm_servicepoint import conf as platform_conf
from ulm_servicepoint.models import CaseRecord

logger = logging.getLogger(__name__)


def intake_mode(channel: str, request_type_id: int | None) -> str:
    """The most specific policy: channel and type, then type, then channel, else 1st level."""
    policies = {
        (p.channel, p.request_type_id): p.mode
        for p in IntakePolicy.objects.filter(
            Q(request_type_id=request_type_id) | Q(request_type__isnull=True),
            channel__in=[channel, ""],
        )
    }
    for key in ((channel, request_type_id), ("", request_type_id), (channel, None), ("", None)):
        if key in policies:
            return policies[key]
    return IntakeMode.FIRST_LEVEL


def route_at_intake(ticket: Ticket) -> RoutingRecord | None:
    """Applies the rules to a new ticket in the service center's queue, as its intake policy
    says. Never raises."""
    try:
        ticket = Ticket.objects.select_related("queue").get(pk=ticket.pk)
        if ticket.queue.slug != platform_conf.get("ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE"):
            return None
        if ticket.status in (Ticket.CLOSED_STATUS, Ticket.RESOLVED_STATUS):
            return None
        if Handoff.objects.filter(ticket=ticket).exists():
            return None
        case = CaseRecord.objects.filter(ticket=ticket).first()
        channel = case.channel if case else "email"
        mode = intake_mode(channel, case.request_type_id if case else None)
    except Exception:
        logger.exception("routing: intake of ticket %s not routed", ticket.pk)
        return None
    decision = evaluate_ticket(ticket)
    if mode != IntakeMode.FORWARD:
        decision = replace(decision, department=None, assignment=None)
    return apply_safely(ticket, decision)
