"""Search quality of ulm_knowledge on the Munich catalogue: Recall@3 and MRR.

    .venv/bin/python bench/search_quality.py [QUERIES.tsv] [--show-misses]

Uses its own database on the project's PostgreSQL (ULM_DB_NAME=ulm_bench_quality, or
DATABASE_URL), imports ../shared/data/services/muenchen_dldb_services_de.json into it and runs
every query through ulm_knowledge.services.search. Prints Recall@1, Recall@3, MRR (over the
first 10 results) and the query latency. Targets (issue 5): Recall@3 ≥ 0.92, MRR ≥ 0.85.
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
os.environ.setdefault("ULM_DB_NAME", "ulm_bench_quality")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DEBUG", "false")

# the catalogues beside the checkout (../shared/data/services); ULM_SERVICES_DATA elsewhere
DATA = Path(os.environ.get("ULM_SERVICES_DATA", ROOT.parent / "shared" / "data" / "services"))
DEFAULT_QUERIES = ROOT / "bench" / "data" / "queries_muenchen.tsv"


def read_queries(path: Path) -> list[tuple[str, set[str]]]:
    queries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        query, expected = line.split("\t")
        queries.append((query, {f"dldb:{i.strip()}" for i in expected.split(",")}))
    return queries


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from ulm_knowledge import services

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    show = "--show-misses" in sys.argv
    call_command("migrate", verbosity=0)
    services.load_default_synonyms(replace=True)  # the shipped list, as a new installation has
    summary = services.import_services(
        DATA / "muenchen_dldb_services_de.json",
        locations=DATA / "muenchen_dldb_locations_de.json",
    )
    if not summary.created and not summary.updated:
        services.reindex()  # the search code may have changed since the last run
    queries = read_queries(Path(args[0]) if args else DEFAULT_QUERIES)
    hits1 = hits3 = 0
    rr_sum = 0.0
    latencies = []
    for query, expected in queries:
        started = time.perf_counter()
        results = services.search(query, 10)
        latencies.append((time.perf_counter() - started) * 1000)
        ids = [r.external_id for r in results]
        rank = next((i for i, ext in enumerate(ids, 1) if ext in expected), None)
        hits1 += rank == 1
        hits3 += rank is not None and rank <= 3
        rr_sum += 1 / rank if rank else 0.0
        if show and rank != 1:
            print(f"rank {rank}: {query!r} expected {sorted(expected)} got {ids[:3]}")
    n = len(queries)
    latencies.sort()
    print(f"queries:   {n}")
    print(f"Recall@1:  {hits1 / n:.3f}")
    print(f"Recall@3:  {hits3 / n:.3f}   (target ≥ 0.92)")
    print(f"MRR@10:    {rr_sum / n:.3f}   (target ≥ 0.85)")
    print(
        f"latency:   median {statistics.median(latencies):.1f} ms, "
        f"p95 {latencies[int(0.95 * (n - 1))]:.1f} ms (287 services, no tickets)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
