"""OpenThesaurus as vocabulary for the knowledge search (issue 17, item 2), measured.

    apt-get install openthesaurus-de-text   # Debian's copy of www.openthesaurus.de (LGPL)
    .venv/bin/python bench/search_thesaurus_vocabulary.py [--blind] [--lines]

A citizen's word that no service text uses can still sit in a thesaurus synset with words the
catalogue's names and keywords use ("Ruhegehalt" → Altersrente, "Reisemobil" → Wohnmobil). This
turns the synsets into synonym lines TERM = MEANING by rules fixed before any blind set saw them:

- only nouns (capitalised entries), no entry marked outdated, vulgar, derogatory, jocular,
  historical or elevated;
- TERM: one word of at least five letters, in exactly one synset, whose light stem no text of
  the catalogue holds, not a term of the shipped list and no filler word;
- MEANING: the synset's other one-word nouns whose stems the catalogue's names or keywords hold,
  at most three;
- two lines that only did harm on the development sets are left out ("Hamburger" meets the city
  Hamburg by its stem; "Männer" → Jungs).

Inside one transaction the lines are added, the query sets searched, and everything rolled back.
Uses the database of search_quality.py (run it first: it imports Munich's catalogue).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# search_quality sets the settings and its database (ULM_DB_NAME=ulm_bench_quality)
from search_alternate_vocabulary import SETS, print_table, without_and_with
from search_quality import DATA

THESAURUS = Path("/usr/share/openthesaurus-de/openthesaurus.txt")
UNWANTED = ("veraltet", "derb", "vulg", "abwertend", "scherzhaft", "historisch", "altertüm", "geh.")
DENIED = {"hamburger", "manner"}  # harm only, on the development sets
MIN_TERM = 5
MAX_MEANING = 3


def synsets() -> list[list[str]]:
    """The thesaurus' synsets, each as its nouns without their notes in brackets."""
    found = []
    for line in THESAURUS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        nouns = []
        for entry in line.split(";"):
            note = re.search(r"\(([^)]*)\)\s*$", entry)
            if note and any(word in note.group(1) for word in UNWANTED):
                continue
            entry = re.sub(r"\([^)]*\)", " ", entry).strip()
            if entry[:1].isupper():
                nouns.append(entry)
        found.append(nouns)
    return found


def thesaurus_lines() -> dict[str, list[str]]:
    from ulm_knowledge.synonyms import default_synonyms
    from ulm_knowledge.text import FILLER, light_stem, tokens

    munich = json.loads((DATA / "muenchen_dldb_services_de.json").read_text())["data"]
    named = {
        light_stem(word)
        for service in munich
        for word in tokens(f"{service['name']} {(service.get('meta') or {}).get('keywords') or ''}")
    }
    # every word anywhere in a service's record: name, keywords, text modules, forms …
    written = {light_stem(w) for s in munich for w in tokens(json.dumps(s, ensure_ascii=False))}
    shipped = {term.lower() for term, _ in default_synonyms()}
    sets = synsets()
    where: dict[str, list[int]] = {}
    for number, nouns in enumerate(sets):
        for noun in nouns:
            words = tokens(noun)
            if len(words) == 1:
                where.setdefault(words[0], []).append(number)
    lines = {}
    for term, numbers in where.items():
        if len(numbers) != 1 or len(term) < MIN_TERM or term in DENIED:
            continue
        if term in shipped or term in FILLER or light_stem(term) in written:
            continue
        meaning: list[str] = []
        for noun in sets[numbers[0]]:
            words = tokens(noun)
            if len(words) != 1 or words[0] == term or words[0] in meaning:
                continue
            if light_stem(words[0]) in named:
                meaning.append(words[0])
        if meaning and len(meaning) <= MAX_MEANING:
            lines[term] = meaning
    return lines


def main() -> int:
    import django

    django.setup()
    from ulm_knowledge.models import Synonym

    if not THESAURUS.exists():
        print(f"{THESAURUS} is missing: apt-get install openthesaurus-de-text")
        return 1
    sets = SETS + (["_situations_blind", "_situations_blind2"] if "--blind" in sys.argv else [])
    lines = thesaurus_lines()
    if "--lines" in sys.argv:
        for term, meaning in sorted(lines.items()):
            print(f"{term} = {' '.join(meaning)}")

    def add_lines() -> None:
        rows = [Synonym(term=term, expansion=" ".join(m)) for term, m in lines.items()]
        Synonym.objects.bulk_create(rows, ignore_conflicts=True)

    before, after = without_and_with(sets, add_lines)
    print(f"{len(lines)} synonym lines from {THESAURUS.name}")
    print_table(sets, before, after, "without", "with the thesaurus")
    return 0


if __name__ == "__main__":
    sys.exit(main())
