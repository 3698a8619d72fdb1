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
            worklists,
        )
        from ulm_routing.signals import (
            after_citizen_reply,
            after_city_initialised,
            after_new_ticket,
            after_ticket_update,
            after_tickets_anonymised,
        )
        from ulm_servicepoint.services import (
            citizen_replied,
            city_initialised,
            register_capture_panel,
            register_worklist_column,
            register_worklist_filter,
            set_forward_handler,
            tickets_anonymised,
        )

        # the rules' forward and the capture screen's "Weiterleiten" open tracked handoffs
        routing.set_forwarder(handoffs.handoff_forwarder)
        set_forward_handler(handoffs.forward_captured)
        new_ticket_done.connect(after_new_ticket, dispatch_uid="ulm_routing.intake")
        update_ticket_done.connect(after_ticket_update, dispatch_uid="ulm_routing.host_moved")
        citizen_replied.connect(after_citizen_reply, dispatch_uid="ulm_routing.citizen_reply")
        # retention: the handoffs' and callbacks' texts go with the ticket's personal data
        tickets_anonymised.connect(after_tickets_anonymised, dispatch_uid="ulm_routing.retention")
        # init_city: the configured opening hours and heads of department
        city_initialised.connect(after_city_initialised, dispatch_uid="ulm_routing.city")
        register_capture_panel("ulm_routing/capture_callback_link.html")
        # the work list: the due time of the department's feedback, overdue, waiting
        register_worklist_column("faellig", _("Feedback due"), worklists.due_cells)
        register_worklist_filter("ueberfaellig", _("overdue only"), worklists.overdue_cases)
        register_worklist_filter(
            "wartet", _("waiting for the citizen"), worklists.waiting_for_citizen
        )
