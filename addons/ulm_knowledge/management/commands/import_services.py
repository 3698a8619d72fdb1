"""``manage.py import_services --format dldb PATH``: imports service descriptions."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from helpdesk.models import Queue

from ulm_knowledge import services
from ulm_knowledge.models import Status


class Command(BaseCommand):
    help = (
        "Imports service descriptions (DLDB JSON, XZuFi 2.2.0/2.3.1); idempotent, versioned "
        "on change."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--format", dest="fmt", choices=["dldb", "xzufi"], default="dldb")
        parser.add_argument("--locations", help="DLDB locations file (addresses, contacts)")
        parser.add_argument("--department", help="slug of the responsible department's queue")
        parser.add_argument(
            "--status", choices=[s.value for s in Status], default=Status.PUBLISHED.value
        )

    def handle(self, *args, path, fmt, locations, department, status, **options):
        queue = None
        if department:
            queue = Queue.objects.filter(slug=department).first()
            if queue is None:
                raise CommandError(f"Abteilung (--department) {department!r} gibt es nicht.")
        bar = sys.stderr.isatty() or options["verbosity"] > 1

        def progress(done: int, total: int) -> None:
            if bar and (done == total or done % 10 == 0):
                filled = int(30 * done / max(total, 1))
                sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
                if done == total:
                    sys.stderr.write("\n")

        try:
            summary = services.import_services(
                path, fmt, locations=locations, department=queue, status=status, progress=progress
            )
        except (services.ImportFileError, OSError) as exc:
            raise CommandError(f"Datei nicht lesbar: {exc}") from None
        for item in summary.malformed:
            self.stderr.write(f"Übersprungen: Eintrag {item.label}: {item.reason}")
        self.stdout.write(
            f"{summary.total} Einträge: {summary.created} neu, {summary.updated} geändert, "
            f"{summary.unchanged} unverändert, {summary.retired} außer Dienst, "
            f"{len(summary.malformed)} fehlerhaft, {summary.linked} neu mit Anliegenarten "
            f"verknüpft ({summary.seconds:.1f} s)."
        )
