from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UlmRoutingConfig(AppConfig):
    name = "ulm_routing"
    verbose_name = _("Routing and service levels")

    def ready(self) -> None:
        from helpdesk.signals import new_ticket_done, update_ticket_done

        from ulm_routing import (
            checks,  # noqa: F401 - registers the system checks
            handoffs,
            routing,
        )
        from ulm_routing.signals import after_citizen_reply, after_new_ticket, after_ticket_update
        from ulm_servicepoint.services import (
            citizen_replied,
            register_capture_panel,
            set_forward_handler,
        )

        # the rules' forward and the capture screen's "Weiterleiten" open tracked handoffs
        routing.set_forwarder(handoffs.handoff_forwarder)
        set_forward_handler(handoffs.forward_captured)
        new_ticket_done.connect(after_new_ticket, dispatch_uid="ulm_routing.intake")
        update_ticket_done.connect(after_ticket_update, dispatch_uid="ulm_routing.host_moved")
        citizen_replied.connect(after_citizen_reply, dispatch_uid="ulm_routing.citizen_reply")
        register_capture_panel("ulm_routing/capture_callback_link.html")
