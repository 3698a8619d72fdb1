"""The phone channel: every call the city's PBX reports, for the reachability KPI."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Call(models.Model):
    """One call as reported by the PBX (new call, answered, hang-up), keyed by its call id."""

    class Direction(models.TextChoices):
        INBOUND = "in", _("Inbound")
        OUTBOUND = "out", _("Outbound")

    call_id = models.CharField(_("call id"), max_length=128, unique=True)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, default=Direction.INBOUND
    )
    caller = models.CharField(_("caller number"), max_length=40, blank=True)
    caller_normalised = models.CharField(
        _("caller number (normalised)"), max_length=40, blank=True, db_index=True
    )
    called = models.CharField(_("called number"), max_length=40, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    started_at = models.DateTimeField(_("started at"), db_index=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ticket = models.ForeignKey(
        "helpdesk.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ticket captured from this call"),
    )
    hangup_cause = models.CharField(_("hang-up cause"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self) -> str:
        return f"{self.call_id} {self.caller}"

    @property
    def ringing_seconds(self) -> float | None:
        """Seconds from the first ring to the answer (or to the hang-up of a missed call)."""
        end = self.answered_at or self.ended_at
        return (end - self.started_at).total_seconds() if end else None

    @property
    def duration_seconds(self) -> float | None:
        """Seconds of conversation (answer to hang-up); None for a missed or running call."""
        if self.answered_at and self.ended_at:
            return (self.ended_at - self.answered_at).total_seconds()
        return None

    @property
    def missed(self) -> bool:
        return self.ended_at is not None and self.answered_at is None
