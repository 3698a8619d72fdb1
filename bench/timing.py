"""Timing requests in-process for the benchmarks: server time p50/p95, SQL queries per request
and (with ``--slow`` on the command line) the three slowest statements."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def measure(
    label: str, call: Callable, runs: int, rows: Callable[[bytes], int] | None = None
) -> str:
    """Calls ``call`` once to warm up, then ``runs`` times; every answer must be a 200.
    ``rows(content)`` counts what the page lists (shown beside the figures). Prints and
    returns the line."""
    response = call()
    assert response.status_code == 200, (label, response.status_code)
    timings, queries = [], set()
    slowest: dict[str, float] = {}
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = call()
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (label, response.status_code)
        queries.add(len(captured))
        for query in captured.captured_queries:
            key = query["sql"][:160]
            slowest[key] = max(slowest.get(key, 0.0), float(query["time"]) * 1000)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    listed = f"rows {rows(response.content):>3}  " if rows else ""
    line = (
        f"{label:<52} {listed}queries {sorted(queries)!s:<10} "
        f"p50 {statistics.median(timings):7.1f} ms  p95 {p95:7.1f} ms  (n={runs})"
    )
    print(line, flush=True)
    if "--slow" in sys.argv:
        for sql, ms in sorted(slowest.items(), key=lambda kv: -kv[1])[:3]:
            print(f"    {ms:7.1f} ms  {sql}")
    return line
