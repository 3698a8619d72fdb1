"""Escalation of overdue handoffs and callbacks, run by the worker (``jobs.escalate``).

Three steps, each taken once per handoff or callback and recorded (``Escalation``, unique per
step, so two workers never send a step twice): 1 remind the clerk (the handoff's assignee or the
person a callback asks for; else the department's available members), 2 the department's heads
(``DepartmentSettings.heads``), 3 the service-center lead (the group
``ULM_ROUTING_LEAD_GROUP``, "Servicecenter-Leitung"). Step n runs when the due time lies
``ULM_ROUTING_ESCALATION_HOURS[n-1]`` open hours of the department's calendar in the past. An
absent person is replaced by their substitute. Mail goes to staff through the outbox; a
citizen hears nothing unless the department's setting says so (step 1 only)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ulm_routing import conf, notices
from ulm_routing.assignment import absent_now, available
from ulm_routing.models import (
    Callback,
    DepartmentSettings,
    Escalation,
    Handoff,
    HandoffEvent,
)
from ulm_routing.models.callbacks import CALLBACK_OPEN_STATES
from ulm_routing.models.handoffs import WITH_DEPARTMENT
from ulm_routing.worklists import Calendars, duration
from ulm_servicepoint.services import reference_of

logger = logging.getLogger(__name__)
STEPS = 3


def due_step(due: datetime, now: datetime, calendar) -> int:
    """The highest step whose time has come (0: none)."""
    step = 0
    for index, hours in enumerate(conf.get("ULM_ROUTING_ESCALATION_HOURS"), start=1):
        at = calendar.add_open_time(due, timedelta(hours=float(hours))) if hours else due
        if now >= at:
            step = index
    return step


def _present(user: Any, now: datetime) -> Any:
    """The user, or their substitute while they are away (None: nobody)."""
    if user is None or not user.is_active:
        return None
    absence = absent_now(user, now)
    if absence is None:
        return user
    substitute = absence.substitute
    if substitute is None or not substitute.is_active or absent_now(substitute, now):
        return None
    return substitute


def recipients(step: int, department, first: Any, now: datetime) -> list[Any]:
    """Who gets step ``step``: the clerk (else the department's available members), the
    department's heads, or the service-center lead."""
    people: list[Any] = []
    if step == 1:
        person = _present(first, now)
        people = [person] if person is not None else available(department, now)
    elif step == 2:
        settings_row = DepartmentSettings.objects.filter(queue=department).first()
        heads = list(settings_row.heads.filter(is_active=True)) if settings_row else []
        people = [p for p in (_present(h, now) for h in heads) if p is not None]
    else:
        people = list(
            get_user_model().objects.filter(
                is_active=True, groups__name=conf.get("ULM_ROUTING_LEAD_GROUP")
            )
        )
        people = [p for p in (_present(u, now) for u in people) if p is not None]
    unique = {p.pk: p for p in people}
    return [unique[k] for k in sorted(unique)]


def _record(step: int, people: list[Any], **subject) -> Escalation | None:
    try:
        with transaction.atomic():
            return Escalation.objects.create(
                step=step, recipients=[p.get_username() for p in people], **subject
            )
    except IntegrityError:
        return None  # another worker took this step


def _mail(ticket, people, subject: str, body: str) -> None:
    addresses = [p.email for p in people if p.email]
    if addresses:
        notices.to_staff(ticket, addresses, subject, body, kind="escalation")


STEP_NAMES = {1: "clerk", 2: "heads", 3: "lead"}


def escalate_handoff(handoff_id: int, now: datetime, calendars: Calendars) -> int:
    """Takes the due steps of one overdue handoff; returns how many were taken."""
    taken = 0
    with transaction.atomic():
        handoff = (
            Handoff.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("ticket", "department", "assignee")
            .filter(pk=handoff_id, state__in=WITH_DEPARTMENT, due_at__isnull=False)
            .first()
        )
        if handoff is None or handoff.due_at is None:
            return 0
        target = due_step(handoff.due_at, now, calendars.of(handoff.department_id))
        for step in range(handoff.escalation_step + 1, target + 1):
            people = recipients(step, handoff.department, handoff.assignee, now)
            if _record(step, people, handoff=handoff) is None:
                continue
            taken += 1
            overdue = duration(now - handoff.due_at)
            with translation.override("de"):
                ref = reference_of(handoff.ticket)
                subject = _("[%(ref)s] Handoff overdue (step %(step)d): %(title)s") % {
                    "ref": ref,
                    "step": step,
                    "title": handoff.ticket.title,
                }
                body = _(
                    "The feedback of %(department)s on request %(ref)s was due %(due)s and is "
                    "overdue by %(overdue)s of wall-clock time.\n\nSubject: %(title)s\nState: "
                    "%(state)s\n\nPlease answer the request or tell the service center what is "
                    "holding it up."
                ) % {
                    "department": handoff.department.title,
                    "ref": ref,
                    "due": timezone.localtime(handoff.due_at).strftime("%d.%m.%Y %H:%M"),
                    "overdue": overdue,
                    "title": handoff.ticket.title,
                    "state": handoff.get_state_display(),
                }
                _mail(handoff.ticket, people, subject, body)
                HandoffEvent.objects.create(
                    handoff=handoff,
                    kind=HandoffEvent.Kind.ESCALATED,
                    text=_("Step %(step)d to: %(people)s")
                    % {
                        "step": step,
                        "people": ", ".join(p.get_full_name() or p.get_username() for p in people)
                        or _("nobody (no one to reach)"),
                    },
                )
                if step == 1:
                    _tell_citizen(handoff)
            handoff.escalation_step = step
        if taken:
            handoff.save(update_fields=["escalation_step", "updated_at"])
    return taken


def _tell_citizen(handoff: Handoff) -> None:
    settings_row = DepartmentSettings.objects.filter(queue=handoff.department).first()
    if settings_row is None or not settings_row.notify_citizen_on_escalation:
        return
    ticket = handoff.ticket
    if not ticket.submitter_email:
        return
    ref = reference_of(ticket)
    notices._send(
        ticket,
        [ticket.submitter_email],
        "escalation",
        _("[%(ref)s] Your request takes longer: %(title)s") % {"ref": ref, "title": ticket.title},
        _(
            "Good day,\n\nyour request %(ref)s takes longer than we promised. The responsible "
            "department has been reminded; you will hear from us.\n\nThis is an automatic "
            "message.\n\nKind regards\n%(city)s"
        )
        % {"ref": ref, "city": notices._city()},
        automatic=True,
    )


def escalate_callback(callback_id: int, now: datetime, calendars: Calendars) -> int:
    taken = 0
    with transaction.atomic():
        callback = (
            Callback.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("department", "person", "ticket")
            .filter(pk=callback_id, state__in=CALLBACK_OPEN_STATES)
            .first()
        )
        if callback is None:
            return 0
        target = due_step(callback.window_end, now, calendars.of(callback.department_id))
        for step in range(callback.escalation_step + 1, target + 1):
            people = recipients(step, callback.department, callback.person, now)
            if _record(step, people, callback=callback) is None:
                continue
            taken += 1
            with translation.override("de"):
                subject = _("Callback overdue (step %(step)d): %(name)s") % {
                    "step": step,
                    "name": callback.caller_name,
                }
                body = _(
                    "%(name)s (%(phone)s) asked for a callback from %(department)s about "
                    "“%(subject)s” until %(until)s. Nobody has called back yet.\n\nPlease "
                    "call back and mark it in the department's work list."
                ) % {
                    "name": callback.caller_name,
                    "phone": callback.phone,
                    "department": callback.department.title,
                    "subject": callback.subject,
                    "until": timezone.localtime(callback.window_end).strftime("%d.%m.%Y %H:%M"),
                }
                _mail(callback.ticket, people, subject, body)
            callback.escalation_step = step
        if taken:
            callback.save(update_fields=["escalation_step", "updated_at"])
    return taken


def escalate_overdue(now: datetime | None = None) -> dict[str, int]:
    """Every overdue handoff and callback gets the steps whose time has come; each one in
    its own transaction (a failure is logged, the others go on)."""
    now = now or timezone.now()
    calendars = Calendars()
    handoffs = Handoff.objects.filter(
        state__in=WITH_DEPARTMENT, due_at__lt=now, escalation_step__lt=STEPS
    )
    callbacks = Callback.objects.filter(
        state__in=CALLBACK_OPEN_STATES, window_end__lt=now, escalation_step__lt=STEPS
    )
    counts = {"handoffs": 0, "callbacks": 0}
    for kind, overdue, escalate in (
        ("handoffs", handoffs, escalate_handoff),
        ("callbacks", callbacks, escalate_callback),
    ):
        for pk in list(overdue.values_list("pk", flat=True)[:1000]):
            try:
                counts[kind] += escalate(pk, now, calendars)
            except Exception:
                logger.exception("escalation of %s %s failed", kind, pk)
    return counts
