"""``manage.py load_demo_kpi``: eight weeks of history for the demo's key figures."""

from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from ulm_kpi import services


class Command(BaseCommand):
    help = "Adds eight weeks of demo history for the key figures (once)."

    def handle(self, *args, **options):
        translation.activate("de")
        if services.load_demo_kpi():
            self.stdout.write(_("Demo history for the key figures loaded."))
        else:
            self.stdout.write(_("The demo history for the key figures was there already."))
