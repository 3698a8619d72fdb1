"""The German search engine: a query's words weighted after synonyms, separable verbs, compound
splitting and typo correction (``query_terms``), and the entries ranked by them in one SQL
statement (``rank_entries``), for knowledge items (``search``) and request types alike."""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction

from ulm_knowledge import conf
from ulm_knowledge.models import RequestTypeEntry, SearchEntry
from ulm_knowledge.search.learning import learned_boost
from ulm_knowledge.search.vocabulary import cached, known_words, lemmas_known, synonym_table
from ulm_knowledge.text import (
    FILLER,
    SITUATIONS,
    apply_synonyms,
    lemmas,
    light_stem,
    normalise,
    particle_verbs,
    query_words,
    synonym_matches,
    unit_words,
)


@dataclass
class Hit:
    """One search result."""

    id: int
    external_id: str
    title: str
    score: float
    kind: str = "service"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "external_id": self.external_id,
            "title": self.title,
            "score": round(self.score, 4),
        }


# How much each kind of query term counts: the citizen's own words, what the synonym list adds,
# compound parts, and typo corrections (times their similarity).
OWN, SYNONYM, PART, CORRECTION = 1.0, 0.9, 0.6, 1.0
LEMMA = 0.5  # a word's lemma (simplemma) where it differs from the word
SITUATION = 0.5  # the catalogue's words for a situation word (losing → Verlust, Diebstahl)
# lemmas of function words and of the verbs every request uses say nothing about its topic
LEMMA_STOP = frozenset(
    ["sein", "haben", "werden", "geben", "machen", "kommen", "mein", "dein", "sich"]
)
# where a citizen comes from: a country after "aus" (the synonym list maps countries to Ausland,
# EU members to Ausland EU) points to residence, not travel
ORIGIN_WORDS = frozenset(["aus", "von"])
ORIGIN = 0.5
ORIGIN_THIRD = ("drittstaat", "aufenthaltserlaubnis", "visum")
ORIGIN_EU = ("freizugigkeit", "eu")
UNIT = 0.5  # what units, ages and amounts stand for ("3,5 t" → Tonnen, "über 65" → Rente)
YEAR = re.compile(r"(19|20)\d\d")
MIN_SIMILARITY = 0.4  # trigram similarity a correction needs
MAX_CORRECTIONS = 8  # unknown words corrected per query
MIN_CORRECTED = 5  # shorter unknown words are left alone (Dach is no typo of danach)
FIELD_WEIGHTS = "{0.05, 0.2, 0.5, 1.0}"  # D, C, B, A
BODY_WEIGHT = 0.05  # the full text, relative to the strongest term
TITLE_SIMILARITY = 1.0
COVERAGE = 0.5  # how much the share of the query's weight an entry holds counts (coordination)
MAX_TERMS = 16
PREFIX_FROM = 6  # stems this long also match as prefix …
PREFIX_WEIGHT = 0.5  # … and count this much
TRIM_FROM = 8  # stems this long match as prefix without their last letter
SAME_CONCEPT = 0.3  # terms of one query word (synonyms, parts) beyond its best one count this much
RANK_CAP = 1.0  # a prefix matching many words of an entry counts no more than one word
TITLE_COVER = 0.3  # an entry whose whole title the query covers scores this much more
MIN_PART_COVER = 4  # a query term this long covers its share of a compound title word
CANDIDATE_TERMS = 12  # the strongest terms select the candidates …
CANDIDATES = 100  # … and this many of them are scored exactly (200 cost a quarter more time
# at 50,000 items and changed no rank in the query sets)
CANDIDATE_BUDGET = 4000  # entries the candidate terms may reach together
# Passages (search/index.py) that hold two or more of the query's concepts near each other:
# per passage the concepts' weights (each its best term), the best passage of an item counting
# with PASSAGE_WEIGHT, its text module weighted (1 Volltext, 2 Voraussetzungen, 3 Unterlagen,
# 4 Hinweise, 5 Verfahren, 6 Kosten, 7 Fristen, 8 Leichte Sprache); the items of the best
# PASSAGE_CANDIDATES join the candidates.
PASSAGE_CANDIDATES = 100
PASSAGE_WEIGHT = 0.1
MODULE_WEIGHTS = [1.0, 1.0, 0.8, 1.0, 0.8, 0.3, 0.3, 1.0]


def _terms(query: str) -> dict[str, tuple[float, int]]:
    """Query words with their weights, after synonyms, compound splitting and typo correction,
    and the concept group of each: the query word it came from (a word, its parts, synonyms
    and corrections all speak of one thing)."""
    words, ends = query_words(query[:5000])
    words, ends = words[:300], ends[:300]
    vocabulary, decompounder = known_words()
    synonyms = synonym_table()
    weights: dict[str, tuple[float, int]] = {}

    def add(word: str, weight: float, group: int) -> None:
        if weight > weights.get(word, (0.0, 0))[0]:
            weights[word] = (weight, group)

    lemma_of = lemmas(query[:5000], lemmas_known())
    unknown: dict[str, int] = {}
    for group, word in enumerate(words):
        if word in FILLER or YEAR.fullmatch(word):
            continue
        lemma = lemma_of.get(word)
        if lemma and lemma not in FILLER and lemma not in LEMMA_STOP:
            add(lemma, LEMMA, group)
            for synonym in apply_synonyms([lemma], synonyms):
                add(synonym, SYNONYM * LEMMA, group)
        for situation in SITUATIONS.get(lemma or word, SITUATIONS.get(word, ())):
            add(situation, SITUATION, group)
        # a number is rarely what a request is about (dates, ages, house numbers)
        add(word, PART if word.isdigit() else OWN, group)
        parts = decompounder.parts(word)
        for part in parts:
            add(part, PART, group)
            for synonym in apply_synonyms([part], synonyms):
                add(synonym, PART, group)
        # a word only partly known (a known end) may still be a typo of a known word:
        # Gewerbeanmledung → gewerbeanmeldung, not just gewerbe
        # a word of the synonym list is no typo either (gestorben is not gestohlen)
        known = (
            word in vocabulary
            or decompounder.splits(word)
            or light_stem(word) in synonyms.single_stems
        )
        if not known and len(word) >= MIN_CORRECTED and not word.isdigit():
            unknown.setdefault(word, group)
    # "melde … an" means anmelden: the verb counts, its two halves only as parts
    for group, at, verb in particle_verbs(words, vocabulary, ends, synonyms.single_words):
        for half in (words[group], words[at]):
            if weights.get(half, (0.0, 0))[0] == OWN:
                weights[half] = (PART, group)
        add(verb, OWN, group)
        for synonym in apply_synonyms([verb], synonyms):
            add(synonym, SYNONYM, group)
    for group, meant in synonym_matches(words, synonyms):
        for synonym in meant:
            add(synonym, SYNONYM, group)
        # "aus Indien": the citizen comes from abroad (the foreigners' office), not going there
        if "ausland" in meant and group > 0 and words[group - 1] in ORIGIN_WORDS:
            # a concept of its own: the residence law, beside the country
            for word in ORIGIN_EU if "eu" in meant else ORIGIN_THIRD:
                add(word, ORIGIN, len(words) + 1 + group)
    for word in unit_words(query[:5000]):
        add(word, UNIT, len(words))
    if unknown:
        with transaction.atomic(), connection.cursor() as cur:
            # a tighter threshold lets the trigram index skip most of the vocabulary; the
            # planner would scan the (small) table instead, computing trigrams for every word
            cur.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [str(MIN_SIMILARITY)])
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute(
                """
                SELECT w.t, best.word, best.sim
                FROM (SELECT t FROM unnest(%s::text[]) AS t
                      WHERE ts_lexize('german_stem', t) <> '{}') AS w
                CROSS JOIN LATERAL (
                    SELECT word, similarity(word, w.t) AS sim FROM ulm_knowledge_lexiconword
                    WHERE word %% w.t ORDER BY sim DESC, ndoc DESC LIMIT 1
                ) AS best
                """,
                [list(unknown)[:MAX_CORRECTIONS]],
            )
            for typed, word, sim in cur.fetchall():
                group = unknown[typed]
                add(word, CORRECTION * sim, group)
                for part in decompounder.parts(word):
                    add(part, PART * sim, group)
                for synonym in apply_synonyms([word], synonyms):
                    add(synonym, SYNONYM * sim, group)
    return weights


@dataclass
class Term:
    """A stemmed query term: its weight (IDF × how the word came in) and how many entries it
    and, as prefix, its derivations reach."""

    lexeme: str
    weight: float
    ndoc: int
    prefix_ndoc: int
    group: int = 0

    def tsqueries(self) -> list[tuple[str, float, int]]:
        """The term as exact tsquery; a long one also as prefix with less weight, so that a
        stem finds its derivations (einburg → einburger from Einbürgerung)."""
        quoted = "'" + self.lexeme.replace("'", "''") + "'"
        found = [(quoted, self.weight, self.ndoc)]
        if len(self.lexeme) >= PREFIX_FROM:
            # a long stem without its last letter: beglaubigt → beglaubig(ung)
            stem = self.lexeme[:-1] if len(self.lexeme) >= TRIM_FROM else self.lexeme
            prefix = "'" + stem.replace("'", "''") + "':*"
            found.append((prefix, self.weight * PREFIX_WEIGHT, self.prefix_ndoc))
        return found


TERM_CACHE_SIZE = 50_000  # words whose term statistics a process keeps


def _term_stats(words: list[str]) -> dict[str, list[tuple[str, int, int | None]]]:
    """Per query word its stems with how many entries hold them (and, for long stems, their
    derivations as prefix). Kept per process like the vocabulary: both change only with the
    index (``ULM_KNOWLEDGE_CACHE_SECONDS``); citizens' words repeat, the statement is costly."""
    known: dict[str, list[tuple[str, int, int | None]]] = cached("term_stats", dict)
    missing = [w for w in dict.fromkeys(words) if w not in known]
    if missing:
        with connection.cursor() as cur:
            cur.execute(
                """
                SELECT t, lex, s.ndoc,
                       CASE WHEN length(lex) >= %s THEN
                           (SELECT sum(p.ndoc) FROM ulm_knowledge_termstat p
                            WHERE p.lexeme LIKE replace(replace(
                                CASE WHEN length(lex) >= %s THEN left(lex, -1) ELSE lex END,
                                '_', '\\_'), '%%', '\\%%') || '%%')
                       END
                FROM unnest(%s::text[]) AS t,
                     LATERAL unnest(ts_lexize('german_stem', t)) AS lex
                JOIN ulm_knowledge_termstat s ON s.lexeme = lex
                """,
                [PREFIX_FROM, TRIM_FROM, missing],
            )
            rows = cur.fetchall()
        if len(known) > TERM_CACHE_SIZE:
            known.clear()
        for word in missing:
            known[word] = []
        for word, lex, ndoc, prefix_ndoc in rows:
            known[word].append((lex, ndoc, prefix_ndoc))
    return {w: known[w] for w in words}


def _entry_count() -> int:
    """Searchable documents: the items' entries and the request types' (for the IDF)."""
    return SearchEntry.objects.count() + RequestTypeEntry.objects.count()


def _lexemes(terms: dict[str, tuple[float, int]]) -> list[Term]:
    """Stemmed terms (stop words dropped) with their weights, the strongest first."""
    if not terms:
        return []
    total = cached("total", _entry_count)
    best: dict[str, Term] = {}
    for term, stats in _term_stats(list(terms)).items():
        for lex, ndoc, prefix_ndoc in stats:
            idf = math.log(1 + (total - ndoc + 0.5) / (ndoc + 0.5))
            weight = idf * terms[term][0]
            if lex not in best or weight > best[lex].weight:
                best[lex] = Term(lex, weight, ndoc, int(prefix_ndoc or ndoc), terms[term][1])
    return sorted(best.values(), key=lambda t: -t.weight)[:MAX_TERMS]


def query_terms(query: str) -> list[Term]:
    """The stemmed, weighted terms of a query (synonyms, compound parts, corrections), the
    strongest first: what every search of the knowledge base ranks by."""
    return _lexemes(_terms(query))


def search(query: str, limit: int | None = None) -> list[Hit]:
    """Published, currently valid items best matching ``query`` (German words, colloquial
    terms, typos, compounds, whole e-mails), best first.

    Two steps in one statement: the GIN index finds the entries holding one of the strongest
    terms and keeps the best ``CANDIDATES`` by a plain rank; those are scored exactly: per term
    its IDF × weight × field-weighted rank, the full text a little, and the title's trigram
    similarity to the query (ties, typos)."""
    max_limit = conf.get("ULM_KNOWLEDGE_SEARCH_MAX_LIMIT")
    limit = max(1, min(limit or conf.get("ULM_KNOWLEDGE_SEARCH_LIMIT"), max_limit))
    return search_terms(query_terms(query), query, limit)


# Hits shown to people (the ticket's panel, the citizens' list) score at least this share of
# the best one: below it they share a word with the question, not its subject. On the 622
# queries of the development sets no right service in the first five scored below 0.2.
RELEVANT_SHARE = 0.1


def relevant(hits: list[Hit]) -> list[Hit]:
    """The hits worth showing: those scoring at least ``RELEVANT_SHARE`` of the best."""
    if not hits:
        return hits
    floor = RELEVANT_SHARE * hits[0].score
    return [hit for hit in hits if hit.score >= floor]


def search_terms(terms: list[Term], query: str, limit: int) -> list[Hit]:
    """``search`` with the query's terms already made (``query_terms``)."""
    if not terms:
        return []
    # candidates come from the strongest terms, as long as they reach few enough entries
    # together: in a large catalogue a term in thousands ("beantragen") would only make the
    # index return everything, while it still counts for the candidates it is in
    selected: list[str] = []
    reach = 0
    for query_part, _, ndoc in (part for term in terms for part in term.tsqueries()):
        if not selected or (reach + ndoc <= CANDIDATE_BUDGET and len(selected) < CANDIDATE_TERMS):
            selected.append(query_part)
            reach += ndoc
    strongest = " | ".join(selected)
    today = date.today()
    pairs = _concept_pairs(terms, set(selected))
    # items whose passages hold two of the query's concepts together join the candidates (by
    # id: a UNION of whole entries would sort their documents to find the doubles)
    from_passages = "UNION SELECT pm.kbitem_id FROM pm" if pairs else ""
    candidates = f"""
        SELECT e.kbitem_id, e.external_id, e.title, e.kind, e.document, e.body, e.name_norm
        FROM ulm_knowledge_searchentry e
        WHERE e.kbitem_id IN (
            (SELECT t.kbitem_id FROM ulm_knowledge_searchentry t
             WHERE t.document @@ %s::tsquery
               AND (t.valid_from IS NULL OR t.valid_from <= %s)
               AND (t.valid_until IS NULL OR t.valid_until >= %s)
             ORDER BY ts_rank('{FIELD_WEIGHTS}', t.document, %s::tsquery) DESC
             LIMIT {CANDIDATES}) {from_passages})
          AND (e.valid_from IS NULL OR e.valid_from <= %s)
          AND (e.valid_until IS NULL OR e.valid_until >= %s)
    """  # noqa: S608  # nosec B608 - this module's constants; the values go as parameters
    params: list[Any] = [strongest, today, today, strongest, today, today]
    hits = rank_entries(terms, query, candidates, params, limit, pairs=pairs)
    hits = learned_boost(hits, {term.lexeme: term.weight for term in terms})
    return _usage_boost(hits, strongest)[:limit]


PAIR_CONCEPTS = 6  # the strongest concepts whose pairs select passages


def _concept_pairs(terms: list[Term], selected: set[str]) -> str:
    """A tsquery for passages holding two of the query's strongest concepts (each concept its
    terms that select candidates, without their prefix forms: over a million passages those
    made the index scan the slowest step of a search, for 0.016 of MRR on the development
    set), or "" for a query of
    one concept."""
    groups: dict[int, list[str]] = {}
    for term in terms:
        for part, _, _ in term.tsqueries():
            if part in selected and not part.endswith(":*"):
                groups.setdefault(term.group, []).append(part)
    concepts = ["(" + " | ".join(parts) + ")" for parts in list(groups.values())[:PAIR_CONCEPTS]]
    return " | ".join(f"({a} & {b})" for a, b in itertools.combinations(concepts, 2))


def rank_entries(
    terms: list[Term],
    query: str,
    candidates: str,
    params: list[Any],
    limit: int,
    pairs: str = "",
) -> list[Hit]:
    """Scores the entries the SQL ``candidates`` selects (columns: id, external id, title,
    kind, document, body, normalised title; its placeholders filled from ``params``) for the
    query's terms, best first: per concept its best term fully and the others a little, each
    term IDF × weight × field-weighted rank (capped), the full text a little, the share of
    the query's weight an entry holds, the title's trigram similarity, then the title cover."""
    parts = [part for term in terms for part in term.tsqueries()]
    queries, weights = [p[0] for p in parts], [p[1] for p in parts]
    groups = [term.group for term in terms for _ in term.tsqueries()]
    # the best passage of the item holding two or more of the query's concepts (``pairs``):
    # their weights together (each concept its best term), its text module weighted
    # (one CASE per concept: a subquery per passage would cost more than the rest)
    concepts: dict[int, tuple[list[str], float]] = {}
    for part, weight, group in zip(queries, weights, groups, strict=True):
        found, best = concepts.get(group, ([], 0.0))
        concepts[group] = ([*found, part], max(best, weight))
    held = " + ".join("CASE WHEN p.vector @@ %s::tsquery THEN %s ELSE 0 END" for _ in concepts)
    passage_cte = passage_score = ""
    passage_params: list[Any] = []
    if pairs:
        passage_cte = f""", pm AS (
            SELECT p.kbitem_id, max((%s::float8[])[p.module] * ({held})) AS ps
            FROM ulm_knowledge_searchpassage p WHERE p.vector @@ %s::tsquery
            GROUP BY p.kbitem_id ORDER BY 2 DESC LIMIT {PASSAGE_CANDIDATES})"""  # noqa: S608  # nosec B608 - this module's constants and %s placeholders only
        passage_score = f"""+ {PASSAGE_WEIGHT} * coalesce(
            (SELECT pm.ps FROM pm WHERE pm.kbitem_id = c.kbitem_id), 0)"""  # noqa: S608  # nosec B608 - a constant weight
        passage_params = [MODULE_WEIGHTS]
        for found, best in concepts.values():
            passage_params += [" | ".join(found), best]
        passage_params.append(pairs)
    with connection.cursor() as cur:
        cur.execute(
            f"""
            WITH q AS (SELECT t::tsquery AS tq, w, g
                       FROM unnest(%s::text[], %s::float8[], %s::int[]) AS u(t, w, g))
            {passage_cte},
            c (kbitem_id, external_id, title, kind, document, body, name_norm) AS ({candidates})
            SELECT s.*, tsvector_to_array(to_tsvector('ulm_german', s.name_norm)) FROM (
            SELECT c.kbitem_id, c.external_id, c.title, c.kind, c.name_norm,
                   ((SELECT sum(m + {SAME_CONCEPT} * (s - m))
                     FROM (SELECT max(x) AS m, sum(x) AS s
                           FROM (SELECT q.g, q.w * least({RANK_CAP},
                                        ts_rank('{FIELD_WEIGHTS}', c.document, q.tq)) AS x
                                 FROM q) AS r
                           GROUP BY r.g) AS per_concept)
                    + {BODY_WEIGHT} * %s * ts_rank(c.body, %s::tsquery))
                   * ({1 - COVERAGE} + {COVERAGE} * (
                        SELECT coalesce(sum(q.w) FILTER (WHERE c.document @@ q.tq), 0) / sum(q.w)
                        FROM q))
                   + {TITLE_SIMILARITY} * similarity(c.name_norm, %s)
                   {passage_score} AS score
            FROM c
            ORDER BY score DESC, c.title
            LIMIT %s
            ) AS s
            ORDER BY s.score DESC, s.title
            """,  # noqa: S608  # nosec B608
            [
                queries,
                weights,
                groups,
                *passage_params,
                *params,
                weights[0],
                " | ".join(queries),
                normalise(query)[:200],
                max(limit, 20),
            ],
        )
        rows = cur.fetchall()
    lexemes = [term.lexeme for term in terms]
    hits = [
        Hit(r[0], r[1], r[2], float(r[5]) * (1 + TITLE_COVER * _title_cover(r[6], lexemes)), r[3])
        for r in rows
    ]
    hits.sort(key=lambda h: (-h.score, h.title))
    return hits


def _title_cover(title: list[str], lexemes: list[str]) -> float:
    """The share of a title's words the query speaks of: of sibling services (Gewerbe-Anmeldung,
    -Ummeldung, -Abmeldung) the one whose name says no more than the query wins. A title word
    counts whole when a query term is it or its stem's prefix, in part when a query term is a
    part of it (sterbeurkund ⊃ urkund)."""
    if not title:
        return 0.0
    total = 0.0
    for word in title:
        best = 0.0
        for lexeme in lexemes:
            if lexeme == word or (
                min(len(word), len(lexeme)) >= PREFIX_FROM
                and (word.startswith(lexeme) or lexeme.startswith(word))
            ):
                best = 1.0
                break
            if len(lexeme) >= MIN_PART_COVER and lexeme in word:
                best = max(best, len(lexeme) / len(word))
        total += best
    return total / len(title)


def _usage_boost(hits: list[Hit], tsquery: str) -> list[Hit]:
    """Items that answered tickets like this query rank higher (log of how many)."""
    weight = conf.get("ULM_KNOWLEDGE_USAGE_WEIGHT")
    if not hits or not weight:
        return hits
    with connection.cursor() as cur:
        cur.execute(
            "SELECT kbitem_id, count(*) FROM ulm_knowledge_answeruse"
            " WHERE kbitem_id = ANY(%s) AND ticket_text @@ %s::tsquery GROUP BY kbitem_id",
            [[h.id for h in hits], tsquery],
        )
        uses = dict(cur.fetchall())
    if not uses:
        return hits
    for hit in hits:
        hit.score *= 1 + weight * math.log1p(uses.get(hit.id, 0))
    return sorted(hits, key=lambda h: -h.score)
