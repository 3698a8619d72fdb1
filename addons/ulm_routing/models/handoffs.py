"""The tracked handoff (Weiterleitung) of a ticket to a department, its history, the settings
of a department, and when the rules run at intake."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AnswerMode(models.TextChoices):
    DIRECT = "direct", _("The department answers the citizen directly")
    VIA_FIRST_LEVEL = "via_first_level", _("The department answers the service center, which sends")


class DepartmentSettings(models.Model):
    """How a department works with handoffs: how its answers reach the citizen, who its heads
    are (the second escalation step), and whether escalation may write to citizens."""

    queue = models.OneToOneField(
        "helpdesk.Queue",
        on_delete=models.CASCADE,
        related_name="routing_settings",
        verbose_name=_("department"),
    )
    answer_mode = models.CharField(
        _("answers"), max_length=20, choices=AnswerMode.choices, default=AnswerMode.DIRECT
    )
    heads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="headed_departments",
        verbose_name=_("heads of department"),
    )
    notify_citizen_on_escalation = models.BooleanField(
        _("tell the citizen when a handoff is overdue"), default=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["queue__title"]
        verbose_name = _("department setting")
        verbose_name_plural = _("department settings")

    def __str__(self) -> str:
        return str(self.queue)


class IntakeMode(models.TextChoices):
    FIRST_LEVEL = "first_level", _("1st level first")
    FORWARD = "forward", _("Forward at once")


class IntakePolicy(models.Model):
    """At intake, per channel and request type (empty: any), whether the rules forward the
    request at once or the service center sees it first (the default when no policy fits).
    The most specific policy wins: channel and type, then type, then channel."""

    channel = models.CharField(_("channel"), max_length=10, blank=True)
    request_type = models.ForeignKey(
        "ulm_servicepoint.RequestType",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("request type"),
    )
    mode = models.CharField(
        _("at intake"), max_length=12, choices=IntakeMode.choices, default=IntakeMode.FIRST_LEVEL
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["request_type__name", "channel"]
        verbose_name = _("intake policy")
        verbose_name_plural = _("intake policies")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "request_type"],
                name="routing_intake_policy_unique",
                nulls_distinct=False,
                violation_error_message=_("There is a policy for this channel and type already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_type or '*'} / {self.channel or '*'}: {self.get_mode_display()}"


class HandoffState(models.TextChoices):
    OPEN = "open", _("With the department")
    ASKED_FIRST_LEVEL = "asked_first_level", _("Question to the service center")
    ASKED_CITIZEN = "asked_citizen", _("Question to the citizen (clock paused)")
    ANSWER_FOR_FIRST_LEVEL = "answer_for_first_level", _("Answer waiting to be sent")
    ANSWERED = "answered", _("Answered")
    REJECTED = "rejected", _("Not responsible")
    PASSED_ON = "passed_on", _("Passed on")


# the department has to act
WITH_DEPARTMENT = (HandoffState.OPEN, HandoffState.ASKED_FIRST_LEVEL, HandoffState.ASKED_CITIZEN)
# not finished yet (the service center's list of open handoffs)
OPEN_STATES = (*WITH_DEPARTMENT, HandoffState.ANSWER_FOR_FIRST_LEVEL)


class Handoff(models.Model):
    """The forward of a ticket to a department, tracked until the department has given its
    feedback: who forwarded when, to which department, what the rules proposed and why the
    agent chose otherwise, the pre-qualified summary, when feedback is due (open hours of the
    department's calendar; the clock stands while the citizen is asked), and the state. The
    agent who forwarded stays the owner; the department works the ticket in its queue."""

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    ticket = models.ForeignKey(
        "helpdesk.Ticket",
        on_delete=models.CASCADE,
        related_name="handoffs",
        verbose_name=_("ticket"),
    )
    department = models.ForeignKey(
        "helpdesk.Queue",
        on_delete=models.PROTECT,
        related_name="handoffs",
        verbose_name=_("department"),
    )
    from_queue = models.ForeignKey(
        "helpdesk.Queue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forwarded from"),
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next",
        verbose_name=_("passed on from"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_handoffs",
        verbose_name=_("owner (service center)"),
    )
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forwarded by"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_handoffs",
        verbose_name=_("clerk"),
    )
    rule = models.ForeignKey(
        "ulm_routing.Rule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handoffs",
        verbose_name=_("rule that decided"),
    )
    proposed_department = models.ForeignKey(
        "helpdesk.Queue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by the rules"),
    )
    override_reason = models.CharField(_("why another department"), max_length=500, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    values = models.JSONField(_("captured values"), default=list, blank=True)
    told_citizen = models.TextField(_("already told to the citizen"), blank=True)
    policy = models.ForeignKey(
        "ulm_routing.SLAPolicy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SLA policy"),
    )
    state = models.CharField(
        _("state"), max_length=24, choices=HandoffState.choices, default=HandoffState.OPEN
    )
    forwarded_at = models.DateTimeField(_("forwarded at"))
    # the promise counts from the first forward: passing on keeps the clock
    clock_started_at = models.DateTimeField(_("clock started at"))
    due_at = models.DateTimeField(_("feedback due"), null=True, blank=True)
    feedback_at = models.DateTimeField(_("feedback given at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    question = models.TextField(_("question"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    escalation_step = models.PositiveSmallIntegerField(_("escalation step"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-forwarded_at", "-pk"]
        verbose_name = _("handoff")
        verbose_name_plural = _("handoffs")
        indexes = [
            models.Index(fields=["department", "state", "due_at"], name="routing_handoff_worklist"),
            models.Index(fields=["state", "due_at"], name="routing_handoff_state_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=models.Q(
                    state__in=[
                        "open",
                        "asked_first_level",
                        "asked_citizen",
                        "answer_for_first_level",
                    ]
                ),
                name="routing_one_open_handoff",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} → {self.department}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class HandoffEvent(models.Model):
    """One step in a handoff's history: forwarded, answered, asked, the citizen's reply,
    rejected, passed on, an escalation."""

    class Kind(models.TextChoices):
        FORWARDED = "forwarded", _("Forwarded")
        ANSWERED = "answered", _("Answered")
        ANSWER_SENT = "answer_sent", _("Answer sent by the service center")
        ASKED_FIRST_LEVEL = "asked_first_level", _("Asked the service center")
        ASKED_CITIZEN = "asked_citizen", _("Asked the citizen")
        REPLIED = "replied", _("Reply to the question")
        CITIZEN_REPLIED = "citizen_replied", _("The citizen replied")
        REJECTED = "rejected", _("Not responsible")
        PASSED_ON = "passed_on", _("Passed on")
        TAKEN = "taken", _("Taken")
        ESCALATED = "escalated", _("Escalated")
        MOVED_BY_HOST = "moved", _("Queue changed in the ticket form")

    handoff = models.ForeignKey(
        Handoff, on_delete=models.CASCADE, related_name="events", verbose_name=_("handoff")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    text = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("handoff event")
        verbose_name_plural = _("handoff events")

    def __str__(self) -> str:
        return f"{self.handoff_id} {self.kind}"
