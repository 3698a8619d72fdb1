"""Citizen feedback (Zufriedenheit): one rating per request, given through the citizen's private
link (``CitizenLink``) after an answer."""

from django.db import models
from django.utils.translation import gettext_lazy as _

COMMENT_MAX_LENGTH = 2000


class SatisfactionRating(models.Model):
    """How satisfied the citizen was with the answer to one request (five levels) and an
    optional comment. The comment is personal data: it is blanked when the ticket is
    anonymised; the level stays for the statistics, which never show names or comments."""

    class Level(models.IntegerChoices):
        VERY_DISSATISFIED = 1, _("very dissatisfied")
        DISSATISFIED = 2, _("dissatisfied")
        NEUTRAL = 3, _("partly satisfied")
        SATISFIED = 4, _("satisfied")
        VERY_SATISFIED = 5, _("very satisfied")

    ticket = models.OneToOneField(
        "helpdesk.Ticket",
        on_delete=models.CASCADE,
        related_name="satisfaction_rating",
        verbose_name=_("ticket"),
    )
    level = models.PositiveSmallIntegerField(_("rating"), choices=Level.choices)
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="ulm_channels_rating_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.level}"
