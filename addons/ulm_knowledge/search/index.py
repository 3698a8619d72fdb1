"""The search index: per published item a weighted ``SearchEntry``, per active request type a
``RequestTypeEntry``, the vocabulary and the term statistics (IDF) over both; rebuilt nightly
and after imports, one item at once when it is edited or approved."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from helpdesk.models import KBItem

from ulm_knowledge.models import (
    Answer,
    RequestTypeEntry,
    SearchEntry,
    SearchPassage,
    Service,
    Status,
)
from ulm_knowledge.search.vocabulary import decompounders, forget_cached
from ulm_knowledge.text import SITUATIONS, Decompounder, lemma_table, normalise, tokens


def _published() -> list[tuple[KBItem, str, Service | Answer]]:
    rows: list[tuple[KBItem, str, Service | Answer]] = []
    for service in Service.objects.filter(status=Status.PUBLISHED).select_related("kbitem"):
        rows.append((service.kbitem, "service", service))
    for answer in Answer.objects.filter(status=Status.PUBLISHED).select_related("kbitem"):
        rows.append((answer.kbitem, "answer", answer))
    return rows


def _fields(item: Service | Answer) -> tuple[str, str, str, str]:
    """The four weighted parts of an item's search document: A title, B keywords,
    C short text, D the rest."""
    if isinstance(item, Service):
        rest = "\n".join((item.full_text, item.requirements, item.hints))
        return item.name, item.keywords, item.short_text, rest
    return item.question, "", item.phone_text, item.answer


@transaction.atomic
def rebuild_lexicon() -> int:
    """The catalogue's own vocabulary, from every published item: the words compounds are split
    into and typos corrected to, with how many items use each."""
    from ulm_servicepoint.services import request_type_words, request_types_for_agents

    ndoc: dict[str, int] = {}
    in_names: set[str] = set()
    documents = [_fields(item) for _, _, item in _published()]
    # the request types' words are the catalogue's too (found by the same search)
    documents += [
        (w.name, w.keys, w.description, w.fields)
        for w in request_type_words(request_types_for_agents())
    ]
    for title, keywords, short, rest in documents:
        head = set(tokens(title + " " + keywords))
        in_names |= head
        for word in head | set(tokens(short + " " + rest)):
            ndoc[word] = ndoc.get(word, 0) + 1
    words = [w for w in ndoc if 3 <= len(w) <= 100 and not w.isdigit()]
    with connection.cursor() as cur:
        cur.execute("DELETE FROM ulm_knowledge_lexiconword")
        cur.execute(
            "INSERT INTO ulm_knowledge_lexiconword (word, ndoc, in_names, created_at, updated_at)"
            " SELECT w, n, f, now(), now() FROM unnest(%s::text[], %s::int[], %s::bool[])"
            " AS t(w, n, f)",
            [words, [ndoc[w] for w in words], [w in in_names for w in words]],
        )
    rebuild_lemmas(set(words))
    forget_cached()
    return len(words)


def rebuild_lemmas(vocabulary: set[str]) -> int:
    """The word forms whose lemma is a word of the catalogue or a situation word."""
    table = lemma_table(frozenset(vocabulary | set(SITUATIONS)))
    with connection.cursor() as cur:
        cur.execute("DELETE FROM ulm_knowledge_lemmaword")
        cur.execute(
            "INSERT INTO ulm_knowledge_lemmaword (word, lemma)"
            " SELECT w, l FROM unnest(%s::text[], %s::text[]) AS t(w, l)",
            [list(table), list(table.values())],
        )
    return len(table)


def _compound_parts(text: str, decompounder: Decompounder) -> list[str]:
    found: list[str] = []
    for word in tokens(text):
        found.extend(decompounder.parts(word))
    return found


# The text modules whose passages the search reads, by number (SearchPassage.module); their
# weights are engine.MODULE_WEIGHTS.
MODULES = {
    1: "full_text",
    2: "requirements",
    3: "documents",
    4: "hints",
    5: "procedure",
    6: "fees",
    7: "deadlines",
    8: "plain_language",
}
PASSAGE_WORDS = 30  # words of a passage …
PASSAGE_STEP = 15  # … and how far the next one starts: overlapping windows
WORD = re.compile(r"\w[\w\-]*")


def passages(text: str) -> list[str]:
    """A long text as overlapping windows of ``PASSAGE_WORDS`` words (a short one as one): the
    query's words near each other in the text fall into one of them."""
    words = WORD.findall(text)
    if len(words) <= PASSAGE_WORDS:
        return [" ".join(words)] if words else []
    starts = range(0, len(words) - PASSAGE_STEP, PASSAGE_STEP)
    return [" ".join(words[i : i + PASSAGE_WORDS]) for i in starts]


def item_passages(item: Service | Answer) -> list[tuple[int, str]]:
    """(module, passage) of an item's long texts."""
    if isinstance(item, Answer):
        return [(1, p) for p in passages(item.answer)]
    return [(n, p) for n, field in MODULES.items() for p in passages(getattr(item, field) or "")]


def _write_passages(rows: list[tuple[KBItem, str, Service | Answer]], replace_all: bool) -> None:
    ids: list[int] = []
    modules: list[int] = []
    texts: list[str] = []
    for kbitem, _, item in rows:
        for module, text in item_passages(item):
            ids.append(kbitem.pk)
            modules.append(module)
            texts.append(text)
    with connection.cursor() as cur:
        if replace_all:
            cur.execute("DELETE FROM ulm_knowledge_searchpassage")
        else:
            cur.execute(
                "DELETE FROM ulm_knowledge_searchpassage WHERE kbitem_id = ANY(%s)",
                [[kbitem.pk for kbitem, _, _ in rows]],
            )
        cur.execute(
            "INSERT INTO ulm_knowledge_searchpassage (kbitem_id, module, vector)"
            " SELECT i, m, to_tsvector('ulm_german', t)"
            " FROM unnest(%s::int[], %s::int[], %s::text[]) AS u(i, m, t)",
            [ids, modules, texts],
        )


INDEX_COLUMNS = ["id", "kind", "ext", "title", "a", "b", "c", "d", "norm", "vf", "vu"]


def _write_entries(rows: list[tuple[KBItem, str, Service | Answer]], replace_all: bool) -> int:
    _, decompounder, title_decompounder = decompounders()
    columns: dict[str, list[Any]] = {k: [] for k in INDEX_COLUMNS}
    for kbitem, kind, item in rows:
        title, keywords, short, rest = _fields(item)
        title_parts = _compound_parts(title, title_decompounder)
        keyword_parts = _compound_parts(keywords, decompounder)
        columns["id"].append(kbitem.pk)
        columns["kind"].append(kind)
        columns["ext"].append(item.external_id or "")
        columns["title"].append(title[:500])
        columns["a"].append(title + " " + " ".join(title_parts))
        columns["b"].append(keywords + " " + " ".join(keyword_parts))
        columns["c"].append(short)
        columns["d"].append(rest)
        columns["norm"].append(normalise(title))
        columns["vf"].append(item.valid_from)
        columns["vu"].append(item.valid_until)
    with connection.cursor() as cur:
        if replace_all:
            cur.execute("DELETE FROM ulm_knowledge_searchentry")
        cur.execute(
            """
            INSERT INTO ulm_knowledge_searchentry
                (kbitem_id, kind, external_id, title, document, body, name_norm, valid_from,
                 valid_until, uses, created_at, updated_at)
            SELECT id, kind, ext, title,
                   setweight(to_tsvector('ulm_german', a), 'A')
                   || setweight(to_tsvector('ulm_german', b), 'B')
                   || setweight(to_tsvector('ulm_german', c), 'C'),
                   setweight(to_tsvector('ulm_german', d), 'D'),
                   norm, vf, vu,
                   (SELECT count(*) FROM ulm_knowledge_answeruse u WHERE u.kbitem_id = id),
                   now(), now()
            FROM unnest(%s::int[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],
                        %s::text[], %s::text[], %s::text[], %s::date[], %s::date[])
                 AS t(id, kind, ext, title, a, b, c, d, norm, vf, vu)
            ON CONFLICT (kbitem_id) DO UPDATE SET
                kind = EXCLUDED.kind, external_id = EXCLUDED.external_id,
                title = EXCLUDED.title, document = EXCLUDED.document, body = EXCLUDED.body,
                name_norm = EXCLUDED.name_norm, valid_from = EXCLUDED.valid_from,
                valid_until = EXCLUDED.valid_until, updated_at = now()
            """,
            [columns[k] for k in INDEX_COLUMNS],
        )
    _write_passages(rows, replace_all)
    return len(columns["id"])


def reindex() -> int:
    """Rebuilds the search entries of every published item, the vocabulary and the term
    statistics. Returns the number of entries. (Nightly, and after imports.)"""
    with transaction.atomic():
        rebuild_lexicon()
        count = _write_entries(_published(), replace_all=True)
        index_request_types()
        refresh_term_stats()
    reclaim()
    return count


# the tables a whole reindex rewrites
REWRITTEN = (
    "ulm_knowledge_searchentry",
    "ulm_knowledge_searchpassage",
    "ulm_knowledge_requesttypeentry",
    "ulm_knowledge_lexiconword",
    "ulm_knowledge_lemmaword",
    "ulm_knowledge_termstat",
)


def reclaim() -> None:
    """After a whole reindex every old row of the search tables is dead, and until autovacuum
    comes each search reads past them: at 50,000 items the per-query best p95 was 10–13 %
    higher (20.5 / 28.3 ms against 18.3 / 24.7 after VACUUM, bench/search_speed.py's queries).
    VACUUM takes 3 s there, but cannot run inside a transaction: within one (an import, a
    test) it is left to autovacuum. The statistics are fresh already (``refresh_term_stats``
    analyses the tables inside the reindex)."""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cur:
        cur.execute(f"VACUUM {', '.join(REWRITTEN)}")


@transaction.atomic
def index_item(item: Service | Answer) -> None:
    """Brings one item's search entry up to date at once: published items are searchable,
    all others not. The vocabulary and term statistics follow in the nightly reindex."""
    if item.status != Status.PUBLISHED:
        SearchEntry.objects.filter(kbitem_id=item.kbitem_id).delete()
        SearchPassage.objects.filter(kbitem_id=item.kbitem_id).delete()
        return
    kind = "service" if isinstance(item, Service) else "answer"
    _write_entries([(item.kbitem, kind, item)], replace_all=False)


def refresh_term_stats() -> None:
    """How many entries hold each stemmed term (ts_stat), for the IDF weights of the search."""
    with connection.cursor() as cur:
        cur.execute("DELETE FROM ulm_knowledge_termstat")
        cur.execute(
            "INSERT INTO ulm_knowledge_termstat (lexeme, ndoc, created_at, updated_at)"
            " SELECT word, ndoc, now(), now()"
            " FROM ts_stat($$SELECT document || coalesce(body, ''::tsvector)"
            " FROM ulm_knowledge_searchentry UNION ALL"
            " SELECT document || coalesce(body, ''::tsvector)"
            " FROM ulm_knowledge_requesttypeentry$$)"
            " WHERE length(word) <= 200"
        )
        # Bulk writes leave GIN entries in the pending list, which every search would then
        # scan: move them into the index, and give the planner fresh statistics.
        for index in GIN_INDEXES:
            cur.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cur.execute(
            "ANALYZE ulm_knowledge_searchentry, ulm_knowledge_requesttypeentry,"
            " ulm_knowledge_lexiconword, ulm_knowledge_termstat, ulm_knowledge_searchpassage"
        )
    forget_cached()


GIN_INDEXES = [
    "ulm_kb_lex_trgm",
    "ulm_kb_entry_document",
    "ulm_kb_entry_body",
    "ulm_kb_entry_name",
    "ulm_kb_passage_vector",
]


@transaction.atomic
def index_request_types(types: Sequence[Any] | None = None) -> int:
    """Writes the search entries of request types: of every active one (``types`` None; the
    others' entries are removed), or brings those of ``types`` up to date (an inactive type is
    no longer found). Returns how many entries were written."""
    from ulm_servicepoint.services import request_type_words, request_types_for_agents

    if types is None:
        RequestTypeEntry.objects.all().delete()
        types = request_types_for_agents()
    else:
        RequestTypeEntry.objects.filter(
            request_type__in=[t for t in types if not t.active]
        ).delete()
        types = [t for t in types if t.active]
    if not types:
        return 0
    _, _, title_parts = decompounders()
    rows: dict[str, list[Any]] = {k: [] for k in ("id", "title", "a", "b", "c", "d", "norm")}
    for words in request_type_words(types):
        parts = [p for w in normalise(words.name).split() for p in title_parts.parts(w)]
        rows["id"].append(words.request_type.pk)
        rows["title"].append(words.name[:500])
        rows["a"].append(f"{words.name} {' '.join(parts)}")
        rows["b"].append(words.keys)
        rows["c"].append(words.description)
        rows["d"].append(words.fields)
        rows["norm"].append(normalise(words.name))
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO ulm_knowledge_requesttypeentry
                (request_type_id, title, document, body, name_norm, created_at, updated_at)
            SELECT id, title,
                   setweight(to_tsvector('ulm_german', a), 'A')
                   || setweight(to_tsvector('ulm_german', b), 'B')
                   || setweight(to_tsvector('ulm_german', c), 'C'),
                   setweight(to_tsvector('ulm_german', d), 'D'),
                   norm, now(), now()
            FROM unnest(%s::int[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],
                        %s::text[]) AS t(id, title, a, b, c, d, norm)
            ON CONFLICT (request_type_id) DO UPDATE SET
                title = EXCLUDED.title, document = EXCLUDED.document, body = EXCLUDED.body,
                name_norm = EXCLUDED.name_norm, updated_at = now()
            """,
            [rows[k] for k in ("id", "title", "a", "b", "c", "d", "norm")],
        )
    return len(rows["id"])
