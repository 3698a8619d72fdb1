import json

from django.core.management.base import BaseCommand

from ulm_servicepoint import services


class Command(BaseCommand):
    help = (
        "Reads the city archive's receipts, offers due archive-worthy requests to the archive, "
        "anonymises closed requests past their type's retention period (the nightly job does "
        'the same) and prints {"tickets": N, "citizens": N, "offered": N, "failed": N, …}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="at most this many tickets")

    def handle(self, *args, **options):
        result = services.apply_retention(limit=options["limit"])
        self.stdout.write(
            json.dumps(
                {
                    "tickets": result.tickets,
                    "citizens": result.citizens,
                    "offered": result.offered,
                    "failed": result.failed,
                    "waiting": result.waiting,
                    "archive_answers": result.decided,
                }
            )
        )
