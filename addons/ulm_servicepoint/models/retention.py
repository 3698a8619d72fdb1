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


class ArchiveOffer(models.Model):
    """An ended request of lasting value offered to the city archive before its personal data
    are erased (Landesarchivgesetz Baden-Württemberg § 3: records are offered before they are
    destroyed). The package lies in ``ULM_SERVICEPOINT_ARCHIVE_DIR``; the archive answers with a
    receipt file there or staff record its answer in the admin. Erasure waits while the offer
    is "offered" or "failed" (see ``ulm_servicepoint.archive``)."""

    class State(models.TextChoices):
        OFFERED = "offered", _("offered, waiting for the archive")
        ACCEPTED = "accepted", _("taken over by the archive")
        DECLINED = "declined", _("declined by the archive")
        EXPIRED = "expired", _("no answer in time")
        FAILED = "failed", _("export failed")

    ticket = models.OneToOneField(
        "helpdesk.Ticket",
        on_delete=models.CASCADE,
        related_name="archive_offer",
        verbose_name=_("ticket"),
    )
    reference = models.CharField(_("reference"), max_length=40)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, db_index=True)
    package = models.CharField(_("package"), max_length=500, blank=True)
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    note = models.TextField(_("archive's note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("archive offer")
        verbose_name_plural = _("archive offers")

    def __str__(self) -> str:
        return self.reference
