"""The stable reference of a ticket (``SC-2026-000123``): made once when the ticket is created,
never changed when its queue does."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketReference(models.Model):
    """The reference a citizen is told, mails carry and every list shows. The host's own
    reference (``[queue-slug-id]``) contains the queue and changes on a forward; this one is
    made once per ticket: prefix, the year of creation and a number unique in that year."""

    ticket = models.OneToOneField(
        "helpdesk.Ticket",
        on_delete=models.CASCADE,
        related_name="stable_reference",
        verbose_name=_("ticket"),
    )
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-ticket_id"]
        verbose_name = _("ticket reference")
        verbose_name_plural = _("ticket references")

    def __str__(self) -> str:
        return self.reference
