from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UlmRoutingConfig(AppConfig):
    name = "ulm_routing"
    verbose_name = _("Routing and service levels")

    def ready(self) -> None:
        from ulm_routing import checks  # noqa: F401 - registers the system checks
