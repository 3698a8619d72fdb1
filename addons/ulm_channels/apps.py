from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UlmChannelsConfig(AppConfig):
    name = "ulm_channels"
    verbose_name = _("Channels")

    def ready(self) -> None:
        from ulm_channels import (
            checks,  # noqa: F401 - registers the system checks
            services,
        )
        from ulm_channels.signals import after_tickets_anonymised
        from ulm_servicepoint import services as platform

        # a whole batch at once: the retention run anonymises 1,000 tickets per transaction
        platform.tickets_anonymised.connect(
            after_tickets_anonymised, dispatch_uid="ulm_channels.retention"
        )
        # the capture screen opened for a call tells us which ticket the call became
        platform.register_call_link(services.link_call_to_ticket)
        # the triage prefills the citizen of a mail ticket with the mail's sender
        platform.register_ticket_sender(services.mail_sender_of_ticket)
