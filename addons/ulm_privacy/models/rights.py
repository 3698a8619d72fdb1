"""Citizens' rights: the Art. 15 packages asked for by the data-protection officer."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessRequest(models.Model):
    """One request for an Art. 15 package (DSGVO right of access): about a citizen found by the
    data-protection officer, or about an address or number that matched no citizen (the
    package is then empty or holds only what the channels keep under it). Made by the worker
    (``ulm_privacy.build_access_package``) as one ZIP in the private file storage."""

    class State(models.TextChoices):
        PENDING = "pending", _("being prepared")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    citizen = models.ForeignKey(
        "ulm_servicepoint.Citizen",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("citizen"),
    )
    # what the officer searched for (the data subject's identifier, needed to answer him)
    query = models.CharField(_("searched for"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    # private: the default storage serves no file without an access check; rights_views is
    # the only way to it
    file = models.FileField(_("file"), upload_to="datenschutz/auskunft/%Y/", blank=True)
    summary = models.JSONField(_("contents"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
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
        ordering = ["-created_at", "-pk"]
        verbose_name = _("access request (Art. 15)")
        verbose_name_plural = _("access requests (Art. 15)")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.citizen_id or self.query}"
