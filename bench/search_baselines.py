"""Baselines on the same query set as search_quality.py, for orientation:
plain trigram similarity over name and keywords, PostgreSQL German full text with OR, and the
host's icontains. Run search_quality.py first (it fills the database).

    .venv/bin/python bench/search_baselines.py [QUERIES.tsv]
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ULM_DB_NAME", "ulm_bench_quality")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DEBUG", "false")

from search_quality import DEFAULT_QUERIES, read_queries  # noqa: E402

BASELINES = {
    "trigram (name + keywords)": """
        SELECT external_id FROM ulm_knowledge_service
        ORDER BY word_similarity(%(q)s, name || ' ' || keywords) DESC LIMIT 10""",
    "German full text, OR": """
        SELECT external_id FROM ulm_knowledge_service,
             to_tsquery('german', %(or)s) AS q
        WHERE to_tsvector('german', name || ' ' || keywords || ' ' || full_text) @@ q
        ORDER BY ts_rank(to_tsvector('german', name || ' ' || keywords || ' ' || full_text), q)
                 DESC LIMIT 10""",
    "icontains (host)": """
        SELECT external_id FROM ulm_knowledge_service
        WHERE upper(name) LIKE upper('%%' || %(q)s || '%%')
           OR upper(full_text) LIKE upper('%%' || %(q)s || '%%') LIMIT 10""",
}


def main() -> int:
    import django

    django.setup()
    from django.db import connection

    queries = read_queries(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_QUERIES)
    for label, sql in BASELINES.items():
        hits3 = 0
        rr = 0.0
        for query, expected in queries:
            words = re.findall(r"\w+", query)
            with connection.cursor() as cur:
                cur.execute(sql, {"q": query, "or": " | ".join(words) or "x"})
                ids = [row[0] for row in cur.fetchall()]
            rank = next((i for i, ext in enumerate(ids, 1) if ext in expected), None)
            hits3 += rank is not None and rank <= 3
            rr += 1 / rank if rank else 0.0
        print(f"{label:28} Recall@3 {hits3 / len(queries):.3f}  MRR {rr / len(queries):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
