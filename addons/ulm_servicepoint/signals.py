"""Signal receivers of ulm_servicepoint: one call each."""

from ulm_servicepoint import services


def after_migrate(sender, **kwargs):
    services.sync_site()


def after_ticket_update(sender, followup, **kwargs):
    services.note_ticket_update(followup)


def after_ticket_saved(sender, instance, created, raw=False, **kwargs):
    if not raw:
        services.ticket_saved(instance, created)


def after_case_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        services.refresh_cases([instance.ticket_id])


def after_citizen_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        services.citizen_saved(instance.pk)


def after_ticket_change_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.name_queues(instance)
