"""Data protection: the audit log, citizens' rights (DSGVO Art. 15, 16, 17) and the
data-protection officer's pages."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UlmPrivacyConfig(AppConfig):
    name = "ulm_privacy"
    verbose_name = _("Data protection")

    def ready(self) -> None:
        # the system check of the audit log's retention; the admin's changes into the audit log
        from ulm_privacy import checks, receivers  # noqa: F401
