"""SLA policies on business calendars: due times per target, clocks that pause while the
ticket waits for the citizen, and the policy applied to a ticket.

Targets are counted in open hours of the policy's calendar; pauses (``ClockPause``) are taken
out of the open time. The handoff (phase 2 of issue 11) asks for its feedback due time with
``target_due(policy, Target.HANDOFF_FEEDBACK, forwarded_at, pauses_of(ticket))``."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from helpdesk.models import Ticket

from ulm_routing.calendars import CalendarSpec, ClockStopped, load_calendar, spec_of
from ulm_routing.models import ClockPause, SLAPolicy, TicketSLA


class Target:
    FIRST_RESPONSE = "first_response_hours"
    HANDOFF_FEEDBACK = "handoff_feedback_hours"
    RESOLUTION = "resolution_hours"


DEFAULT_HANDOFF_FEEDBACK_HOURS = Decimal(24)


def due_at(
    start: datetime,
    hours: float | Decimal,
    calendar: CalendarSpec | None = None,
    pauses=(),
) -> datetime:
    """The due time ``hours`` open hours after ``start`` on ``calendar`` (default calendar
    when None), pauses left out. Raises CalendarError (ClockStopped while a pause is open)."""
    spec = calendar or load_calendar()
    return spec.add_open_time(start, timedelta(hours=float(hours)), pauses)


def default_policy() -> SLAPolicy | None:
    return SLAPolicy.objects.select_related("calendar").filter(is_default=True).first()


def calendar_of(policy: SLAPolicy) -> CalendarSpec:
    return spec_of(policy.calendar)


def target_due(
    policy: SLAPolicy,
    target: str,
    start: datetime,
    pauses=(),
    calendar: CalendarSpec | None = None,
) -> datetime | None:
    """When ``target`` of ``policy`` is due for a clock started at ``start``; None when the
    policy sets no such target or the clock is paused without end."""
    hours = getattr(policy, target)
    if hours is None:
        return None
    try:
        return due_at(start, hours, calendar or calendar_of(policy), pauses)
    except ClockStopped:
        return None


def pauses_of(ticket: Ticket | int) -> list[tuple[datetime, datetime | None]]:
    """The intervals in which the ticket's clocks stood (or stand) still."""
    ticket_id = ticket if isinstance(ticket, int) else ticket.pk
    return list(
        ClockPause.objects.filter(ticket_id=ticket_id)
        .order_by("started_at")
        .values_list("started_at", "ended_at")
    )


def is_paused(ticket: Ticket) -> bool:
    return ClockPause.objects.filter(ticket=ticket, ended_at__isnull=True).exists()


@transaction.atomic
def apply_policy(
    ticket: Ticket, policy: SLAPolicy, start: datetime | None = None, rule=None
) -> TicketSLA:
    """Puts ``policy`` on the ticket (replacing an earlier one) with its due times, counted
    from ``start`` (default: when the ticket was created)."""
    started = start or ticket.created or timezone.now()
    sla, _created = TicketSLA.objects.update_or_create(
        ticket=ticket, defaults={"policy": policy, "started_at": started, "rule": rule}
    )
    return recompute(sla)


def recompute(sla: TicketSLA) -> TicketSLA:
    """Due times of a ticket's SLA from its start and pauses (after a pause ended)."""
    spec = calendar_of(sla.policy)
    pauses = pauses_of(sla.ticket_id)
    sla.first_response_due = target_due(
        sla.policy, Target.FIRST_RESPONSE, sla.started_at, pauses, spec
    )
    sla.resolution_due = target_due(sla.policy, Target.RESOLUTION, sla.started_at, pauses, spec)
    sla.save(update_fields=["first_response_due", "resolution_due", "updated_at"])
    return sla


class ClockError(ValueError):
    """Pausing a paused clock, or resuming a running one (German message)."""


@transaction.atomic
def pause_clock(ticket: Ticket, at: datetime | None = None, reason: str = "") -> ClockPause:
    """The ticket waits for the citizen: its clocks stand still from ``at`` (now)."""
    Ticket.objects.select_for_update().filter(pk=ticket.pk).first()
    if ClockPause.objects.filter(ticket=ticket, ended_at__isnull=True).exists():
        raise ClockError(_("The clock of this ticket is paused already."))
    pause = ClockPause.objects.create(
        ticket=ticket, started_at=at or timezone.now(), reason=reason[:200]
    )
    sla = TicketSLA.objects.filter(ticket=ticket).first()
    if sla is not None:
        recompute(sla)
    return pause


@transaction.atomic
def resume_clock(ticket: Ticket, at: datetime | None = None) -> ClockPause:
    """The citizen answered: the clocks run again from ``at`` (now); due times move on."""
    Ticket.objects.select_for_update().filter(pk=ticket.pk).first()
    pause = ClockPause.objects.filter(ticket=ticket, ended_at__isnull=True).first()
    if pause is None:
        raise ClockError(_("The clock of this ticket is not paused."))
    pause.ended_at = max(at or timezone.now(), pause.started_at)
    pause.save(update_fields=["ended_at", "updated_at"])
    sla = TicketSLA.objects.filter(ticket=ticket).first()
    if sla is not None:
        recompute(sla)
    return pause


def open_time_left(
    due: datetime, now: datetime | None = None, calendar: CalendarSpec | None = None, pauses=()
) -> timedelta:
    """Open time from now until ``due`` (negative when overdue): what a clock shows."""
    spec = calendar or load_calendar()
    return spec.open_time_between(now or timezone.now(), due, pauses)
