from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ulm_servicepoint import services


class Command(BaseCommand):
    help = "Loads the demo data 'Stadt Ulm (Demo)' once (queues, groups, users, tickets)."

    def handle(self, *args, **options):
        if services.load_demo_data():
            self.stdout.write(_("Demo data loaded."))
        else:
            self.stdout.write(_("Demo data was loaded before; nothing changed."))
