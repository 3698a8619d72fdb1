"""Signal receivers of ulm_servicepoint: one call each."""

from ulm_servicepoint import services


def after_migrate(sender, **kwargs):
    services.sync_site()


def after_ticket_update(sender, followup, **kwargs):
    services.note_ticket_update(followup)


def after_ticket_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.assign_reference(instance)
