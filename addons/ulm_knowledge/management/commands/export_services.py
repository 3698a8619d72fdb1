"""``manage.py export_services --format xzufi [--xzufi-version 2.3.1] PATH``: our published services
as an XZuFi transfer message."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ulm_knowledge import services


class Command(BaseCommand):
    help = "Exports the published services as an XZuFi transfer message."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--format", dest="fmt", choices=["xzufi"], default="xzufi")
        parser.add_argument(
            "--xzufi-version", dest="xzufi_version", choices=["2.2.0", "2.3.1"], default="2.2.0"
        )

    def handle(self, *args, path, fmt, xzufi_version, **options):
        data = services.export_xzufi(xzufi_version)
        try:
            Path(path).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Datei nicht schreibbar: {exc}") from None
        self.stdout.write(f"XZuFi {xzufi_version} geschrieben: {path} ({len(data)} Bytes).")
