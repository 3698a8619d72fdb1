"""``manage.py kb_search "QUERY" --limit N --json`` (or ``--queries FILE``): searches the
knowledge base as agents and the API do."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ulm_knowledge import services


class Command(BaseCommand):
    help = 'Searches the knowledge base; --json prints {"results": [...]}.'

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="?")
        parser.add_argument("--queries", help="file with one query per line")
        parser.add_argument("--limit", type=int, default=None)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, query, queries, limit, json: bool, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit muss eine positive Zahl sein.")
        if queries:
            try:
                lines = Path(queries).read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise CommandError(f"--queries: Datei nicht lesbar ({exc}).") from None
        elif query is not None:
            lines = [query]
        else:
            raise CommandError("Bitte eine Suchanfrage oder --queries DATEI angeben.")
        for line in lines:
            hits = services.search(line, limit)
            if json:
                self.stdout.write(_dumps({"results": [h.as_dict() for h in hits]}))
            else:
                for hit in hits:
                    self.stdout.write(f"{hit.score:8.3f}  {hit.external_id:20}  {hit.title}")
                self.stdout.write("")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
