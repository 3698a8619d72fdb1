"""Which tickets the retention rule has already anonymised."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AnonymisedTicket(models.Model):
    """A closed ticket whose personal data was erased after the retention period (DSGVO Art. 17).

    The ticket row stays, with its queue, status and dates, and so does its case record without
    values or citizen: the anonymous statistics the city keeps."""

    ticket = models.OneToOneField(
        "helpdesk.Ticket",
        on_delete=models.CASCADE,
        related_name="anonymised",
        verbose_name=_("ticket"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("anonymised ticket")
        verbose_name_plural = _("anonymised tickets")

    def __str__(self) -> str:
        return str(self.ticket_id)
