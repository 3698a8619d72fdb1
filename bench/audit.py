"""The audit log's cost on the ticket page: the host's ticket page (/helpdesk/tickets/<id>/) as
the service center's agent Anna, with the audit middleware (ulm_privacy.middleware) and without
it, on the same database in the same run. Target (issue 15): added p95 ≤ 5 ms.

Creates a database of its own (``test_ulm_bench_audit`` on the project's PostgreSQL,
migrated), loads the demo city with its routing, generates TICKETS tickets over two years
(``bench/generate.generate_city``) and EVENTS audit events (so each new event goes into a
table and indexes of a realistic size), VACUUM ANALYZEs, then requests RUNS times a ticket page
through each of two in-process clients, alternating (one loaded the middleware, the other was
started with MIDDLEWARE without it), over 50 different tickets. Prints server time p50/p95 and
SQL queries for both and the difference. Drops the database at the end.

    DEBUG=false SECRET_KEY=x SECURE_SSL_REDIRECT=false \
        .venv/bin/python bench/audit.py [TICKETS] [RUNS] [EVENTS] [--keep] [--reuse]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["ULM_DB_NAME"] = "ulm_bench_audit"  # test_ulm_bench_audit: made and dropped here

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from helpdesk.models import Ticket  # noqa: E402

from bench.generate import generate_city  # noqa: E402
from ulm_privacy import audit  # noqa: E402
from ulm_privacy.models import AuditEvent  # noqa: E402
from ulm_routing import services as routing  # noqa: E402
from ulm_servicepoint import services  # noqa: E402

AUDIT = "ulm_privacy.middleware.AuditMiddleware"
OWN: list[float] = []  # the middleware's own work per request (ms): rule, event, INSERT


def timing_own_work() -> None:
    """Times what the middleware adds after the view answered: looking the rule up, making the
    event and writing it (``audit.rule_for``, ``event_for``, ``record_request``)."""
    for name in ("rule_for", "event_for", "record_request"):
        original = getattr(audit, name)

        def timed_call(*args, _original=original, _name=name, **kwargs):
            start = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent = (time.perf_counter() - start) * 1000
                if _name == "rule_for":
                    OWN.append(spent)
                else:
                    OWN[-1] += spent

        setattr(audit, name, timed_call)


def fill_audit_log(events: int) -> None:
    """``events`` past events of 40 staff over two years: views, searches, changes."""
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO ulm_privacy_auditevent
                   (at, username, action, object_type, object_id, path, detail)
               SELECT now() - (g %% 730) * interval '1 day' - (g %% 86400) * interval '1 second',
                      'user' || (g %% 40),
                      (ARRAY['view', 'view', 'view', 'search', 'change'])[1 + g %% 5],
                      'helpdesk.ticket', (g %% 50000)::text,
                      '/helpdesk/tickets/' || (g %% 50000) || '/', '{}'::jsonb
               FROM generate_series(1, %s) AS g""",
            [events],
        )


def timed(client: Client, url: str) -> tuple[float, int]:
    reset_queries()  # the query log holds 9,000: counted per request from an empty log
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(captured)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def run(runs: int) -> None:
    anna = get_user_model().objects.get(username="anna.agentin")
    with_audit = Client(SERVER_NAME="127.0.0.1")
    with_audit.force_login(anna)
    without = Client(SERVER_NAME="127.0.0.1")
    without.force_login(anna)
    tickets = list(
        services.tickets_visible_to(anna).order_by("-id").values_list("pk", flat=True)[:50]
    )
    urls = [f"/helpdesk/tickets/{pk}/" for pk in tickets]
    # each client loads its middleware on its first request
    for url in urls[:5]:
        timed(with_audit, url)
    with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != AUDIT]):
        for url in urls[:5]:
            timed(without, url)
    before = AuditEvent.objects.count()
    timing_own_work()
    times: dict[str, list[float]] = {"with": [], "without": []}
    paired: list[float] = []
    queries: dict[str, set[int]] = {"with": set(), "without": set()}
    for index in range(runs):
        url = urls[index % len(urls)]
        order = [("with", with_audit), ("without", without)]
        if index % 2:
            order.reverse()
        for label, client in order:
            elapsed, count = timed(client, url)
            times[label].append(elapsed)
            queries[label].add(count)
        paired.append(times["with"][-1] - times["without"][-1])
    recorded = AuditEvent.objects.count() - before
    print(f"audit events written during the run: {recorded} (expected {runs})")
    lines = []
    for label in ("without", "with"):
        lines.append(
            f"ticket page {label + ' audit middleware':<30} queries {sorted(queries[label])!s:<10}"
            f" p50 {statistics.median(times[label]):7.1f} ms  p95 {p95(times[label]):7.1f} ms"
            f"  (n={runs})"
        )
    added_p50 = statistics.median(times["with"]) - statistics.median(times["without"])
    added_p95 = p95(times["with"]) - p95(times["without"])
    lines.append(
        f"added by the audit log (p95 with − p95 without): p50 {added_p50:+.1f} ms,"
        f" p95 {added_p95:+.1f} ms"
    )
    lines.append(
        f"paired difference per ticket (same URL, one after the other): median"
        f" {statistics.median(paired):+.1f} ms"
    )
    own = OWN[-runs:]
    lines.append(
        f"the middleware's own work (rule, event, INSERT): p50 {statistics.median(own):.2f} ms"
        f"  p95 {p95(own):.2f} ms  max {max(own):.2f} ms  (n={len(own)})"
    )
    print("\nsummary")
    for line in lines:
        print(line)


def main(tickets: int, runs: int, events: int) -> None:
    creation = connection.creation
    reuse = "--reuse" in sys.argv
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=reuse, serialize=False)
    try:
        if not reuse:
            services.load_demo_data()
            routing.load_demo_routing()
            with transaction.atomic(), connection.cursor() as cursor:
                print("generated", generate_city(cursor, tickets=tickets), flush=True)
        if AuditEvent.objects.count() < events:
            started = time.perf_counter()
            fill_audit_log(events)
            print(f"{events} audit events in {time.perf_counter() - started:.1f} s", flush=True)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        print(f"{Ticket.objects.count()} tickets, {AuditEvent.objects.count()} audit events")
        run(runs)
    finally:
        connection.close()
        if "--keep" not in sys.argv:
            creation.destroy_test_db("test_ulm_bench_audit", verbosity=0)


if __name__ == "__main__":
    numbers = [int(a) for a in sys.argv[1:] if a.isdigit()]
    main(*(numbers + [50_000, 300, 1_000_000][len(numbers) :])[:3])
