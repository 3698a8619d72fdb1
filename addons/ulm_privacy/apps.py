"""Data protection: the audit log, citizens' rights (DSGVO Art. 15, 16, 17) and the
data-protection officer's pages."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UlmPrivacyConfig(AppConfig):
    name = "ulm_privacy"
    verbose_name = _("Data protection")

    def ready(self) -> None:
        # the system check of the audit log's retention; the admin's changes into the audit log
        from django.db.models.signals import post_save, pre_save

        from ulm_privacy import access, checks, receivers, rights_signals  # noqa: F401
        from ulm_servicepoint.services import city_initialised, register_landing_page

        # init_city: every role group with exactly its permissions, the heads in theirs
        city_initialised.connect(receivers.after_city_initialised, dispatch_uid="ulm_privacy.city")
        # the data-protection officer sees no queue: the audit log is the start page
        register_landing_page(access.landing_page)

        # Art. 16: every change of a citizen's personal data is recorded
        pre_save.connect(
            rights_signals.before_citizen_saved,
            sender="ulm_servicepoint.Citizen",
            dispatch_uid="ulm_privacy.correction_before",
        )
        post_save.connect(
            rights_signals.after_citizen_saved,
            sender="ulm_servicepoint.Citizen",
            dispatch_uid="ulm_privacy.correction_after",
        )
