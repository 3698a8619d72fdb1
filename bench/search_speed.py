"""Search and suggestion speed of ulm_knowledge at scale: 50,000 items and 1,000,000 tickets.

    .venv/bin/python bench/search_speed.py [--items 50000] [--tickets 1000000] [--reset]

Uses its own database on the project's PostgreSQL (ULM_DB_NAME=ulm_bench_speed) and generates
the data there once (later runs reuse it; --reset drops it): Munich's 287 real services, then
variants of them up to --items (the service at another office: "Personalausweis (Bürgerbüro
Pasing)"), one searchable entry each, and --tickets tickets in bulk (SQL INSERT … SELECT), a
fifth of which record the item that answered them (the usage signal).

Prints p50/p95/max of ``services.search`` over the development queries (bench/data) and of
``services.ticket_suggestions`` (what the ticket's panel shows: linked services of its request
type, then the matches of its text, with the answer texts) for random tickets. Targets
(issue 5): search p95 ≤ 25 ms, suggestions p95 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ULM_DB_NAME", "ulm_bench_speed")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DEBUG", "false")

# the catalogues beside the checkout (../shared/data/services); ULM_SERVICES_DATA elsewhere
DATA = Path(os.environ.get("ULM_SERVICES_DATA", ROOT.parent / "shared" / "data" / "services"))
QUERIES = ROOT / "bench" / "data" / "queries_muenchen.tsv"
PLACES = [
    f"{kind} {name}"
    for kind in ("Bürgerbüro", "Außenstelle", "Servicestelle", "Bezirksamt")
    for name in [
        "Mitte",
        "Altstadt",
        "Pasing",
        "Schwabing",
        "Giesing",
        "Sendling",
        "Bogenhausen",
        "Laim",
        "Moosach",
        "Milbertshofen",
        "Neuhausen",
        "Nymphenburg",
        "Haidhausen",
        "Trudering",
        "Riem",
        "Perlach",
        "Hadern",
        "Obermenzing",
        "Aubing",
        "Feldmoching",
        "Hasenbergl",
        "Freimann",
        "Solln",
        "Thalkirchen",
        "Berg-am-Laim",
        "Ramersdorf",
        "Maxvorstadt",
        "Lehel",
        "Au",
        "Westend",
        "Schwanthalerhöhe",
        "Forstenried",
        "Fürstenried",
        "Allach",
        "Untermenzing",
        "Harlaching",
        "Obergiesing",
        "Untergiesing",
        "Neuperlach",
        "Waldperlach",
        "Oberföhring",
        "Denning",
        "Daglfing",
        "Zamdorf",
        "Englschalking",
        "Johanneskirchen",
        "Lochhausen",
        "Langwied",
        "Ludwigsvorstadt",
        "Isarvorstadt",
        "Neuhadern",
        "Großhadern",
        "Blumenau",
        "Westpark",
        "Ulm-Mitte",
        "Söflingen",
        "Wiblingen",
        "Böfingen",
        "Eselsberg",
        "Jungingen",
    ]
]


def log(message: str) -> None:
    print(message, flush=True)


def generate(items: int, tickets: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from helpdesk.models import KBItem, Queue

    from ulm_knowledge import services
    from ulm_knowledge.models import Service

    call_command("migrate", verbosity=0)
    if Service.objects.count() >= items:
        log(f"data present: {Service.objects.count()} services (use --reset to regenerate)")
        return
    started = time.monotonic()
    summary = services.import_services(
        DATA / "muenchen_dldb_services_de.json", locations=DATA / "muenchen_dldb_locations_de.json"
    )
    log(f"Munich import: {summary.created} services in {summary.seconds:.1f} s")
    originals = list(Service.objects.select_related("kbitem"))
    category = services.kb_category()
    now = timezone.now()
    variants = []
    for n in range(items - len(originals)):
        source = originals[n % len(originals)]
        place = PLACES[(n // len(originals)) % len(PLACES)]
        variants.append((source, place, n))
    with transaction.atomic():
        for start in range(0, len(variants), 5000):
            chunk = variants[start : start + 5000]
            kbitems = KBItem.objects.bulk_create(
                [
                    KBItem(
                        category=category,
                        title=f"{s.name} ({p})"[:100],
                        question=s.kbitem.question,
                        answer=s.kbitem.answer,
                        last_updated=now,
                    )
                    for s, p, _ in chunk
                ]
            )
            Service.objects.bulk_create(
                [
                    Service(
                        kbitem=kb,
                        external_id=f"bench:{s.external_id}:{n}",
                        slug=f"{s.slug}-bench-{n}",
                        status=s.status,
                        name=f"{s.name} ({p})",
                        keywords=f"{s.keywords}, {p}",
                        short_text=s.short_text,
                        full_text=s.full_text,
                        fees=s.fees,
                        documents=s.documents,
                        leika_keys=s.leika_keys,
                    )
                    for kb, (s, p, n) in zip(kbitems, chunk, strict=True)
                ]
            )
    log(f"{len(variants)} variants stored in {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    count = services.reindex()
    log(f"reindex of {count} entries: {time.monotonic() - started:.1f} s")

    started = time.monotonic()
    queue, _ = Queue.objects.get_or_create(slug="bench", defaults={"title": "Bench"})
    texts = [line.split("\t")[0] for line in QUERIES.read_text(encoding="utf-8").splitlines()]
    texts = [t for t in texts if t and not t.startswith("#")]
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO helpdesk_ticket (title, description, created, modified, status, on_hold,
                                         priority, queue_id, secret_key, submitter_email)
            SELECT left(t[1 + g %% array_length(t, 1)], 200), t[1 + g %% array_length(t, 1)],
                   now() - (g %% 700) * interval '1 day', now(), 1 + g %% 4, false, 3, %s,
                   md5(g::text), 'buerger' || g || '@example.org'
            FROM generate_series(1, %s) AS g, (SELECT %s::text[] AS t) AS texts
            """,
            [queue.pk, tickets, texts],
        )
        log(f"{tickets} tickets in {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        cur.execute(
            """
            INSERT INTO ulm_knowledge_answeruse (ticket_id, kbitem_id, version, ticket_text,
                                                 created_at, updated_at)
            SELECT t.id, e.kbitem_id, 1, to_tsvector('ulm_german', t.title), now(), now()
            FROM (SELECT id, title, row_number() OVER (ORDER BY id) AS rn FROM helpdesk_ticket
                  WHERE queue_id = %s AND id %% 5 = 0) AS t
            JOIN (SELECT kbitem_id, row_number() OVER (ORDER BY kbitem_id) AS rn
                  FROM ulm_knowledge_searchentry) AS e
              ON e.rn = 1 + (t.rn * 7919) %% %s
            """,
            [queue.pk, count],
        )
        log(f"{cur.rowcount} answers given (usage signal) in {time.monotonic() - started:.1f} s")
        cur.execute("ANALYZE")


def percentiles(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[int(0.95 * (len(samples) - 1))]
    return (
        f"p50 {statistics.median(samples):.1f} ms, p95 {p95:.1f} ms, max {samples[-1]:.1f} ms"
        f" ({len(samples)} calls)"
    )


def measure() -> None:
    from django.db import connection
    from helpdesk.models import Ticket

    from ulm_knowledge import services
    from ulm_knowledge.models import AnswerUse, SearchEntry

    started = time.monotonic()
    services.load_default_synonyms(replace=True)  # the shipped list and the current code's
    count = services.reindex()  # index: both may have changed since the data was generated
    log(f"reindex of {count} entries: {time.monotonic() - started:.1f} s")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*), max(id) FROM helpdesk_ticket")
        n_tickets, max_id = cur.fetchone()
    log(
        f"database: {SearchEntry.objects.count()} searchable items, {n_tickets} tickets, "
        f"{AnswerUse.objects.count()} answers given"
    )
    queries = [line.split("\t")[0] for line in QUERIES.read_text(encoding="utf-8").splitlines()]
    queries = [q for q in queries if q and not q.startswith("#")]
    for q in queries[:20]:  # warm-up: caches of this process, PostgreSQL's buffers
        services.search(q, 10)
    timings = []
    for round_ in range(3):
        for q in queries:
            started = time.perf_counter()
            services.search(q, 10)
            timings.append((time.perf_counter() - started) * 1000)
        if round_ == 0:  # each query new to this process: no word of it seen before
            first = list(timings)
    log(f"search:      {percentiles(timings)}   (target p95 ≤ 25 ms)")
    # each query once (its words may still be cached from the warm-up or earlier queries)
    log(f"  first round alone: {percentiles(first)}")

    rng = random.Random(5)
    timings = []
    for _ in range(300):
        started = time.perf_counter()
        ticket = Ticket.objects.filter(pk__gte=rng.randint(1, max_id)).order_by("pk").first()
        if ticket is not None:
            services.ticket_suggestions(ticket)
        timings.append((time.perf_counter() - started) * 1000)
    log(f"suggestions: {percentiles(timings)}   (target p95 ≤ 50 ms, incl. loading the ticket)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--reset", action="store_true")
    args = parser.parse_args()
    if args.reset:
        from config import embedded_pg

        if not os.environ.get("DATABASE_URL"):
            embedded_pg.ensure_running()
            psql = [embedded_pg._bin("psql"), "-h", str(embedded_pg.socket_dir()), "-U", "postgres"]
            name = os.environ["ULM_DB_NAME"]
            embedded_pg._run_as_owner([*psql, "-d", "postgres", "-c", f'DROP DATABASE "{name}"'])
    import django

    django.setup()
    generate(args.items, args.tickets)
    measure()
    return 0


if __name__ == "__main__":
    sys.exit(main())
