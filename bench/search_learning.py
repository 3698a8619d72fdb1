"""The learning from the service center (issue 17), measured on a held-out split: the queries
of the earlier sets and the situational development set (not the blind set) are split in two by
a hash of their text; one half become tickets answered by their expected service (AnswerUse),
the other half is searched with and without the learned words.

    .venv/bin/python bench/search_learning.py [--min-tickets N]

Uses the database of search_quality.py (run it first: it imports Munich's catalogue).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ULM_DB_NAME", "ulm_bench_quality")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DEBUG", "false")

from search_quality import read_queries  # noqa: E402

SETS = ["", "_probe", "_fresh_a", "_fresh_b", "_fresh_c", "_situations_dev"]


def measure(queries: list[tuple[str, set[str]]]) -> tuple[float, float]:
    from ulm_knowledge import services

    hits3 = 0
    rr = 0.0
    for query, expected in queries:
        ids = [r.external_id for r in services.search(query, 10)]
        rank = next((i for i, ext in enumerate(ids, 1) if ext in expected), None)
        hits3 += rank is not None and rank <= 3
        rr += 1 / rank if rank else 0.0
    return hits3 / len(queries), rr / len(queries)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--min-tickets", type=int, default=None)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from helpdesk.models import Queue, Ticket

    from ulm_knowledge import services
    from ulm_knowledge.models import AnswerUse, LearnedWord, Service
    from ulm_knowledge.search import learning

    queries = [
        q for name in SETS for q in read_queries(ROOT / f"bench/data/queries_muenchen{name}.tsv")
    ]
    train, test = [], []
    for query, expected in queries:
        half = hashlib.sha256(query.encode()).digest()[0] % 2
        (train if half else test).append((query, expected))
    queue, _ = Queue.objects.get_or_create(slug="bench-learning", defaults={"title": "Bench"})
    AnswerUse.objects.filter(ticket__queue=queue).delete()
    Ticket.objects.filter(queue=queue).delete()
    LearnedWord.objects.all().delete()
    services.forget_cached()
    before = measure(test)
    kbitems = dict(Service.objects.values_list("external_id", "kbitem_id"))
    for query, expected in train:
        ticket = Ticket.objects.create(title=query[:200], description=query, queue=queue)
        AnswerUse.objects.create(ticket=ticket, kbitem_id=kbitems[sorted(expected)[0]], version=1)
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE ulm_knowledge_answeruse u"
            " SET ticket_text = to_tsvector('ulm_german', t.description)"
            " FROM helpdesk_ticket t WHERE t.id = u.ticket_id AND t.queue_id = %s",
            [queue.pk],
        )
    kept = learning.rebuild_learned_words(args.min_tickets or learning.MIN_TICKETS)
    after = measure(test)
    print(
        f"split: {len(train)} tickets answered, {len(test)} held-out queries; {kept} learned words"
    )
    print(f"held out without learning: Recall@3 {before[0]:.3f}  MRR {before[1]:.3f}")
    print(f"held out with learning:    Recall@3 {after[0]:.3f}  MRR {after[1]:.3f}")
    AnswerUse.objects.filter(ticket__queue=queue).delete()
    Ticket.objects.filter(queue=queue).delete()
    LearnedWord.objects.all().delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
