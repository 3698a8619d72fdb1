from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UlmChannelsConfig(AppConfig):
    name = "ulm_channels"
    verbose_name = _("Channels")
