from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UlmRoutingConfig(AppConfig):
    name = "ulm_routing"
    verbose_name = _("Routing and service levels")
