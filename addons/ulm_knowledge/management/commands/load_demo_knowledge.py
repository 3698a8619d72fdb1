"""``manage.py load_demo_knowledge``: the demo city's services and answers (``make run``)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ulm_knowledge import services


class Command(BaseCommand):
    help = "Loads the demo city's services and answers once (after load_demo)."

    def handle(self, *args, **options):
        if services.load_demo_knowledge():
            self.stdout.write(_("Demo knowledge base loaded."))
        else:
            self.stdout.write(_("Demo knowledge base was loaded before; nothing changed."))
