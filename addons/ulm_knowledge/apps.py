from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UlmKnowledgeConfig(AppConfig):
    name = "ulm_knowledge"
    verbose_name = _("Knowledge base")
