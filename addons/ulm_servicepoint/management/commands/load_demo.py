from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ulm_servicepoint import services


class Command(BaseCommand):
    help = (
        "Loads the demo data 'Stadt Ulm (Demo)' once (queues, groups, users, tickets, request "
        "types, captured requests)."
    )

    def handle(self, *args, **options):
        loaded = services.load_demo_data()
        services.load_demo_cases()
        if loaded:
            self.stdout.write(_("Demo data loaded."))
        else:
            self.stdout.write(_("Demo data was loaded before; nothing changed."))
