"""Signal receivers of ulm_servicepoint: one call each."""

from ulm_servicepoint import host_text, services


def after_migrate(sender, **kwargs):
    services.sync_site()


def after_ticket_update(sender, followup, **kwargs):
    services.note_ticket_update(followup)


def after_ticket_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.assign_reference(instance)


def before_followup_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        host_text.translate_followup_title(instance)
