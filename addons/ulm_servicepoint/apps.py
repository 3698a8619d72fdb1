from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UlmServicepointConfig(AppConfig):
    name = "ulm_servicepoint"
    verbose_name = _("Service center")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, post_save
        from helpdesk.models import Ticket, TicketChange
        from helpdesk.signals import update_ticket_done

        from ulm_servicepoint import (
            checks,  # noqa: F401 - registers the system checks
            host_guard,
            host_views,
        )
        from ulm_servicepoint.signals import (
            after_case_saved,
            after_citizen_saved,
            after_migrate,
            after_ticket_change_saved,
            after_ticket_saved,
            after_ticket_update,
        )

        post_migrate.connect(after_migrate, sender=self)
        from ulm_servicepoint.models import CaseRecord, Citizen

        post_save.connect(after_ticket_saved, sender=Ticket, dispatch_uid="ulm_servicepoint.ref")
        post_save.connect(after_case_saved, sender=CaseRecord, dispatch_uid="ulm_servicepoint.case")
        post_save.connect(
            after_citizen_saved, sender=Citizen, dispatch_uid="ulm_servicepoint.citizen"
        )
        post_save.connect(
            after_ticket_change_saved, sender=TicketChange, dispatch_uid="ulm_servicepoint.move"
        )
        update_ticket_done.connect(after_ticket_update, dispatch_uid="ulm_servicepoint.kpi")
        for name, view in host_views.REPLACEMENTS.items():
            host_guard.register_host_view(name, view)
