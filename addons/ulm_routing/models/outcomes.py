"""What routing did to a ticket: the record of a run, tags, and mail it would send."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RoutingRecord(models.Model):
    """One application of the rules to a ticket: the department decided, the rules that
    matched (id and name, as they were), and the errors of rules that failed at run time."""

    ticket = models.ForeignKey(
        "helpdesk.Ticket",
        on_delete=models.CASCADE,
        related_name="routing_records",
        verbose_name=_("ticket"),
    )
    department = models.ForeignKey(
        "helpdesk.Queue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    matched_rules = models.JSONField(_("matched rules"), default=list)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("routing record")
        verbose_name_plural = _("routing records")

    def __str__(self) -> str:
        return f"#{self.ticket_id} → {self.department or '—'}"


class TicketTag(models.Model):
    """A tag a rule put on a ticket (the host has no tags)."""

    ticket = models.ForeignKey(
        "helpdesk.Ticket", on_delete=models.CASCADE, related_name="tags", verbose_name=_("ticket")
    )
    name = models.CharField(_("tag"), max_length=50)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["ticket", "name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "name"], name="routing_tag_unique")
        ]

    def __str__(self) -> str:
        return self.name


class PlannedNotification(models.Model):
    """A mail a rule asked for. Recorded now; sending through the outbox comes with the handoff
    (phase 2 of issue 11), which fills ``sent_at``."""

    ticket = models.ForeignKey(
        "helpdesk.Ticket",
        on_delete=models.CASCADE,
        related_name="planned_notifications",
        verbose_name=_("ticket"),
    )
    rule = models.ForeignKey(
        "ulm_routing.Rule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rule"),
    )
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("planned notification")
        verbose_name_plural = _("planned notifications")

    def __str__(self) -> str:
        return f"#{self.ticket_id} → {self.recipient}"
