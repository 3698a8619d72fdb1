from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UlmKpiConfig(AppConfig):
    name = "ulm_kpi"
    verbose_name = _("Key figures and quality")

    def ready(self) -> None:
        from ulm_kpi import access, checks  # noqa: F401 - checks registers the system checks
        from ulm_servicepoint.services import register_landing_page

        # the city's management and a department's head land on the key figures
        register_landing_page(access.landing_page)
