"""Search quality of the request-type search (Anliegenarten) on the demo city: Recall@1,
Recall@3 and MRR of what citizens find on /anliegen/, and how often the counter mode's topic
field picks the right type.

    .venv/bin/python bench/request_type_search.py [QUERIES.tsv ...] [--fallback] [--show-misses]

Uses its own database on the project's PostgreSQL (ULM_DB_NAME=ulm_bench_request_types, or
DATABASE_URL), loads the demo city (request types, departments) and its knowledge base (the
services linked to the request types) and runs every query through
``ulm_servicepoint.services.search_public_request_types`` (what /anliegen/?q= lists, in its
order) and ``match_request_type`` (the counter mode: one type or none). ``--fallback`` measures
the plain matcher ulm_servicepoint uses without ulm_knowledge. Default query sets:
bench/data/queries_request_types.tsv and its held-out companion.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ULM_DB_NAME", "ulm_bench_request_types")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DEBUG", "false")

DEFAULT_SETS = [
    ROOT / "bench" / "data" / "queries_request_types.tsv",
    ROOT / "bench" / "data" / "queries_request_types_heldout.tsv",
]


def read_queries(path: Path) -> list[tuple[str, set[str]]]:
    queries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        query, expected = line.split("\t")
        queries.append((query, {slug.strip() for slug in expected.split(",")}))
    return queries


def measure(path: Path, show: bool) -> None:
    from ulm_servicepoint import services

    queries = read_queries(path)
    hits1 = hits3 = counter_right = counter_wrong = 0
    rr_sum = 0.0
    latencies = []
    for query, expected in queries:
        started = time.perf_counter()
        found = [t.slug for t in services.search_public_request_types(query)]
        latencies.append((time.perf_counter() - started) * 1000)
        rank = next((i for i, slug in enumerate(found[:10], 1) if slug in expected), None)
        hits1 += rank == 1
        hits3 += rank is not None and rank <= 3
        rr_sum += 1 / rank if rank else 0.0
        picked = services.match_request_type(query)
        counter_right += picked is not None and picked.slug in expected
        counter_wrong += picked is not None and picked.slug not in expected
        if show and rank != 1:
            print(f"  rank {rank}: {query!r} expected {sorted(expected)} got {found[:3]}")
        if show and picked is not None and picked.slug not in expected:
            print(f"  counter mode took {picked.slug} for {query!r}")
    n = len(queries)
    latencies.sort()
    print(f"{path.name}: {n} queries")
    print(f"  Recall@1 {hits1 / n:.3f}   Recall@3 {hits3 / n:.3f}   MRR@10 {rr_sum / n:.3f}")
    print(
        f"  counter mode: right type {counter_right}, wrong type {counter_wrong}, "
        f"none {n - counter_right - counter_wrong}"
    )
    print(
        f"  latency of the citizens' search: median {statistics.median(latencies):.1f} ms, "
        f"p95 {latencies[int(0.95 * (n - 1))]:.1f} ms"
    )


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from ulm_servicepoint import services

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    call_command("migrate", verbosity=0)
    services.load_demo_data()
    try:
        from ulm_knowledge import services as knowledge
    except ImportError:  # measuring a checkout without the knowledge base
        knowledge = None
    if knowledge is not None:
        knowledge.load_default_synonyms(replace=True)  # the shipped list
        if not knowledge.load_demo_knowledge():
            knowledge.reindex()  # the search code may have changed since the last run
    if "--fallback" in sys.argv:
        from ulm_servicepoint import request_type_search

        request_type_search.register_request_type_search(None)
        print("plain matcher (ulm_servicepoint without ulm_knowledge)")
    for path in [Path(a) for a in args] or DEFAULT_SETS:
        measure(path, "--show-misses" in sys.argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
