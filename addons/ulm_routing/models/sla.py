"""SLA policies, the policy applied to a ticket, and the intervals its clocks stand still."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

HOURS: dict[str, Any] = {
    "max_digits": 7,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal("0.01"))],
}


class SLAPolicy(models.Model):
    """Service-level targets, each in open hours of the policy's calendar: first response,
    feedback on a handoff to a department (115 promise: 24 hours of service time), resolution."""

    name = models.CharField(_("Name"), max_length=100, unique=True)
    calendar = models.ForeignKey(
        "ulm_routing.BusinessCalendar",
        on_delete=models.PROTECT,
        related_name="sla_policies",
        verbose_name=_("calendar"),
    )
    first_response_hours = models.DecimalField(
        _("first response within (open hours)"), null=True, blank=True, **HOURS
    )
    handoff_feedback_hours = models.DecimalField(
        _("feedback on a handoff within (open hours)"), default=Decimal(24), **HOURS
    )
    resolution_hours = models.DecimalField(
        _("resolution within (open hours)"), null=True, blank=True, **HOURS
    )
    is_default = models.BooleanField(_("default policy"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="routing_one_default_sla_policy",
                violation_error_message=_("There is already a default SLA policy."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class TicketSLA(models.Model):
    """The SLA policy applied to a ticket (by a rule or by hand) and the due times computed from
    it; recomputed when the clock was paused (waiting for the citizen)."""

    ticket = models.OneToOneField(
        "helpdesk.Ticket", on_delete=models.CASCADE, related_name="sla", verbose_name=_("ticket")
    )
    policy = models.ForeignKey(
        SLAPolicy, on_delete=models.PROTECT, related_name="+", verbose_name=_("SLA policy")
    )
    started_at = models.DateTimeField(_("clock started at"))
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    rule = models.ForeignKey(
        "ulm_routing.Rule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied by rule"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("ticket SLA")
        verbose_name_plural = _("ticket SLAs")

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.policy}"


class ClockPause(models.Model):
    """An interval in which a ticket's SLA clocks stand still (waiting for the citizen). An open
    pause has no end yet; a ticket has at most one open pause."""

    ticket = models.ForeignKey(
        "helpdesk.Ticket",
        on_delete=models.CASCADE,
        related_name="clock_pauses",
        verbose_name=_("ticket"),
    )
    started_at = models.DateTimeField(_("paused from"))
    ended_at = models.DateTimeField(_("paused until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["ticket", "started_at"]
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=models.Q(ended_at__isnull=True),
                name="routing_one_open_pause",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
                name="routing_pause_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.started_at:%d.%m.%Y %H:%M}"
