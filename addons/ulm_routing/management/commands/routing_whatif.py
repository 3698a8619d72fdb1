"""``manage.py routing_whatif --days N [--rules FILE] [--json]``: the what-if replay."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ulm_routing import services
from ulm_routing.rules_io import check_document, specs_of


class Command(BaseCommand):
    help = (
        "Replays the tickets of the last N days against changed rules (a YAML file, else the "
        "drafts) and shows which would have gone to another department."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, required=True)
        parser.add_argument("--rules", default="")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        changed = None
        if options["rules"]:
            try:
                changed = specs_of(check_document(Path(options["rules"]).read_bytes()))
            except OSError as exc:
                raise CommandError(
                    _("The file cannot be read: %(error)s") % {"error": exc}
                ) from None
            except services.RuleInvalid as invalid:
                raise CommandError("\n".join(invalid.messages)) from None
        try:
            result = services.replay(options["days"], changed)
        except services.WhatIfInvalid as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            _("%(tickets)d tickets since %(since)s, %(changed)d would go elsewhere.")
            % {
                "tickets": result.tickets,
                "since": result.since.strftime("%d.%m.%Y %H:%M"),
                "changed": len(result.changed),
            }
        )
        for slug, count in sorted(result.departments.items()):
            self.stdout.write(
                f"{slug or _('service center (1st level)')}: {count.before} → {count.after} "
                f"(+{count.gained} / −{count.lost})"
            )
