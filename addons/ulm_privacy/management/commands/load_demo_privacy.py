"""``manage.py load_demo_privacy``: the demo's roles and their people (``make run``)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ulm_privacy import services


class Command(BaseCommand):
    help = "Creates the role groups and the demo's data-protection officer and knowledge editor."

    def handle(self, *args, **options):
        changes = services.load_demo_privacy()
        for change in changes:
            self.stdout.write(change)
        if not changes:
            self.stdout.write(_("The roles were as they should be; nothing changed."))
