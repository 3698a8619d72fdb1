"""Callback requests (Rückrufbitte / Telefonnotiz) and the escalations of handoffs and
callbacks."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CallbackState(models.TextChoices):
    OPEN = "open", _("To call back")
    NOT_REACHED = "not_reached", _("Not reached, try again")
    DONE = "done", _("Called back")
    GIVEN_UP = "given_up", _("Given up")


CALLBACK_OPEN_STATES = (CallbackState.OPEN, CallbackState.NOT_REACHED)


class Callback(models.Model):
    """A caller wanted an office or a person who was not reachable: who called, the number,
    the subject, whom they wanted, and when to call back. The department (or the person) calls
    back, marks it done or "not reached" with the next try; overdue callbacks escalate."""

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    caller_name = models.CharField(_("caller"), max_length=200)
    phone = models.CharField(_("phone number"), max_length=32)
    subject = models.CharField(_("subject"), max_length=500)
    department = models.ForeignKey(
        "helpdesk.Queue",
        on_delete=models.PROTECT,
        related_name="callbacks",
        verbose_name=_("office"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="callbacks",
        verbose_name=_("employee wanted"),
    )
    ticket = models.ForeignKey(
        "helpdesk.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="callbacks",
        verbose_name=_("ticket"),
    )
    window_start = models.DateTimeField(_("call back from"))
    window_end = models.DateTimeField(_("call back until"))
    state = models.CharField(
        _("state"), max_length=12, choices=CallbackState.choices, default=CallbackState.OPEN
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("called back by"),
    )
    done_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    escalation_step = models.PositiveSmallIntegerField(_("escalation step"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["window_end", "pk"]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        indexes = [
            models.Index(
                fields=["department", "state", "window_end"], name="routing_callback_worklist"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_end__gt=models.F("window_start")),
                name="routing_callback_window",
            )
        ]

    def __str__(self) -> str:
        return f"{self.caller_name} → {self.department}"

    @property
    def is_open(self) -> bool:
        return self.state in CALLBACK_OPEN_STATES


class Escalation(models.Model):
    """One escalation step of an overdue handoff or callback, taken once: 1 the clerk, 2 the
    department's heads, 3 the service-center lead; with whom it went to."""

    handoff = models.ForeignKey(
        "ulm_routing.Handoff",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="escalations",
        verbose_name=_("handoff"),
    )
    callback = models.ForeignKey(
        Callback,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="escalations",
        verbose_name=_("callback"),
    )
    step = models.PositiveSmallIntegerField(_("step"))
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(
                fields=["handoff", "step"],
                condition=models.Q(handoff__isnull=False),
                name="routing_escalation_handoff_once",
            ),
            models.UniqueConstraint(
                fields=["callback", "step"],
                condition=models.Q(callback__isnull=False),
                name="routing_escalation_callback_once",
            ),
            models.CheckConstraint(
                condition=models.Q(handoff__isnull=False, callback__isnull=True)
                | models.Q(handoff__isnull=True, callback__isnull=False),
                name="routing_escalation_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.handoff_id or self.callback_id} step {self.step}"
