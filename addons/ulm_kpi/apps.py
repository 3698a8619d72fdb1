from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UlmKpiConfig(AppConfig):
    name = "ulm_kpi"
    verbose_name = _("Key figures and quality")
