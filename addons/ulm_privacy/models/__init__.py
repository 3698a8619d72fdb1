"""What the data-protection addon stores: the audit log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One access to personal data: who, when, what they did, to which object. Append-only."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("user"),
        related_name="+",
    )
    # kept when the account is deleted: the log must still say who it was
    username = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, db_index=True)
    object_type = models.CharField(_("object type"), max_length=50, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    path = models.CharField(_("address"), max_length=500, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        default_permissions = ()
        permissions = [
            ("view_audit_log", _("Can read and export the audit log")),
            ("handle_data_requests", _("Can answer citizens' data-protection requests")),
        ]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # the data-protection officer's filter "who": one person's events, newest first
            models.Index(fields=["username", "at"], name="ulm_privacy_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_id}"


from ulm_privacy.models.rights import AccessRequest  # noqa: E402, F401  # citizens rights
