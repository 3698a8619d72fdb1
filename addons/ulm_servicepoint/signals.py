"""Signal receivers of ulm_servicepoint: one call each."""

from ulm_servicepoint import services


def after_migrate(sender, **kwargs):
    services.sync_site()
