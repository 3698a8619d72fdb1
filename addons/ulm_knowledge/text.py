"""German text handling for the search, in pure Python: normalising (lower case, no accents,
as PostgreSQL's ``unaccent`` does), tokens, HTML to text, synonyms and compound splitting over
the catalogue's own vocabulary."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

TOKEN = re.compile(r"[a-z0-9]+")
TAG = re.compile(r"<[^>]+>")
LIST_ITEM_TAG = re.compile(r"<li\b[^>]*>", re.IGNORECASE)
BLOCK_TAG = re.compile(r"</?(p|br|li|ul|ol|div|h\d|tr)\b[^>]*>", re.IGNORECASE)
# Linking elements (Fugenelemente) between the parts of a German compound.
LINKS = ("", "s", "es", "n", "en", "e", "er")
# Greetings and closing formulas of letters and e-mails: never what a request is about.
BOILERPLATE = frozenset(
    [
        "hallo",
        "guten",
        "tag",
        "morgen",
        "abend",
        "sehr",
        "geehrte",
        "geehrter",
        "geehrtes",
        "damen",
        "herren",
        "liebe",
        "lieber",
        "freundlichen",
        "freundliche",
        "grussen",
        "gruss",
        "gruessen",
        "gruesse",
        "grusse",
        "viele",
        "vielen",
        "dank",
        "danke",
        "bitte",
        "beste",
        "besten",
        "mfg",
        "lg",
        "vg",
    ]
)
# Words of how a request is phrased rather than what it is about (modal verbs, fillers, time
# words), normalised: PostgreSQL's stop word list holds few of them, and none in their unaccented
# forms (für → fur, möchte → mochte). They still count inside synonym phrases.
_FILLER_WORDS = """
    fur uber mochte mochten mocht brauche brauchen brauch braucht brauchst benotige benotigen
    wurde wurden ware waren konnen konnte konnten kannst musste mussen musst durfen darf sollen
    sollte sollten wollen will wollte wollten wann warum wieso weshalb schon gerne gern leider
    tun gibt geht gehen frage fragen dass weiss wissen gestern heute morgen letzte letzten
    letzter naechste nachste nachsten woche wochen monat monaten bereits genau eigentlich
    moglich moglichst nen ne mal halt einfach irgendwie bzw usw etc ok okay
    jemand etwas nichts sowie vorab gleich
    hallo hi servus moin anfrage anliegen folgendes folgende folgenden bezuglich betreff
    januar februar marz april mai juni juli august september oktober november dezember
"""
FILLER = frozenset(_FILLER_WORDS.split())
# Closing formulas: what follows them at the end of an e-mail is a name.
CLOSINGS = frozenset(["grussen", "gruss", "grusse", "gruessen", "gruesse", "mfg", "lg", "vg"])
SIGNATURE = 4  # words after the last closing formula that are taken as the signature
MIN_PART = 3
INFLECTIONS = ("n", "en", "s", "e")  # endings a compound part may lack against the vocabulary
# Separable verb particles: "melde … an", "ab melden" mean anmelden, abmelden.
_PARTICLE_WORDS = "an ab auf aus ein um zu weg nach vor mit zuruck wieder zusammen her fest los bei"
PARTICLES = frozenset(_PARTICLE_WORDS.split())
MIN_COMPOUND = 7
SEPARABLE_SPAN = 8  # words a separable particle may stand after its verb
MIN_AFFIX = 5  # a known word at either end of an otherwise unknown compound


def normalise(text: str) -> str:
    """Lower case without diacritics, ß as ss: the same form PostgreSQL's unaccent produces."""
    text = text.lower().replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    return TOKEN.findall(normalise(text))


# a clause ends at punctuation, or before a conjunction that starts the next one: "ich höre
# mit meinem Kiosk auf und will …" (no comma before "und")
CLAUSE_END = re.compile(r"\s*(?:[.,;:!?()]|$|(?:und|oder|aber|weil|denn|dass|wenn)\b)")


def query_words(text: str) -> tuple[list[str], list[bool]]:
    """The words of a query without greetings, closing formulas and the signature after them
    ("Viele Grüße, Petra Huber"), and for each whether a clause ends after it."""
    text = normalise(text)
    found = [(m.group(), bool(CLAUSE_END.match(text, m.end()))) for m in TOKEN.finditer(text)]
    closing = [i for i, (w, _) in enumerate(found) if w in CLOSINGS]
    if closing and len(found) - closing[-1] - 1 <= SIGNATURE:
        found = found[: closing[-1]]
    kept = [(w, end) for w, end in found if w not in BOILERPLATE]
    return [w for w, _ in kept], [end for _, end in kept]


def html_to_text(value: str) -> str:
    """Readable plain text from the HTML of a service description: paragraphs as lines, list
    items as lines starting with "- " (the service pages show them as lists again)."""
    if not value:
        return ""
    text = LIST_ITEM_TAG.sub("\n- ", value)
    text = BLOCK_TAG.sub("\n", text)
    text = html.unescape(TAG.sub("", text)).replace("\u200b", "").replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line and line != "-").strip()


def german_slug(text: str, max_length: int = 80) -> str:
    """A readable address part: lower case, umlauts and ß spelt out (Bürgerbüro →
    buergerbuero), words joined by hyphens, cut at a word within ``max_length``."""
    text = text.lower()
    for umlaut, spelt in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, spelt)
    decomposed = unicodedata.normalize("NFKD", text)
    words = re.findall(r"[a-z0-9]+", "".join(c for c in decomposed if not unicodedata.combining(c)))
    slug = ""
    for word in words:
        if slug and len(slug) + 1 + len(word) > max_length:
            break
        slug = f"{slug}-{word}" if slug else word[:max_length]
    return slug


class Decompounder:
    """Splits compounds into parts that are words of the vocabulary, with German linking
    elements between them (Anwohnerparkausweis → anwohner, parkausweis, park, ausweis)."""

    def __init__(self, vocabulary: Iterable[str]):
        self.vocabulary = frozenset(w for w in vocabulary if len(w) >= MIN_PART)
        self._split = lru_cache(maxsize=50_000)(self._best_split)

    def known(self, part: str) -> bool:
        """A vocabulary word, or the base form of one the catalogue only has inflected
        (urkunde in Geburtsurkunde, where the catalogue says Urkunden)."""
        if part in self.vocabulary:
            return True
        return len(part) >= 4 and any(part + e in self.vocabulary for e in INFLECTIONS)

    def _best_split(self, word: str) -> tuple[str, ...] | None:
        """The split into the fewest vocabulary words (longest head first on ties)."""
        best: tuple[str, ...] | None = None
        for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
            head, rest = word[:cut], word[cut:]
            if not self.known(head):
                continue
            for link in LINKS:
                if not rest.startswith(link):
                    continue
                tail = rest[len(link) :]
                if len(tail) < MIN_PART:
                    continue
                if self.known(tail):
                    candidate: tuple[str, ...] | None = (head, tail)
                else:
                    sub = self._split(tail) if len(tail) >= MIN_COMPOUND else None
                    candidate = (head, *sub) if sub else None
                if candidate and (best is None or len(candidate) < len(best)):
                    best = candidate
            if best is not None and len(best) == 2:
                break
        return best

    def _affix(self, word: str) -> tuple[str, ...] | None:
        """When no full split exists: the longest known word the compound ends with (its head
        carries the meaning: Bewohnerparkausweis → parkausweis), else the longest it starts
        with (Krippenplatz → krippe), each at least MIN_AFFIX letters."""
        for cut in range(MIN_PART, len(word) - MIN_AFFIX + 1):
            if word[cut:] in self.vocabulary:
                return (word[cut:],)
        for cut in range(len(word) - MIN_PART, MIN_AFFIX - 1, -1):
            if word[:cut] in self.vocabulary:
                return (word[:cut],)
        return None

    def splits(self, word: str) -> bool:
        """Whether ``word`` splits wholly into vocabulary words (not just a known end)."""
        return len(word) >= MIN_COMPOUND and self._split(word) is not None

    def parts(self, word: str) -> list[str]:
        """Every part and sub-compound of ``word`` (empty when it is no compound we know)."""
        if len(word) < MIN_COMPOUND:
            return []
        split = self._split(word) or self._affix(word)
        if not split:
            return []
        found: list[str] = []
        for part in split:
            found.append(part)
            found.extend(self.parts(part))
        return list(dict.fromkeys(found))


ENDINGS = ("en", "er", "es", "e", "n", "s")


def verb_forms(word: str) -> list[str]:
    """Infinitives a finite verb form may belong to (melde, meldet → melden), then the nouns
    in -ung made from them (Meldung)."""
    bases = {word, light_stem(word)}
    if word.endswith("t") and len(word) > 4:
        bases.add(word[:-1])
    forms = [base + ending for base in sorted(bases) for ending in ("", "n", "en")]
    return forms + [light_stem(base) + "ung" for base in sorted(bases)]


def particle_verbs(
    words: list[str],
    vocabulary: frozenset[str],
    ends: list[bool] | None = None,
    also: frozenset[str] = frozenset(),
) -> list[tuple[int, int, str]]:
    """Separable verbs a query writes apart: the particle at the end of the clause ("wo melde
    ich mein Gewerbe an") or right before the verb ("ab melden"), with the positions of the
    verb and the particle; only verbs the vocabulary knows, or ``also`` (the synonym list's
    words: "wir ziehen zusammen"). ``ends`` tells where clauses end (a particle inside a clause
    is a preposition: "ziehe nach München")."""
    found: list[tuple[int, int, str]] = []
    for i, particle in enumerate(words):
        if particle not in PARTICLES:
            continue
        at_end = ends is None or ends[i]
        first = max(0, i - SEPARABLE_SPAN) if at_end else i + 1
        for j in range(first, min(len(words), i + 2)):
            if j == i or words[j] in PARTICLES:
                continue
            for form in verb_forms(words[j]):
                if particle + form in vocabulary or particle + form in also:
                    found.append((j, i, particle + form))
                    break
    return found


@lru_cache(maxsize=100_000)
def light_stem(word: str) -> str:
    """The word without one inflection ending, so that a synonym matches its forms
    (beglaubigte, beglaubigten → beglaubigt)."""
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


class SynonymTable(dict):
    """The synonym list (term words → the words it adds), indexed by its terms' first word and
    that word's stem, so that a query looks up only the terms that can start at each word
    instead of trying every term of the list."""

    def __init__(self, items: Iterable[tuple[tuple[str, ...], list[str]]] = ()):
        super().__init__(items)
        self.order = {term: n for n, term in enumerate(self)}
        self.stems = {term: tuple(light_stem(t) for t in term) for term in self}
        # one-word terms (verbs a query may write apart) and their stems (no typos to correct)
        self.single_words = frozenset(term[0] for term in self if len(term) == 1)
        self.single_stems = frozenset(st[0] for term, st in self.stems.items() if len(term) == 1)
        self.starting: dict[str, list[tuple[str, ...]]] = {}
        for term, stems in self.stems.items():
            for first in {term[0], stems[0]} if term else ():
                self.starting.setdefault(first, []).append(term)


def synonym_matches(
    words: list[str], synonyms: dict[tuple[str, ...], list[str]]
) -> list[tuple[int, list[str]]]:
    """Where in ``words`` a synonym term starts, with the words it adds (terms of one or more
    words; each word also matches in its inflected forms), the first place of each term, in the
    list's order."""
    table = synonyms if isinstance(synonyms, SynonymTable) else SynonymTable(synonyms.items())
    stems = [light_stem(w) for w in words]
    first: dict[tuple[str, ...], int] = {}
    for i, (word, stem) in enumerate(zip(words, stems, strict=True)):
        for term in {*table.starting.get(word, ()), *table.starting.get(stem, ())}:
            n = len(term)
            if term not in first and (
                tuple(words[i : i + n]) == term or tuple(stems[i : i + n]) == table.stems[term]
            ):
                first[term] = i
    return [(first[t], table[t]) for t in sorted(first, key=table.order.__getitem__)]


def apply_synonyms(words: list[str], synonyms: dict[tuple[str, ...], list[str]]) -> list[str]:
    """The words the synonym list adds to ``words``."""
    return [word for _, expansion in synonym_matches(words, synonyms) for word in expansion]


# Situation words: how citizens say what happened (owning, selling, losing, moving, dying,
# marrying, going abroad), by their lemma, and the words the catalogue uses for that kind of
# service. They join the query word's concept with a lower weight (search/engine.py).
_SITUATIONS = {
    "own": ("besitzen gehoren eigentumer eigentumerin besitzer halter", "eigentumer besitz halter"),
    "sell": ("verkaufen verkauft verkauf veraussern abgeben", "verkauf veraeusserung abgabe"),
    "lose": (
        "verlieren verloren klauen geklaut stehlen gestohlen verschwinden verlegen weg",
        "verlust diebstahl",
    ),
    "move": (
        "umziehen umgezogen zuziehen zugezogen wegziehen umzug einziehen",
        "umzug wohnsitz anschrift",
    ),
    "die": (
        "sterben gestorben versterben verstorben tot tod ableben",
        "sterbefall tod verstorben hinterbliebene",
    ),
    "marry": (
        "heiraten verheiraten verheiratet hochzeit trauung ehemann ehefrau",
        "eheschliessung ehe ehegatte",
    ),
    "abroad": (
        "ausland auslandisch heimatland botschaft importieren importiert ausreisen",
        "ausland auslandisch",
    ),
}
SITUATIONS: dict[str, tuple[str, ...]] = {
    word: tuple(meant.split()) for said, meant in _SITUATIONS.values() for word in said.split()
}

# Units, ages and amounts citizens write with numbers: what they point to in the catalogue.
UNITS = [
    (re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:t|to|tonnen)\b"), "tonnen gesamtgewicht lkw"),
    (re.compile(r"\b\d+\s*km/?h\b"), "geschwindigkeit"),
    (re.compile(r"\b\d+\s*(?:ccm|cm3)\b"), "hubraum"),
    (re.compile(r"\b\d+\s*(?:kw|ps)\b"), "leistung"),
    (
        re.compile(r"\b(?:uber|ab|mindestens|alter als|werde|bin|seit)\s+(?:6[3-9]|[7-9]\d)\b"),
        "rente altersrente alter",
    ),
    (re.compile(r"\b(?:unter|noch nicht)\s+(?:1[0-8]|[1-9])\b"), "minderjahrig kind"),
]


def unit_words(text: str) -> list[str]:
    """Words that the query's units, ages and amounts stand for ("3,5 t" → tonnen …,
    "über 65" → rente …), from its normalised text."""
    text = normalise(text)
    return [w for pattern, words in UNITS if pattern.search(text) for w in words.split()]


LEMMA_WORD = re.compile(r"\w+")


def lemmas(text: str, table: dict[str, str]) -> dict[str, str]:
    """The lemma of each word of a query that has one in ``table`` (normalised word form →
    normalised lemma, see ``lemma_table``): gestorben → sterben, Häuser → haus."""
    found: dict[str, str] = {}
    for word in LEMMA_WORD.findall(normalise(text[:5000])):
        lemma = table.get(word)
        if lemma and lemma != word:
            found[word] = lemma
    return found


@lru_cache(maxsize=2)
def lemma_table(wanted: frozenset[str]) -> dict[str, str]:
    """Word forms of simplemma's German dictionary whose lemma is in ``wanted`` (normalised):
    normalised form → normalised lemma, for the forms that differ from their lemma. Reading
    the dictionary takes seconds, so a reindex of an unchanged vocabulary reuses the last
    tables (small; the dictionary itself is not kept). Callers must not change the result."""
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    dictionary = DefaultDictionaryFactory().get_dictionary("de")
    table: dict[str, str] = {}
    # a lemma stands for many forms: each is normalised once, and a form only where its lemma
    # is wanted (normalising all 1.1 million forms took 7 s per reindex)
    lemma_of: dict[str, str] = {}
    for form, lemma in dictionary.items():
        if len(form) < 4 or len(form) > 100:
            continue
        meant = lemma_of.get(lemma)
        if meant is None:
            meant = lemma_of[lemma] = normalise(lemma)
        if meant in wanted:
            key = normalise(form)
            if key != meant and key.isalpha():
                table.setdefault(key, meant)
    return table
