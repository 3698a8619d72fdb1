"""The monthly report: the key figures of one month as a PDF for the city's management, made by
the worker (report.build_monthly_report) and kept for download."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthlyReport(models.Model):
    """One PDF of one month's figures, for the whole city (no department) or one department.
    Requested by a person or by the monthly job; the worker fills in the file."""

    class State(models.TextChoices):
        PENDING = "pending", _("being prepared")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    department = models.ForeignKey(
        "helpdesk.Queue",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
        help_text=_("Empty: the whole service center."),
    )
    # private: the default storage serves no file without an access check, and the report's
    # own view is the only way to it (report_views.download)
    file = models.FileField(_("file"), upload_to="kennzahlen/berichte/%Y/", blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-month", "-created_at"]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        indexes = [models.Index(fields=["month", "department"], name="kpi_report_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.department_id or '*'}"
