"""``manage.py ingest_mail PATH...``: .eml files, directories, mbox and Maildir through the same
pipeline as the IMAP intake; one JSON summary on stdout, ``--report FILE`` one line a message."""

import json

from django.core.management.base import BaseCommand, CommandError

from ulm_channels import services
from ulm_servicepoint.services import missing_setup


class Command(BaseCommand):
    help = "Feeds .eml files, directories (recursive), mbox and Maildir to the e-mail intake."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--report", metavar="FILE", help="one JSON line per message")

    def handle(self, *args, **options):
        missing = missing_setup()
        if missing:  # without the service center's queue every mail would be quarantined
            raise CommandError(missing)
        report = open(options["report"], "w", encoding="utf-8") if options["report"] else None  # noqa: SIM115
        try:

            def write(source, result):
                if report is not None:
                    line = {
                        "source": source,
                        "message_id": result.message_id or None,
                        "outcome": result.outcome,
                        "ticket": result.ticket,
                        "reason": result.reason,
                    }
                    report.write(json.dumps(line, ensure_ascii=False) + "\n")
                    report.flush()

            summary = services.ingest_paths(options["paths"], on_result=write)
        finally:
            if report is not None:
                report.close()
        self.stdout.write(json.dumps(summary))
