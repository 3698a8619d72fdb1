"""What the search knows of words, kept per process for ``ULM_KNOWLEDGE_CACHE_SECONDS``: the
catalogue's vocabulary (``LexiconWord``), the decompounders over it, and the synonym list."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import transaction

from ulm_knowledge import conf
from ulm_knowledge.models import LemmaWord, LexiconWord, Synonym
from ulm_knowledge.text import Decompounder, SynonymTable, tokens

TEXT_PARTS_FROM = 7  # words of the descriptions this long split compounds too (0: names only)

_cache: dict[str, tuple[float, Any]] = {}


def cached(key: str, load: Callable[[], Any]) -> Any:
    """``load()``'s result, kept in this process for ``ULM_KNOWLEDGE_CACHE_SECONDS``."""
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is None or now - hit[0] > conf.get("ULM_KNOWLEDGE_CACHE_SECONDS"):
        hit = (now, load())
        _cache[key] = hit
    return hit[1]


def forget_cached() -> None:
    """Drops what this process keeps (after a change of synonyms, vocabulary or index)."""
    _cache.clear()


def known_words() -> tuple[frozenset[str], Decompounder]:
    """The catalogue's words, and the decompounder over the words of names and keywords."""
    words, names, _ = decompounders()
    return words, names


def decompounders() -> tuple[frozenset[str], Decompounder, Decompounder]:
    """Also the decompounder for titles, which may split into longer words of the descriptions
    too (many services have no keywords: Entwässerungsplanvorbesprechung → vorbesprechung);
    keywords, often long lists, keep to names and keywords, or every entry would grow."""

    def load():
        words = frozenset(LexiconWord.objects.values_list("word", flat=True))
        parts = list(
            LexiconWord.objects.filter(in_names=True, word__regex=r"^.{4,}$").values_list(
                "word", flat=True
            )
        )
        # one-word synonym terms are parts too: Krippenplatz → krippe → Kinderbetreuung
        parts += [t[0] for t in synonym_table() if len(t) == 1 and len(t[0]) >= 4]
        text = LexiconWord.objects.filter(
            in_names=False, word__regex=rf"^.{{{TEXT_PARTS_FROM},}}$"
        ).values_list("word", flat=True)
        titles = Decompounder([*parts, *text]) if TEXT_PARTS_FROM else Decompounder(parts)
        return words, Decompounder(parts), titles

    return cached("vocabulary", load)


@transaction.atomic
def load_default_synonyms(replace: bool = False) -> int:
    """The shipped list (data/synonyms_de.txt): added where missing, or (``replace``) instead
    of the current list."""
    from ulm_knowledge.synonyms import add_missing

    if replace:
        Synonym.objects.all().delete()
    add_missing(Synonym)
    forget_cached()
    return Synonym.objects.count()


def synonym_table() -> SynonymTable:
    def load():
        table: dict[tuple[str, ...], list[str]] = {}
        for term, expansion in Synonym.objects.filter(active=True).values_list("term", "expansion"):
            table.setdefault(tuple(tokens(term)), []).extend(tokens(expansion))
        return SynonymTable(table.items())

    return cached("synonyms", load)


def lemmas_known() -> dict[str, str]:
    """Word form → lemma, for the lemmas the catalogue knows (``LemmaWord``)."""
    return cached("lemmas", lambda: dict(LemmaWord.objects.values_list("word", "lemma")))
