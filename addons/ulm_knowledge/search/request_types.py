"""Request types (ulm_servicepoint's Anliegenarten) found by the knowledge base's German search:
registered with ulm_servicepoint (``apps.py``), so that citizens on /anliegen/ and agents in the
capture screen and the counter mode search with stems, compounds, synonyms and typo correction.

A request type is ranked through its own words (``RequestTypeEntry``: name, topic group and
LeiKa keys, descriptions, capture fields; scored as the knowledge items are) and through the
services linked to it (``Service.request_types``) that the query finds: "Sofa" finds the
Sperrmüll service by the synonym list and its keywords, and so the Sperrmüll request type."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ulm_knowledge.models import Answer, Service
from ulm_knowledge.search.engine import Hit, query_terms, rank_entries, search_terms

SERVICE_HITS = 20  # knowledge items searched for the services linked to request types
VIA_SERVICE = 1.0  # how much a linked service's score adds to a request type's own
VIA_ANSWER = 0.5  # … and an answer about a linked service
CUTOFF = 0.2  # types scoring less than this share of the best one are left out


def rank_request_types(query: str, types: Sequence[Any]) -> list[tuple[Any, float]]:
    """The request types among ``types`` that ``query`` finds, with their scores, best first:
    each type's own words scored as knowledge items are, plus the best score of a linked
    service (or of an answer about one) among the query's hits."""
    terms = query_terms(query)
    by_id = {t.pk: t for t in types}
    if not terms or not by_id:
        return []
    every_term = " | ".join(part[0] for term in terms for part in term.tsqueries())
    candidates = """
        SELECT e.request_type_id, '', e.title, 'request_type', e.document, e.body, e.name_norm
        FROM ulm_knowledge_requesttypeentry e
        WHERE e.request_type_id = ANY(%s)
          AND (e.document @@ %s::tsquery OR e.body @@ %s::tsquery)
    """
    own = rank_entries(terms, query, candidates, [list(by_id), every_term, every_term], len(by_id))
    scores = {hit.id: hit.score for hit in own}
    for type_id, score in _through_linked_services(
        search_terms(terms, query, SERVICE_HITS), list(by_id)
    ).items():
        scores[type_id] = scores.get(type_id, 0.0) + score
    if not scores:
        return []
    best = max(scores.values())
    found = [(by_id[i], s) for i, s in scores.items() if s > 0 and s >= CUTOFF * best]
    return sorted(found, key=lambda pair: (-pair[1], pair[0].name))


def _through_linked_services(hits: list[Hit], type_ids: list[int]) -> dict[int, float]:
    """Per request type the best score of a hit linked to it: a service linked to the type, or
    an answer about such a service (weighted ``VIA_SERVICE``, ``VIA_ANSWER``)."""
    score = {hit.id: hit.score for hit in hits}
    found: dict[int, float] = {}

    def add(type_id: int, value: float) -> None:
        found[type_id] = max(found.get(type_id, 0.0), value)

    services_linked = Service.request_types.through.objects.filter(
        service__kbitem_id__in=list(score), requesttype_id__in=type_ids
    ).values_list("service__kbitem_id", "requesttype_id")
    for kbitem_id, type_id in services_linked:
        add(type_id, VIA_SERVICE * score[kbitem_id])
    answers_linked = Answer.objects.filter(
        kbitem_id__in=list(score), services__request_types__in=type_ids
    ).values_list("kbitem_id", "services__request_types")
    for kbitem_id, type_id in answers_linked:
        add(type_id, VIA_ANSWER * score[kbitem_id])
    return found
