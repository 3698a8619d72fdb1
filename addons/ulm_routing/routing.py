"""Routing a ticket: evaluate the rules on it (never raising into intake), explain the decision
(the dry run), and apply it — forward, priority, SLA policy, assignment, tags, internal notes,
and the mail it would send (recorded as planned notifications).

Forwarding is pluggable (``set_forwarder``): today it moves the ticket into the department's
queue and marks the case record 2nd level; the tracked handoff (phase 2 of issue 11) registers
its own forwarder that opens a handoff instead."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from helpdesk.models import FollowUp, Queue, Ticket

from ulm_routing import assignment, rulebook, sla
from ulm_routing.facts import TicketFacts, facts_of
from ulm_routing.models import PlannedNotification, RoutingRecord, SLAPolicy, TicketTag
from ulm_routing.rules.engine import CompiledRules, Decision, RuleOutcome, evaluate
from ulm_servicepoint.models import CaseRecord
from ulm_servicepoint.models.case import Level

logger = logging.getLogger(__name__)


def evaluate_ticket(ticket: Ticket | int, compiled: CompiledRules | None = None) -> Decision:
    """What the live rules decide for the ticket. Never raises: when the rules cannot be
    loaded or a rule fails, the decision says so in ``errors`` (and the error is logged)."""
    try:
        facts = facts_of(ticket)
        rules = compiled or rulebook.compiled_live()
    except Exception as exc:  # intake must go on whatever happens here
        logger.exception("routing: rules could not be evaluated for ticket %s", ticket)
        return Decision(
            errors=[_("The routing rules could not be evaluated: %(error)s") % {"error": exc}]
        )
    return evaluate(rules, facts)


def evaluate_facts(facts: TicketFacts, compiled: CompiledRules | None = None) -> Decision:
    return evaluate(compiled or rulebook.compiled_live(), facts)


@dataclass
class DryRun:
    """The dry run of the rules on one ticket: the decision, per rule what held and what
    failed, and whom the assignment would pick now (the round robin is not moved on)."""

    ticket: Ticket
    decision: Decision
    outcomes: list[RuleOutcome]
    assignee: Any = None


def dry_run(ticket: Ticket) -> DryRun:
    decision = evaluate_ticket(ticket)
    assignee = None
    if decision.assignment is not None:
        queue = _assignment_queue(ticket, decision)
        if queue is not None:
            assignee = assignment.pick_assignee(queue, decision.assignment[0], advance=False)
    return DryRun(ticket, decision, decision.explain(), assignee)


# --- Applying a decision ---------------------------------------------------------------------
Forwarder = Callable[[Ticket, Queue, Decision, Any], None]


def move_to_department(ticket: Ticket, queue: Queue, decision: Decision, by: Any) -> None:
    """Today's forward: the ticket moves into the department's queue, the case record becomes
    2nd level, and an internal note says which rule sent it."""
    rule = decision.decided_by.get("department")
    ticket.queue = queue
    ticket.save(update_fields=["queue", "modified"])
    CaseRecord.objects.filter(ticket=ticket).update(level=Level.SECOND, forwarded_at=timezone.now())
    FollowUp.objects.create(
        ticket=ticket,
        title=_("Forwarded to %(department)s") % {"department": queue.title},
        comment=_("By the routing rule “%(rule)s”.") % {"rule": rule.name if rule else "—"},
        public=False,
        user=by if getattr(by, "pk", None) else None,
    )


_forwarder: list[Forwarder] = [move_to_department]


def set_forwarder(forwarder: Forwarder | None) -> None:
    """Replaces what a forward action does (None: back to moving the queue)."""
    _forwarder[0] = forwarder or move_to_department


def _assignment_queue(ticket: Ticket, decision: Decision) -> Queue | None:
    if decision.assignment is None:
        return None
    slug = decision.assignment[1] or decision.department
    if slug:
        return Queue.objects.filter(slug=slug).first()
    return ticket.queue


@transaction.atomic
def apply_decision(ticket: Ticket, decision: Decision, by: Any = None) -> RoutingRecord:
    """Carries out a decision on the ticket and records it. The forward goes through the
    forwarder (see ``set_forwarder``); mail is recorded, not sent (phase 2)."""
    department = None
    if decision.department:
        department = Queue.objects.filter(slug=decision.department).first()
        if department is not None and department.pk != ticket.queue_id:
            _forwarder[0](ticket, department, decision, by)
    if decision.priority is not None and decision.priority != ticket.priority:
        ticket.priority = decision.priority
        ticket.save(update_fields=["priority", "modified"])
    if decision.sla_policy:
        policy = SLAPolicy.objects.filter(name=decision.sla_policy).first()
        ref = decision.decided_by.get("sla_policy")
        if policy is not None:
            sla.apply_policy(ticket, policy, rule=_rule(ref.id if ref else None))
    for tag in decision.tags:
        TicketTag.objects.get_or_create(ticket=ticket, name=tag)
    for text, ref in decision.notes:
        FollowUp.objects.create(
            ticket=ticket,
            title=_("Note from the routing rule “%(rule)s”") % {"rule": ref.name},
            comment=text,
            public=False,
            user=None,
        )
    queue = _assignment_queue(ticket, decision)
    if queue is not None and decision.assignment is not None:
        person = assignment.pick_assignee(queue, decision.assignment[0])
        if person is not None:
            ticket.assigned_to = person
            ticket.save(update_fields=["assigned_to", "modified"])
    for to, subject, ref in decision.notifications:
        recipient = to
        if to == "department":
            target = department or ticket.queue
            recipient = target.email_address or ""
        elif to == "citizen":
            recipient = ticket.submitter_email or ""
        PlannedNotification.objects.create(
            ticket=ticket,
            rule=_rule(ref.id),
            recipient=recipient or _("(no address)"),
            subject=subject or ticket.title,
        )
    return RoutingRecord.objects.create(
        ticket=ticket,
        department=department,
        matched_rules=[
            {"id": r.id, "name": r.name, "rule_set": r.rule_set} for r in decision.matched
        ],
        errors=decision.errors,
        applied_by=by if getattr(by, "pk", None) else None,
    )


def _rule(rule_id: int | None):
    from ulm_routing.models import Rule

    return Rule.objects.filter(pk=rule_id).first() if rule_id else None


def route_ticket(ticket: Ticket, by: Any = None) -> RoutingRecord | None:
    """Evaluates and applies the live rules. Never raises: a failure while applying is logged
    and recorded as a routing record with the error (None if even that fails); the ticket then
    stays where it is."""
    return apply_safely(ticket, evaluate_ticket(ticket), by)


def apply_safely(ticket: Ticket, decision: Decision, by: Any = None) -> RoutingRecord | None:
    """``apply_decision`` that never raises: a failure is rolled back, logged and recorded
    as a routing record with the error (None if even that fails)."""
    try:
        with transaction.atomic():
            return apply_decision(ticket, decision, by)
    except Exception as exc:  # intake must go on
        logger.exception("routing: decision could not be applied to ticket %s", ticket.pk)
        try:
            return RoutingRecord.objects.create(
                ticket=ticket,
                errors=[*decision.errors, _("Routing failed: %(error)s") % {"error": exc}],
                applied_by=by if getattr(by, "pk", None) else None,
            )
        except Exception:
            logger.exception("routing: failure of ticket %s not recorded", ticket.pk)
            return None
