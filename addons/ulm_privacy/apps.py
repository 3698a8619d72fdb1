from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UlmPrivacyConfig(AppConfig):
    name = "ulm_privacy"
    verbose_name = _("Data protection")
