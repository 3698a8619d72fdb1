"""Quality sampling (Qualitätssicherung): each week's random sample of closed tickets per agent,
and the lead's review of each with a short checklist (ulm_kpi.quality draws and reviews)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SampleKind(models.TextChoices):
    """What the agent did with the request: answered it at first contact, forwarded it to a
    department, or answered it later in the service center."""

    FIRST_CONTACT = "first_contact", _("Answered at first contact")
    FORWARD = "forward", _("Forwarded to a department")
    OTHER = "other", _("Answered later")


class Rating(models.TextChoices):
    """One answer of the checklist. "Not applicable" only where a criterion may not apply (no
    knowledge item was needed; nothing was forwarded)."""

    YES = "yes", _("yes")
    PARTLY = "partly", _("partly")
    NO = "no", _("no")
    NOT_APPLICABLE = "na", _("not applicable")


class QualityWeek(models.Model):
    """One week's drawing (ISO week, Monday to Sunday, Europe/Berlin): drawn once, whoever asks
    again (the weekly job, ``manage.py quality_sample``) gets the samples drawn then."""

    week_start = models.DateField(_("week (Monday)"), unique=True)
    sample_size = models.PositiveSmallIntegerField(_("sample size per agent"))
    created_at = models.DateTimeField(_("drawn at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-week_start"]
        verbose_name = _("quality sampling week")
        verbose_name_plural = _("quality sampling weeks")

    def __str__(self) -> str:
        year, week, _day = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def week_end(self) -> date:
        """The week's Sunday."""
        return self.week_start + timedelta(days=6)


class QualitySample(models.Model):
    """A closed ticket drawn for review: the agent it is counted for, and the agent's team
    (department group or the service center) as it was when drawn, so that a later move of the
    agent does not change last month's figures."""

    week = models.ForeignKey(
        QualityWeek, on_delete=models.CASCADE, related_name="samples", verbose_name=_("week")
    )
    ticket = models.ForeignKey(
        "helpdesk.Ticket", on_delete=models.CASCADE, related_name="+", verbose_name=_("ticket")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    team = models.CharField(_("team"), max_length=100)
    team_queue = models.ForeignKey(
        "helpdesk.Queue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("queue of the team"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SampleKind.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-week__week_start", "team", "pk"]
        verbose_name = _("quality sample")
        verbose_name_plural = _("quality samples")
        constraints = [
            models.UniqueConstraint(fields=["week", "ticket"], name="kpi_sample_once_a_week")
        ]
        indexes = [models.Index(fields=["agent", "week"], name="kpi_sample_agent")]

    def __str__(self) -> str:
        return f"{self.week} #{self.ticket_id}"


class QualityReview(models.Model):
    """The lead's checklist for one sample: every criterion answered, an optional note."""

    sample = models.OneToOneField(
        QualitySample, on_delete=models.CASCADE, related_name="review", verbose_name=_("sample")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), db_index=True)
    correct = models.CharField(
        _("information correct and complete"), max_length=10, choices=Rating.choices
    )
    knowledge_item = models.CharField(
        _("right knowledge item and version"), max_length=10, choices=Rating.choices
    )
    department = models.CharField(_("right department"), max_length=10, choices=Rating.choices)
    tone = models.CharField(_("tone"), max_length=10, choices=Rating.choices)
    privacy = models.CharField(
        _("data protection respected"), max_length=10, choices=Rating.choices
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-reviewed_at"]
        verbose_name = _("quality review")
        verbose_name_plural = _("quality reviews")

    def __str__(self) -> str:
        return str(self.sample)
