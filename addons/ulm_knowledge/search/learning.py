"""Learning from the service center: when an agent gives an answer (``AnswerUse``, with the
ticket's text), the ticket's content words become evidence for that item on similar future
queries (``LearnedWord``), rebuilt by the worker.

Personal data never leaves the ticket: a word is kept only if it is a word of the catalogue
itself (its term statistics: names, streets and numbers of citizens are not), holds no digit,
and was used in at least ``MIN_TICKETS`` distinct tickets answered by the item. The evidence
is bounded: it reorders the text match's best hits by at most ``LEARNED_WEIGHT`` of the best
hit's score, so it can never drown the text match."""

from __future__ import annotations

import math
from typing import Protocol, TypeVar

from django.db import connection, transaction

from ulm_knowledge.search.vocabulary import cached, forget_cached


class Scored(Protocol):
    """A search hit as the engine makes it (``engine.Hit``)."""

    id: int
    title: str
    score: float


H = TypeVar("H", bound=Scored)

MIN_TICKETS = 3  # distinct tickets a word must come from (no single ticket's wording is kept)
MAX_WORDS = 200  # words kept per item, the most used first
LEARNED_WEIGHT = 0.3  # at most this share of the best hit's score is added to a hit
SATURATE = 20  # tickets after which a word's evidence counts fully


@transaction.atomic
def rebuild_learned_words(min_tickets: int = MIN_TICKETS) -> int:
    """Rebuilds the learned words from every answer given (``AnswerUse``) of published items.
    Returns how many (word, item) pairs were kept."""
    with connection.cursor() as cur:
        cur.execute("DELETE FROM ulm_knowledge_learnedword")
        cur.execute(
            """
            INSERT INTO ulm_knowledge_learnedword (kbitem_id, lexeme, tickets)
            SELECT kbitem_id, lexeme, n FROM (
                SELECT w.kbitem_id, w.lexeme, count(DISTINCT w.ticket_id) AS n,
                       row_number() OVER (PARTITION BY w.kbitem_id
                                          ORDER BY count(DISTINCT w.ticket_id) DESC,
                                                   w.lexeme) AS r
                FROM (SELECT u.kbitem_id, u.ticket_id,
                             unnest(tsvector_to_array(u.ticket_text)) AS lexeme
                      FROM ulm_knowledge_answeruse u
                      JOIN ulm_knowledge_searchentry e ON e.kbitem_id = u.kbitem_id
                      WHERE u.ticket_text IS NOT NULL) AS w
                JOIN ulm_knowledge_termstat s ON s.lexeme = w.lexeme
                WHERE w.lexeme !~ '[0-9]' AND length(w.lexeme) BETWEEN 3 AND 100
                GROUP BY w.kbitem_id, w.lexeme
                HAVING count(DISTINCT w.ticket_id) >= %s
            ) AS counted
            WHERE r <= %s
            """,
            [max(1, min_tickets), MAX_WORDS],
        )
        kept = cur.rowcount
    forget_cached()
    return kept


def _has_learned() -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM ulm_knowledge_learnedword)")
        return bool(cur.fetchone()[0])


def learned_boost(hits: list[H], weights: dict[str, float]) -> list[H]:
    """The hits reordered by the learned evidence for the query's terms (stem → weight): per
    hit the share of the query's weight its learned words hold (each saturating with its
    tickets), times ``LEARNED_WEIGHT`` × the best hit's score."""
    if not hits or not weights or not LEARNED_WEIGHT or not cached("learned", _has_learned):
        return hits
    with connection.cursor() as cur:
        cur.execute(
            "SELECT kbitem_id, lexeme, tickets FROM ulm_knowledge_learnedword"
            " WHERE kbitem_id = ANY(%s) AND lexeme = ANY(%s)",
            [[h.id for h in hits], list(weights)],
        )
        rows = cur.fetchall()
    if not rows:
        return hits
    total = sum(weights.values())
    evidence: dict[int, float] = {}
    for kbitem_id, lexeme, tickets in rows:
        share = weights[lexeme] / total * min(1.0, math.log1p(tickets) / math.log1p(SATURATE))
        evidence[kbitem_id] = evidence.get(kbitem_id, 0.0) + share
    best = max(h.score for h in hits)
    for hit in hits:
        hit.score += LEARNED_WEIGHT * best * min(1.0, evidence.get(hit.id, 0.0))
    return sorted(hits, key=lambda h: (-h.score, h.title))
