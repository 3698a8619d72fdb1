import json

from django.core.management.base import BaseCommand

from ulm_servicepoint import services


class Command(BaseCommand):
    help = (
        "Anonymises closed requests past the retention period (the nightly job does the same) "
        'and prints {"tickets": N, "citizens": N}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="at most this many tickets")

    def handle(self, *args, **options):
        result = services.apply_retention(limit=options["limit"])
        self.stdout.write(json.dumps({"tickets": result.tickets, "citizens": result.citizens}))
