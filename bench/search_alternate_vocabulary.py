"""Berlin's wording as alternate vocabulary for Munich's services (issue 17, item 2), measured.

    .venv/bin/python bench/search_alternate_vocabulary.py [--blind]

Berlin's 2016 catalogue has names and topics, no descriptions and no LeiKa keys, so a Berlin
service counts as the same as a Munich one only where the match is certain: every word of the
Munich name (light stems) is in the Berlin name, and the Berlin name adds at most procedural
words ("beantragen", "Verlängerung" …). Such a Munich service gains the Berlin name and the names
of the Berlin topics it sits in as keywords (field B). Inside one transaction the keywords are
set, the index rebuilt and the query sets searched; then everything is rolled back.

Uses the database of search_quality.py (run it first: it imports Munich's catalogue).
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# search_quality sets the settings and its database (ULM_DB_NAME=ulm_bench_quality)
from search_quality import DATA, ROOT, read_queries

SETS = ["", "_fresh_a", "_fresh_b", "_fresh_c", "_probe", "_situations_dev", "_situations_dev2"]
PROCEDURAL = "beantragen erklären erteilen erteilung ausstellung verlängerung beantragung allgemein"


class Rollback(Exception):
    pass


def berlin_wording() -> dict[str, str]:
    """Munich external id → the Berlin name and topic names of the certainly same service."""
    from ulm_knowledge.text import light_stem, tokens

    def stems(text: str) -> set[str]:
        return {light_stem(w) for w in tokens(text)}

    berlin = json.loads((DATA / "berlin_dldb_services_de_2016.json").read_text())["data"]
    topics = json.loads((DATA / "berlin_dldb_topics_de_2016.json").read_text())["data"]
    munich = json.loads((DATA / "muenchen_dldb_services_de.json").read_text())["data"]
    in_topics: dict[str, list[str]] = {}
    for topic in topics:
        relation = topic["relation"]
        relation = ast.literal_eval(relation) if isinstance(relation, str) else relation
        for service in relation.get("services", []):
            in_topics.setdefault(service["id"], []).append(topic["name"])
    procedural = stems(PROCEDURAL)
    wording: dict[str, str] = {}
    for service in munich:
        own = stems(service["name"])
        for other in berlin:
            theirs = stems(other["name"])
            if own and own <= theirs and theirs - own <= procedural:
                words = [other["name"], *in_topics.get(other["id"], [])]
                key = f"dldb:{service['id']}"
                wording[key] = (wording.get(key, "") + " " + " ".join(words)).strip()
    return wording


def ranks(sets: list[str]) -> dict[str, list[int | None]]:
    from ulm_knowledge import services

    services.forget_cached()
    found: dict[str, list[int | None]] = {}
    for name in sets:
        found[name] = []
        for query, expected in read_queries(ROOT / f"bench/data/queries_muenchen{name}.tsv"):
            ids = [r.external_id for r in services.search(query, 10)]
            found[name].append(next((i for i, e in enumerate(ids, 1) if e in expected), None))
    return found


def without_and_with(sets: list[str], change) -> tuple[dict, dict]:
    """The sets' ranks as they are, and after ``change()`` inside a transaction that is then
    rolled back."""
    from django.db import transaction

    from ulm_knowledge import services

    before = ranks(sets)
    try:
        with transaction.atomic():
            change()
            after = ranks(sets)
            raise Rollback
    except Rollback:
        services.forget_cached()
    return before, after


def print_table(sets: list[str], before: dict, after: dict, without: str, with_: str) -> None:
    print(f"set                 {without} (R@1 / R@3 / MRR)   {with_}")
    for name in sets:
        label = name[1:] or "first"
        print(f"{label:18s}  {summary(before[name])}       {summary(after[name])}")


def summary(found: list[int | None]) -> str:
    n = len(found)
    r1 = sum(r == 1 for r in found) / n
    r3 = sum(r is not None and r <= 3 for r in found) / n
    mrr = sum(1 / r for r in found if r) / n
    return f"{r1:.3f} / {r3:.3f} / {mrr:.3f}"


def main() -> int:
    import django

    django.setup()
    from ulm_knowledge import services
    from ulm_knowledge.models import Service

    sets = SETS + (["_situations_blind", "_situations_blind2"] if "--blind" in sys.argv else [])
    wording = berlin_wording()

    def add_berlin_wording() -> None:
        for service in Service.objects.filter(external_id__in=wording):
            service.keywords = f"{service.keywords}\n{wording[service.external_id]}"
            service.save(update_fields=["keywords"])
        services.reindex()

    before, after = without_and_with(sets, add_berlin_wording)
    print(f"{len(wording)} Munich services certainly the same as a Berlin one")
    print_table(sets, before, after, "without Berlin", "with Berlin")
    return 0


if __name__ == "__main__":
    sys.exit(main())
