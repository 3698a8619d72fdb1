import sys

from django.core.management.base import BaseCommand

from ulm_servicepoint import services


class Command(BaseCommand):
    help = (
        "Restores a backup made by `manage.py backup` into the configured database and "
        "MEDIA_ROOT after checking every checksum. Refuses a database with any ticket or user "
        "unless --force is given (then its contents are replaced)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="the backup directory")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the contents of a database that is not empty",
        )

    def handle(self, *args, **options):
        try:
            result = services.restore_backup(options["directory"], force=options["force"])
        except services.BackupError as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        self.stdout.write(
            f"Restored {result.path}: {result.tickets} tickets, {result.files} files "
            f"in {result.seconds:.1f} s."
        )
        if result.pending_migrations:
            shown = ", ".join(result.pending_migrations[:5])
            more = " …" if len(result.pending_migrations) > 5 else ""
            self.stdout.write(
                f"The backup is older than this code: run `manage.py migrate` now "
                f"({len(result.pending_migrations)} migrations to apply: {shown}{more})."
            )
