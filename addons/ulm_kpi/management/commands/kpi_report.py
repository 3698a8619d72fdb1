"""manage.py kpi_report --from DATE --to DATE [--department SLUG] [--format json|csv|xlsx]:
the dashboard's figures for a period, printed or written to a file."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from ulm_kpi import services


class Command(BaseCommand):
    help = "Prints the key figures of a period (the dashboard's) as JSON, CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="first day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="end", required=True, help="last day (YYYY-MM-DD)")
        parser.add_argument("--department", default="", help="a department's queue slug")
        parser.add_argument("--channel", default="", help="a channel code, e.g. phone")
        parser.add_argument("--request-type", default="", help="a request type's slug")
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
        parser.add_argument("--output", default="", help="write to this file instead of stdout")
        parser.add_argument(
            "--refresh", action="store_true", help="rebuild the daily figures first"
        )

    def handle(self, *args, **options):
        translation.activate("de")
        try:
            period = services.parse_period(options["start"], options["end"])
            scope = services.Scope()
            if options["department"] or options["channel"] or options["request_type"]:
                scope = services.scope_for(
                    None,
                    options["department"],
                    options["channel"],
                    options["request_type"],
                    everything=True,
                )
        except (services.PeriodInvalid, services.ScopeInvalid) as invalid:
            raise CommandError(str(invalid)) from invalid
        if options["refresh"]:
            services.refresh()
        figures = services.compute(period, scope)
        body: str | bytes
        if options["format"] == "json":
            body = json.dumps(figures, ensure_ascii=False, indent=2) + "\n"
        else:
            from ulm_kpi import exports

            body = (
                exports.to_csv(figures) if options["format"] == "csv" else exports.to_xlsx(figures)
            )
        if options["output"]:
            path = Path(options["output"])
            if isinstance(body, bytes):
                path.write_bytes(body)
            else:
                path.write_text(body, encoding="utf-8")
        elif isinstance(body, bytes):
            sys.stdout.buffer.write(body)
        else:
            self.stdout.write(body, ending="")
