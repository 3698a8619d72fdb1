from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UlmKnowledgeConfig(AppConfig):
    name = "ulm_knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_delete
        from helpdesk.models import KBItem

        from ulm_knowledge import (
            checks,  # noqa: F401 - registers the system checks
            services,
            views,
        )
        from ulm_knowledge.signals import (
            after_capture,
            before_kbitem_delete,
            capture_schema_saved,
            request_type_saved,
        )
        from ulm_servicepoint.host_guard import register_host_check, register_host_view
        from ulm_servicepoint.services import (
            register_capture_panel,
            register_request_type_search,
            register_request_type_suggester,
            register_told_citizen,
            request_captured,
        )

        pre_delete.connect(before_kbitem_delete, sender=KBItem, dispatch_uid="ulm_kb_guard")
        request_captured.connect(after_capture, dispatch_uid="ulm_kb_capture")
        # request types are found by the knowledge base's search, their entries kept current
        register_request_type_search(services.rank_request_types)
        post_save.connect(
            request_type_saved, sender="ulm_servicepoint.RequestType", dispatch_uid="ulm_kb_rt"
        )
        post_save.connect(
            capture_schema_saved,
            sender="ulm_servicepoint.CaptureSchema",
            dispatch_uid="ulm_kb_rt_schema",
        )
        register_capture_panel("ulm_knowledge/capture_slot.html")
        register_told_citizen(services.answers_told)
        # the host's knowledge-base index lists only its own (empty) categories: ours instead
        register_host_view("kb_index", views.host_kb_index)
        # the triage proposes request types for an untyped ticket from its text
        register_request_type_suggester(services.request_types_for_ticket)
        register_host_check("kb_vote", lambda request, url: services.vote_refused(url["item_id"]))
