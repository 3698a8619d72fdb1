"""``manage.py load_demo_routing``: the demo city's calendars, SLA policies and rules."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ulm_routing import services


class Command(BaseCommand):
    help = (
        "Loads the demo city's calendars, SLA policies and routing rules, its clerks, heads, "
        "service-center lead, handoffs and callbacks once (after load_demo)."
    )

    def handle(self, *args, **options):
        if services.load_demo_routing():
            self.stdout.write(_("Demo routing loaded."))
        else:
            self.stdout.write(_("Demo routing was loaded before; nothing changed."))
        if services.load_demo_loop():
            self.stdout.write(_("Demo clerks, heads, the service-center lead and handoffs loaded."))
