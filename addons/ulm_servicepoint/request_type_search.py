"""Finding request types by what a person types: citizens on /anliegen/, agents in the capture
screen and the counter mode.

The platform does not search German itself. An addon with a search engine (ulm_knowledge)
registers a ranker here (``register_request_type_search``); without one, the plain matcher
below is used: every typed word contained in a type's name, topic, slug, LeiKa keys or
description (German-folded). With a ranker, the types the plain matcher finds still come
first (agents type part of a name: "sperr", "Laermbeschw"), in the ranker's order, followed by
what only the ranker found ("Sofa" → Sperrmüll-Abholung)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ulm_servicepoint.models import CaptureSchema, RequestType

# (query, the types to choose from) → the types it finds with their scores, best first
RequestTypeRanker = Callable[[str, Sequence[RequestType]], list[tuple[RequestType, float]]]

MAX_QUERY = 500  # characters of a query that are searched (forms bound theirs lower)
DECISIVE = 2.0  # the counter mode takes the ranker's best type when it scores this × the next

_ranker: list[RequestTypeRanker] = []


def register_request_type_search(ranker: RequestTypeRanker | None) -> None:
    """Makes ``ranker`` the search behind every request-type look-up (None: the plain matcher)."""
    _ranker[:] = [ranker] if ranker is not None else []


def fold_german(text: str) -> str:
    """For forgiving search: lower case, umlauts and ß spelt out and then simplified the same
    way on both sides, so "strassen", "Straßen" and "STRASSEN" meet, as do "Müll" and "Muell"."""
    text = text.casefold()  # ß -> ss
    for umlaut, plain in (
        ("ä", "a"),
        ("ö", "o"),
        ("ü", "u"),
        ("ae", "a"),
        ("oe", "o"),
        ("ue", "u"),
    ):
        text = text.replace(umlaut, plain)
    return " ".join(text.split())


def containing_every_word(types: Iterable[RequestType], search: str) -> list[RequestType]:
    """The plain matcher: types whose name, topic group, slug, LeiKa keys or description
    contain every word of ``search`` (German-folded), in the order given."""
    words = fold_german(search[:MAX_QUERY]).split()

    def haystack(t: RequestType) -> str:
        return fold_german(f"{t.name} {t.topic_group} {t.slug} {t.leika_keys} {t.description}")

    return [t for t in types if all(word in haystack(t) for word in words)]


def ranked(types: Sequence[RequestType], search: str) -> list[tuple[RequestType, float]]:
    """The types ``search`` finds, best first, with the ranker's score (0 where only the
    plain matcher found it); all of them, in their order, when nothing is typed."""
    search = search[:MAX_QUERY]
    if not fold_german(search):
        return [(t, 0.0) for t in types]
    plain = containing_every_word(types, search)
    allowed = {t.pk for t in types}
    found = [(t, s) for t, s in (_ranker[0](search, types) if _ranker else []) if t.pk in allowed]
    scores = {t.pk: score for t, score in found}
    first = sorted(plain, key=lambda t: -scores.get(t.pk, 0.0))  # stable: ties keep their order
    shown = {t.pk for t in first}
    return [(t, scores.get(t.pk, 0.0)) for t in first] + [
        (t, score) for t, score in found if t.pk not in shown
    ]


def search_request_types(types: Sequence[RequestType], search: str) -> list[RequestType]:
    """The types ``search`` finds among ``types``, best first (all when nothing is typed)."""
    return [t for t, _ in ranked(types, search)]


def single_match(found: Sequence[RequestType], search: str) -> RequestType | None:
    """The type a search opens at once (the capture screen): the only one found, or the only
    one containing every typed word (an agent typing part of a name)."""
    if len(found) == 1:
        return found[0]
    plain = containing_every_word(found, search)
    return plain[0] if len(plain) == 1 else None


def the_one_meant(types: Sequence[RequestType], text: str) -> RequestType | None:
    """The one request type an agent means by ``text``: the exact name, else the only name
    starting with it, else the only name containing it (German-folded); else the ranker's best
    type when it is far ahead of the next (``DECISIVE``). None when that is not clear."""
    wanted = fold_german(text[:MAX_QUERY])
    if not wanted:
        return None
    names = [(fold_german(t.name), t) for t in types]
    for matches in (
        lambda name: name == wanted,
        lambda name: name.startswith(wanted),
        lambda name: wanted in name,
    ):
        found = [t for name, t in names if matches(name)]
        if len(found) == 1:
            return found[0]
    if not _ranker:
        return None
    best = _ranker[0](text[:MAX_QUERY], types)[:2]
    if best and (len(best) == 1 or best[0][1] >= DECISIVE * best[1][1]):
        return best[0][0]
    return None


@dataclass
class RequestTypeWords:
    """What a request type says about itself, for a search index: its name; topic group and
    LeiKa keys; the descriptions for citizens; the labels, help texts and choices of its
    current capture fields."""

    request_type: RequestType
    name: str
    keys: str
    description: str
    fields: str


def request_type_words(types: Iterable[RequestType]) -> list[RequestTypeWords]:
    """The words of each type, with its newest capture schema (read, never published here)."""
    types = list(types)
    newest = {
        schema.request_type_id: schema.fields
        for schema in CaptureSchema.objects.filter(request_type__in=types)
        .order_by("request_type_id", "-version")
        .distinct("request_type_id")
    }
    found = []
    for t in types:
        words = []
        for spec in newest.get(t.pk, []):
            words += [
                spec.get("label", ""),
                spec.get("help_text", ""),
                spec.get("help_text_easy", ""),
            ]
            words += spec.get("choices", [])
        found.append(
            RequestTypeWords(
                request_type=t,
                name=t.name,
                keys=f"{t.topic_group} {' '.join(t.leika_key_list())}",
                description=f"{t.description}\n{t.description_easy}",
                fields="\n".join(w for w in words if w),
            )
        )
    return found
