"""``manage.py routing_rules export FILE`` / ``routing_rules import FILE [--dry-run]``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ulm_routing import services


class Command(BaseCommand):
    help = (
        "Exports the live routing rules to a YAML file, or imports one (all or nothing; "
        "--dry-run only reports what would change). FILE '-' is standard output on export."
    )

    def add_arguments(self, parser):
        parser.add_argument("direction", choices=["export", "import"])
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        path = options["file"]
        if options["direction"] == "export":
            text = services.export_rules()
            if path == "-":
                self.stdout.write(text, ending="")
            else:
                Path(path).write_text(text, encoding="utf-8")
            return
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(_("The file cannot be read: %(error)s") % {"error": exc}) from None
        try:
            summary = services.import_rules(text, dry_run=options["dry_run"])
        except services.RuleInvalid as invalid:
            raise CommandError(
                _("Nothing was imported:") + "\n" + "\n".join(invalid.messages)
            ) from None
        self.stdout.write(summary.as_text())
