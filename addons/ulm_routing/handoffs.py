"""The tracked handoff (Weiterleitung): a ticket forwarded to a department, with a clock, until
the department has given its feedback.

Forwarding (``forward`` for the agent's "Weiterleiten", ``handoff_forwarder`` for the rules at
intake) moves the ticket into the department's queue, so its clerks see it
(``tickets_visible_to``), records who forwarded when, what the rules proposed and why the agent
chose otherwise, a pre-qualified summary, and when feedback is due; the citizen gets the interim
notice. The agent who forwarded stays the owner.

The department then answers (to the citizen, or to the service center for sending: a department
setting), asks back (the service center, or the citizen: then the clock stands until the
citizen replies), rejects ("Nicht zuständig": back to the 1st level, the rule flagged for
review) or passes it on (the clock keeps counting from the first forward). Every transition
locks the handoff (``select_for_update``) and checks its state, so two clerks acting at once
give one winner and a German ``HandoffConflict`` for the other: nothing is answered twice."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from helpdesk.models import FollowUp, Queue, Ticket

from ulm_routing import notices, sla
from ulm_routing.calendars import CalendarSpec, ClockStopped, load_calendar
from ulm_routing.models import (
    AnswerMode,
    DepartmentSettings,
    Handoff,
    HandoffEvent,
    HandoffState,
    Rule,
    SLAPolicy,
    TicketSLA,
)
from ulm_routing.models.handoffs import OPEN_STATES, WITH_DEPARTMENT
from ulm_routing.routing import apply_decision, evaluate_ticket
from ulm_routing.rules.engine import Decision
from ulm_servicepoint import services as platform
from ulm_servicepoint.models import CaseRecord
from ulm_servicepoint.models.case import Level

logger = logging.getLogger(__name__)
Kind = HandoffEvent.Kind
MAX_TEXT = 10_000
MAX_REASON = 500


class HandoffConflict(Exception):
    """Someone else acted first, or the handoff is not in a state for this (German text)."""


class HandoffInvalid(ValueError):
    """Bad input for a handoff action: ``errors`` = {field: [German message]}."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors

    def __str__(self) -> str:
        return " ".join(m for messages in self.errors.values() for m in messages)


# --- Who may do what ------------------------------------------------------------------------
def is_first_level(user: Any) -> bool:
    """The service center's staff (who capture) act for the 1st level."""
    return platform.can_capture(user)


def may_act_for_department(user: Any, department: Queue | int) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    queue = department if isinstance(department, Queue) else Queue.objects.get(pk=department)
    return platform.is_department_member(user, queue)


def handoffs_visible_to(user: Any):
    """Handoffs the user may see: the 1st level all; a clerk those of his departments."""
    queryset = Handoff.objects.all()
    if getattr(user, "is_superuser", False) or is_first_level(user):
        return queryset
    return queryset.filter(department__in=member_departments(user))


member_departments = platform.member_departments


def departments_headed_by(user: Any) -> list[Queue]:
    """The departments ``user`` heads (their settings' heads: escalation step 2, their
    department's key figures)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Queue.objects.filter(routing_settings__heads=user).order_by("title"))


def department_heads() -> QuerySet[Any]:
    """Everyone who heads at least one department (the role "Fachbereichsleitung")."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(headed_departments__isnull=False)
        .distinct()
        .order_by("username")
    )


# --- Clocks ---------------------------------------------------------------------------------
def department_calendar(queue: Queue | None) -> CalendarSpec:
    return load_calendar(queue=queue)


def policy_for(ticket: Ticket) -> SLAPolicy | None:
    applied = TicketSLA.objects.select_related("policy").filter(ticket=ticket).first()
    return applied.policy if applied is not None else sla.default_policy()


def feedback_due(handoff: Handoff, calendar: CalendarSpec | None = None) -> datetime | None:
    """When the department's feedback is due: the policy's handoff target (default 24 open
    hours) on the department's calendar from the first forward, pauses left out; None while
    the clock stands (the citizen is asked)."""
    spec = calendar or department_calendar(handoff.department)
    hours = handoff.policy.handoff_feedback_hours if handoff.policy else None
    try:
        return sla.due_at(
            handoff.clock_started_at,
            hours or sla.DEFAULT_HANDOFF_FEEDBACK_HOURS,
            spec,
            sla.pauses_of(handoff.ticket_id),
        )
    except ClockStopped:
        return None


# --- Summary --------------------------------------------------------------------------------
def summarise(ticket: Ticket) -> tuple[str, list[list[str]], str]:
    """(summary text, typed values as [label, German value], what the citizen was told)."""
    case = (
        CaseRecord.objects.select_related("request_type", "schema", "citizen")
        .filter(ticket=ticket)
        .first()
    )
    lines = [ticket.title]
    values: list[list[str]] = []
    if case is not None:
        if case.request_type:
            lines.append(_("Request type: %(type)s") % {"type": case.request_type.name})
        lines.append(_("Channel: %(channel)s") % {"channel": case.get_channel_display()})
        if case.citizen:
            lines.append(_("Citizen: %(name)s") % {"name": case.citizen})
        values = [[label, value] for label, value in platform.case_values_for_display(case)]
    told = "\n".join(platform.told_citizen(ticket))
    return "\n".join(lines), values, told


# --- Forwarding -----------------------------------------------------------------------------
def _note(ticket: Ticket, title: str, text: str = "", by: Any = None, public: bool = False):
    return FollowUp.objects.create(
        ticket=ticket,
        title=title[:200],
        comment=text,
        public=public,
        user=by if getattr(by, "pk", None) else None,
    )


def _event(handoff: Handoff, kind: str, by: Any = None, text: str = "") -> HandoffEvent:
    return HandoffEvent.objects.create(
        handoff=handoff, kind=kind, by=by if getattr(by, "pk", None) else None, text=text
    )


def _set_level(ticket: Ticket, level: int, forwarded: bool = False) -> None:
    changes: dict[str, Any] = {"level": level}
    if forwarded:
        CaseRecord.objects.filter(ticket=ticket, forwarded_at__isnull=True).update(
            forwarded_at=timezone.now()
        )
    CaseRecord.objects.filter(ticket=ticket).update(**changes, updated_at=timezone.now())


def open_handoff(
    ticket: Ticket,
    department: Queue,
    by: Any = None,
    *,
    proposed: Queue | None = None,
    reason: str = "",
    rule: Rule | None = None,
    previous: Handoff | None = None,
    notify_citizen: bool = True,
) -> Handoff:
    """Forwards the ticket to ``department`` as a tracked handoff (in the caller's
    transaction). Raises HandoffConflict when the ticket has an open handoff already."""
    locked = Ticket.objects.select_for_update().select_related("queue").get(pk=ticket.pk)
    current = Handoff.objects.filter(ticket=locked, state__in=OPEN_STATES).first()
    if current is not None and current != previous:
        raise HandoffConflict(
            _("This request has been forwarded to %(department)s already.")
            % {"department": current.department.title}
        )
    if department.slug == platform.conf.get("ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE"):
        raise HandoffInvalid({"department": [_("Choose a department, not the service center.")]})
    now = timezone.now()
    summary, values, told = summarise(locked)
    owner = previous.owner if previous else (by if getattr(by, "pk", None) else None)
    handoff = Handoff(
        ticket=locked,
        department=department,
        from_queue=locked.queue,
        previous=previous,
        owner=owner,
        forwarded_by=by if getattr(by, "pk", None) else None,
        rule=rule,
        proposed_department=proposed,
        override_reason=reason[:MAX_REASON],
        summary=summary,
        values=values,
        told_citizen=told,
        policy=policy_for(locked),
        forwarded_at=now,
        clock_started_at=previous.clock_started_at if previous else now,
    )
    handoff.due_at = feedback_due(handoff)
    handoff.save()
    locked.queue = department
    locked.save(update_fields=["queue", "modified"])
    ticket.queue = department
    _set_level(locked, Level.SECOND, forwarded=True)
    text = []
    if rule is not None:
        text.append(_("By the routing rule “%(rule)s”.") % {"rule": rule.name})
    if proposed is not None and proposed.pk != department.pk:
        text.append(
            _("The rules proposed %(proposed)s; reason for %(department)s: %(reason)s")
            % {"proposed": proposed.title, "department": department.title, "reason": reason}
        )
    _event(handoff, Kind.PASSED_ON if previous else Kind.FORWARDED, by, "\n".join(text))
    _note(
        locked,
        _("Forwarded to %(department)s") % {"department": department.title},
        "\n".join(text),
        by,
    )
    if notify_citizen and previous is None:
        notices.interim_notice(locked, department.title)
    return handoff


def proposal(ticket: Ticket, decision: Decision | None = None) -> tuple[Queue | None, Decision]:
    """The department the rules propose for the ticket (else its request type's default
    department), and the decision (which may carry errors: shown as a warning)."""
    decision = decision or evaluate_ticket(ticket)
    queue = None
    if decision.department:
        queue = Queue.objects.filter(slug=decision.department).first()
    if queue is None:
        request_type = platform.request_type_of(ticket)
        queue = request_type.default_queue if request_type else None
    return queue, decision


def forward(ticket: Ticket, by: Any, department: Queue | None = None, reason: str = "") -> Handoff:
    """The agent's "Weiterleiten": to the department the rules propose, or to another one with
    a reason (the override is recorded). The rest of the rules' decision (priority, SLA policy,
    tags, notes, assignment) is applied too. Raises HandoffInvalid / HandoffConflict."""
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise HandoffInvalid(
            {"reason": [_("The reason may have at most %(max)d characters.") % {"max": MAX_REASON}]}
        )
    proposed, decision = proposal(ticket)
    chosen = department or proposed
    if chosen is None:
        raise HandoffInvalid(
            {"department": [_("The rules propose no department: please choose one.")]}
        )
    if proposed is not None and chosen.pk != proposed.pk and not reason:
        raise HandoffInvalid(
            {
                "reason": [
                    _(
                        "The rules propose %(proposed)s. Please give a reason for forwarding "
                        "to %(department)s instead."
                    )
                    % {"proposed": proposed.title, "department": chosen.title}
                ]
            }
        )
    rule_ref = decision.decided_by.get("department")
    rule = None
    if rule_ref is not None and rule_ref.id and proposed is not None and chosen.pk == proposed.pk:
        rule = Rule.objects.filter(pk=rule_ref.id).first()
    with transaction.atomic():
        handoff = open_handoff(ticket, chosen, by, proposed=proposed, reason=reason, rule=rule)
        _apply_rest(ticket, decision, by, chosen, handoff)
    return handoff


def _apply_rest(
    ticket: Ticket, decision: Decision, by: Any, department: Queue, handoff: Handoff
) -> None:
    """Priority, SLA policy, tags, notes and assignment of the decision (not the forward,
    done). A failure here is logged and recorded; the forward stands."""
    rest = replace(decision, department=None)
    if rest.assignment is not None and rest.assignment[1] is None:
        rest = replace(rest, assignment=(rest.assignment[0], department.slug))
    try:
        with transaction.atomic():
            record = apply_decision(ticket, rest, by)
            record.department = department
            record.save(update_fields=["department", "updated_at"])
    except Exception as exc:
        logger.exception("routing: rest of the decision not applied to ticket %s", ticket.pk)
        from ulm_routing.models import RoutingRecord

        RoutingRecord.objects.create(
            ticket=ticket,
            department=department,
            errors=[*decision.errors, _("Routing failed: %(error)s") % {"error": exc}],
        )
        return
    _adopt_assignee(handoff)


def _adopt_assignee(handoff: Handoff) -> None:
    ticket = Ticket.objects.select_related("assigned_to").get(pk=handoff.ticket_id)
    person = ticket.assigned_to
    if person is not None and platform.is_department_member(person, handoff.department):
        handoff.assignee = person
        handoff.save(update_fields=["assignee", "updated_at"])
        if handoff.owner_id is None:
            return


def handoff_forwarder(ticket: Ticket, queue: Queue, decision: Decision, by: Any) -> None:
    """The rules' forward action (``set_forwarder``): a tracked handoff instead of a bare
    queue change."""
    rule_ref = decision.decided_by.get("department")
    rule = Rule.objects.filter(pk=rule_ref.id).first() if rule_ref and rule_ref.id else None
    open_handoff(ticket, queue, by, proposed=queue, rule=rule)


def forward_captured(case: CaseRecord, by: Any, department: Queue | None, reason: str) -> None:
    """The capture screen's "Weiterleiten" (ulm_servicepoint's forward handler)."""
    try:
        forward(case.ticket, by, department, reason)
    except HandoffInvalid as invalid:
        raise platform.CaptureInvalid(
            {
                ("forward_reason" if k == "reason" else "forward_to"): v
                for k, v in invalid.errors.items()
            }
        ) from None
    except HandoffConflict as conflict:
        raise platform.CaptureInvalid({"forward_to": [str(conflict)]}) from None


# --- The department's and the service center's actions ---------------------------------------
def _locked(handoff: Handoff | str, allowed: tuple[str, ...]) -> Handoff:
    """The handoff, locked; HandoffConflict when it is no longer in one of ``allowed``."""
    key = {"uuid": handoff} if isinstance(handoff, str) else {"pk": handoff.pk}
    locked = (
        Handoff.objects.select_for_update(of=("self",))
        .select_related("ticket", "department", "owner")
        .get(**key)
    )
    if locked.state not in allowed:
        last = locked.events.select_related("by").last()
        who = ""
        if last is not None and last.by is not None:
            who = last.by.get_full_name() or last.by.get_username()
        raise HandoffConflict(
            _(
                "Nothing was changed: this handoff is “%(state)s” now%(who)s. Someone acted on "
                "it before you; reload the page to see what was done."
            )
            % {
                "state": locked.get_state_display(),
                "who": (_(" (by %(name)s)") % {"name": who}) if who else "",
            }
        )
    return locked


def _text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise HandoffInvalid({field: [_("Please fill in “%(field)s”.") % {"field": label}]})
    if len(value) > MAX_TEXT:
        raise HandoffInvalid(
            {
                field: [
                    _("“%(field)s” may have at most %(max)d characters.")
                    % {"field": label, "max": MAX_TEXT}
                ]
            }
        )
    return value


def _require_department(user: Any, handoff: Handoff) -> None:
    if not may_act_for_department(user, handoff.department):
        raise PermissionError(handoff.pk)


def _require_first_level(user: Any) -> None:
    if not (getattr(user, "is_superuser", False) or is_first_level(user)):
        raise PermissionError("first level")


def _tell_owner(handoff: Handoff, subject: str, body: str) -> None:
    owner = handoff.owner
    if owner is not None and owner.email and owner.is_active:
        ref = platform.reference_of(handoff.ticket)
        notices.to_staff(
            handoff.ticket, [owner.email], f"[{ref}] {subject}", body, kind="notification"
        )


def _answer_settings(queue: Queue) -> str:
    found = DepartmentSettings.objects.filter(queue=queue).first()
    return found.answer_mode if found else AnswerMode.DIRECT


def _send_answer(handoff: Handoff, by: Any, text: str) -> None:
    ticket = handoff.ticket
    now = timezone.now()
    FollowUp.objects.create(
        ticket=ticket,
        title=_("Answer to the citizen"),
        comment=text,
        public=True,
        user=by if getattr(by, "pk", None) else None,
        new_status=Ticket.RESOLVED_STATUS,
    )
    ticket.status = Ticket.RESOLVED_STATUS
    ticket.resolution = text
    ticket.save(update_fields=["status", "resolution", "modified"])
    CaseRecord.objects.filter(ticket=ticket, first_answer_at__isnull=True).update(
        first_answer_at=now
    )
    notices.answer(ticket, text)
    handoff.state = HandoffState.ANSWERED
    handoff.answer = text
    handoff.feedback_at = handoff.feedback_at or now
    handoff.closed_at = now


@transaction.atomic
def answer(handoff: Handoff | str, by: Any, text: str) -> Handoff:
    """The department answers: straight to the citizen (mail, public follow-up, ticket
    resolved), or to the service center for sending (the department's setting)."""
    text = _text(text, "text", _("Answer"))
    handoff = _locked(handoff, WITH_DEPARTMENT)
    _require_department(by, handoff)
    _resume_if_paused(handoff)
    if _answer_settings(handoff.department) == AnswerMode.VIA_FIRST_LEVEL:
        handoff.state = HandoffState.ANSWER_FOR_FIRST_LEVEL
        handoff.answer = text
        handoff.feedback_at = timezone.now()
        _note(
            handoff.ticket,
            _("Answer of %(department)s for the service center")
            % {"department": handoff.department.title},
            text,
            by,
        )
        _event(handoff, Kind.ANSWERED, by, text)
        _tell_owner(
            handoff,
            _("Answer of %(department)s waiting to be sent")
            % {"department": handoff.department.title},
            _(
                "The department answered; please check the answer and send it to the "
                "citizen:\n\n%(text)s"
            )
            % {"text": text},
        )
    else:
        _send_answer(handoff, by, text)
        _event(handoff, Kind.ANSWERED, by, text)
        _tell_owner(
            handoff,
            _("%(department)s answered the citizen") % {"department": handoff.department.title},
            text,
        )
    handoff.save()
    return handoff


@transaction.atomic
def send_prepared_answer(handoff: Handoff | str, by: Any, text: str) -> Handoff:
    """The service center sends the department's answer (as it stands, or corrected)."""
    text = _text(text, "text", _("Answer"))
    _require_first_level(by)
    handoff = _locked(handoff, (HandoffState.ANSWER_FOR_FIRST_LEVEL,))
    _send_answer(handoff, by, text)
    _event(handoff, Kind.ANSWER_SENT, by, text)
    handoff.save()
    return handoff


@transaction.atomic
def ask(handoff: Handoff | str, by: Any, text: str, to: str) -> Handoff:
    """A question (Rückfrage) to the service center (``to="first_level"``) or to the citizen
    (``"citizen"``: mail and status page; the clock stands until the citizen replies)."""
    text = _text(text, "text", _("Question"))
    if to not in ("first_level", "citizen"):
        raise HandoffInvalid({"to": [_("Choose whom to ask.")]})
    handoff = _locked(handoff, (HandoffState.OPEN,))
    _require_department(by, handoff)
    handoff.question = text
    if to == "citizen":
        ticket = handoff.ticket
        _note(ticket, _("Question to the citizen"), text, by, public=True)
        notices.question(ticket, text)
        sla.pause_clock(ticket, reason=_("Question to the citizen"))
        handoff.state = HandoffState.ASKED_CITIZEN
        handoff.due_at = None
        _event(handoff, Kind.ASKED_CITIZEN, by, text)
    else:
        _note(handoff.ticket, _("Question to the service center"), text, by)
        handoff.state = HandoffState.ASKED_FIRST_LEVEL
        _event(handoff, Kind.ASKED_FIRST_LEVEL, by, text)
        _tell_owner(
            handoff,
            _("Question from %(department)s") % {"department": handoff.department.title},
            text,
        )
    handoff.save()
    return handoff


@transaction.atomic
def reply_to_question(handoff: Handoff | str, by: Any, text: str) -> Handoff:
    """The service center answers the department's question; the department goes on."""
    text = _text(text, "text", _("Reply"))
    _require_first_level(by)
    handoff = _locked(handoff, (HandoffState.ASKED_FIRST_LEVEL,))
    _note(handoff.ticket, _("Reply of the service center"), text, by)
    handoff.state = HandoffState.OPEN
    _event(handoff, Kind.REPLIED, by, text)
    handoff.save()
    return handoff


def _resume_if_paused(handoff: Handoff) -> None:
    if sla.is_paused(handoff.ticket):
        sla.resume_clock(handoff.ticket)
    handoff.due_at = feedback_due(handoff)


@transaction.atomic
def citizen_replied(ticket: Ticket, text: str = "") -> Handoff | None:
    """The citizen wrote (mail or status page): an open handoff hears of it; a question to
    the citizen is answered, the clock runs again and the due time moves on."""
    handoff = (
        Handoff.objects.select_for_update(of=("self",))
        .select_related("ticket", "department")
        .filter(ticket=ticket, state__in=OPEN_STATES)
        .first()
    )
    if handoff is None:
        return None
    if handoff.state == HandoffState.ASKED_CITIZEN:
        _resume_if_paused(handoff)
        handoff.state = HandoffState.OPEN
    _event(handoff, Kind.CITIZEN_REPLIED, None, text[:MAX_TEXT])
    handoff.save()
    return handoff


@transaction.atomic
def reject(handoff: Handoff | str, by: Any, reason: str) -> Handoff:
    """ "Nicht zuständig": the ticket returns to the 1st level (its queue before), the case is
    1st level again, and the rule that sent it is flagged for review."""
    reason = _text(reason, "reason", _("Reason"))
    handoff = _locked(handoff, WITH_DEPARTMENT)
    _require_department(by, handoff)
    if sla.is_paused(handoff.ticket):
        sla.resume_clock(handoff.ticket)
    now = timezone.now()
    ticket = handoff.ticket
    back = handoff.from_queue or platform.service_center_queue()
    if back.pk == handoff.department_id:
        back = platform.service_center_queue()
    # the host's FollowUp.save() saves its ticket: keep the object in memory up to date
    ticket.queue = back
    ticket.save(update_fields=["queue", "modified"])
    _set_level(ticket, Level.FIRST)
    handoff.state = HandoffState.REJECTED
    handoff.reason = reason
    handoff.feedback_at = now
    handoff.closed_at = now
    handoff.save()
    if handoff.rule_id:
        Rule.objects.filter(pk=handoff.rule_id).update(
            needs_review=True,
            review_note=_("%(department)s is not responsible for %(ref)s: %(reason)s")
            % {
                "department": handoff.department.title,
                "ref": platform.reference_of(ticket),
                "reason": reason,
            },
        )
    _note(
        ticket,
        _("%(department)s is not responsible") % {"department": handoff.department.title},
        reason,
        by,
    )
    _event(handoff, Kind.REJECTED, by, reason)
    _tell_owner(
        handoff,
        _("%(department)s is not responsible") % {"department": handoff.department.title},
        _("The request is back with the service center. Reason:\n\n%(reason)s")
        % {"reason": reason},
    )
    return handoff


@transaction.atomic
def pass_on(handoff: Handoff | str, by: Any, department: Queue, reason: str) -> Handoff:
    """The department passes the request on to another department: a new handoff follows this
    one (history kept), the clock counts on from the first forward."""
    reason = _text(reason, "reason", _("Reason"))
    handoff = _locked(handoff, WITH_DEPARTMENT)
    _require_department(by, handoff)
    if department.pk == handoff.department_id:
        raise HandoffInvalid({"department": [_("Choose another department.")]})
    if sla.is_paused(handoff.ticket):
        sla.resume_clock(handoff.ticket)
    handoff.state = HandoffState.PASSED_ON
    handoff.reason = reason
    handoff.closed_at = timezone.now()
    handoff.save()
    _event(handoff, Kind.PASSED_ON, by, reason)
    return open_handoff(
        handoff.ticket, department, by, reason=reason, previous=handoff, notify_citizen=False
    )


@transaction.atomic
def take(handoff: Handoff | str, by: Any) -> Handoff:
    """A clerk takes the handoff (becomes its clerk and the ticket's assignee)."""
    handoff = _locked(handoff, WITH_DEPARTMENT)
    _require_department(by, handoff)
    handoff.assignee = by
    handoff.save(update_fields=["assignee", "updated_at"])
    handoff.ticket.assigned_to = by
    handoff.ticket.save(update_fields=["assigned_to", "modified"])
    _event(handoff, Kind.TAKEN, by)
    return handoff


# --- The host's own queue change -----------------------------------------------------------
def host_moved(ticket: Ticket, by: Any = None) -> None:
    """The host's update form changed the ticket's queue (not our panel): the case's level
    follows the queue, and an open handoff hears of it. Never raises (the host's signal)."""
    try:
        with transaction.atomic():
            service_center = platform.conf.get("ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE")
            current = Ticket.objects.select_related("queue").get(pk=ticket.pk)
            first = current.queue.slug == service_center
            case = CaseRecord.objects.filter(ticket=current).first()
            if case is not None and case.level != (Level.FIRST if first else Level.SECOND):
                _set_level(current, Level.FIRST if first else Level.SECOND, forwarded=not first)
            handoff = Handoff.objects.filter(ticket=current, state__in=OPEN_STATES).first()
            if handoff is not None and handoff.department_id != current.queue_id:
                _event(
                    handoff,
                    Kind.MOVED_BY_HOST,
                    by,
                    _("The ticket was moved to %(queue)s in the ticket form.")
                    % {"queue": current.queue.title},
                )
    except Exception:
        logger.exception("routing: queue change of ticket %s not recorded", ticket.pk)


def clock_text(due: datetime | None, now: datetime | None = None) -> str:
    """A due time in German (for lists and mails)."""
    if due is None:
        return _("paused")
    return date_format(timezone.localtime(due), "d.m.Y H:i")


def visible_ticket_for_reference(user: Any, text: str) -> Ticket | None:
    """The ticket with this stable reference, if the user may see it."""
    ticket = platform.ticket_for_reference(text)
    if ticket is None or not platform.tickets_visible_to(user).filter(pk=ticket.pk).exists():
        return None
    return ticket


def panel_context(ticket: Ticket, user: Any) -> dict[str, Any]:
    """The ticket page's "Weiterleitung" panel: the handoffs with their history, the current
    one's clock, what the user may do, the rules' proposal (for the 1st level when nothing is
    open) and the warning of a routing that failed."""
    from ulm_routing.models import RoutingRecord
    from ulm_routing.worklists import Calendars

    handoffs = list(
        Handoff.objects.filter(ticket=ticket)
        .select_related(
            "department", "owner", "forwarded_by", "assignee", "rule", "proposed_department"
        )
        .prefetch_related("events__by")
        .order_by("forwarded_at", "pk")
    )
    current = next((h for h in handoffs if h.state in OPEN_STATES), None)
    first_level = is_first_level(user) or bool(getattr(user, "is_superuser", False))
    department_clerk = current is not None and may_act_for_department(user, current.department)
    latest = RoutingRecord.objects.filter(ticket=ticket).first()
    context: dict[str, Any] = {
        "handoffs": handoffs,
        "current": current,
        "first_level": first_level,
        "department_clerk": department_clerk,
        "warning": latest.errors if latest is not None and latest.errors else [],
        "departments": platform.departments(),
    }
    if current is not None:
        paused = current.state == HandoffState.ASKED_CITIZEN
        context["clock"] = Calendars().clock(
            current.department_id, current.due_at, timezone.now(), paused=paused
        )
    closed = ticket.status in (Ticket.CLOSED_STATUS, Ticket.RESOLVED_STATUS)
    context["can_forward"] = current is None and first_level and not closed
    if context["can_forward"]:
        proposed, decision = proposal(ticket)
        rule = decision.decided_by.get("department")
        context["proposed"] = proposed
        context["proposed_rule"] = rule.name if rule else ""
        if decision.errors:
            context["warning"] = [*context["warning"], *decision.errors]
    return context


def default_callback_window() -> dict[str, datetime]:
    """From now until the end of the next working day (17:00)."""
    now = timezone.localtime()
    end = now.replace(hour=17, minute=0, second=0, microsecond=0)
    end = end + timedelta(days=1)
    while end.weekday() >= 5:
        end += timedelta(days=1)
    return {"window_start": now.replace(second=0, microsecond=0), "window_end": end}
