from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UlmKpiConfig(AppConfig):
    name = "ulm_kpi"
    verbose_name = _("Key figures and quality")

    def ready(self) -> None:
        from ulm_kpi import checks  # noqa: F401 - registers the system checks
