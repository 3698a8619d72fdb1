import sys

from django.core.management.base import BaseCommand

from ulm_servicepoint import services


class Command(BaseCommand):
    help = (
        "Writes a consistent backup of the database and the uploaded files (one transaction "
        "snapshot) to DIR, which must not exist yet or be empty: database.dump (pg_dump, custom "
        "format), files/, manifest.json and SHA256SUMS. Restore it with `manage.py restore DIR`."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="the new backup directory")

    def handle(self, *args, **options):
        try:
            result = services.create_backup(options["directory"])
        except services.BackupError as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        self.stdout.write(
            f"Backup written to {result.path}: {result.tickets} tickets, {result.files} files, "
            f"{result.size / 1e6:.1f} MB in {result.seconds:.1f} s."
        )
        if result.missing_files:
            self.stderr.write(
                f"{len(result.missing_files)} files the database refers to were missing "
                f"(listed in manifest.json under missing_files), e.g. {result.missing_files[0]}."
            )
