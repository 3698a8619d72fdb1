"""Who can take work: absences with substitutes, and the round-robin position per department."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Absence(models.Model):
    """A staff member away from–to (holiday, illness, training), with an optional substitute
    who takes their assignments meanwhile."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="absences",
        verbose_name=_("staff member"),
    )
    starts_at = models.DateTimeField(_("absent from"))
    ends_at = models.DateTimeField(_("absent until"))
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="substitutions",
        verbose_name=_("substitute"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        indexes = [models.Index(fields=["user", "ends_at"], name="routing_absence_user_end")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="routing_absence_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.starts_at:%d.%m.%Y}–{self.ends_at:%d.%m.%Y}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The absence must end after it starts.")
        if self.substitute_id and self.substitute_id == self.user_id:
            errors["substitute"] = _("Nobody can be their own substitute.")
        if errors:
            raise ValidationError(errors)


class AssignmentCursor(models.Model):
    """Where round-robin assignment stands in a department: the member assigned last."""

    queue = models.OneToOneField(
        "helpdesk.Queue",
        on_delete=models.CASCADE,
        related_name="assignment_cursor",
        verbose_name=_("department"),
    )
    last_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned last"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["queue"]
        verbose_name = _("round-robin position")
        verbose_name_plural = _("round-robin positions")

    def __str__(self) -> str:
        return str(self.queue)
