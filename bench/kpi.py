"""The key figures at a city's scale: the dashboard and its CSV export for one year at
1,000,000 tickets, from the daily pre-aggregates, and the worker's rebuild of those.

Creates a database of its own (``test_ulm_bench_kpi`` on the project's PostgreSQL, migrated),
loads the demo city with its routing and knowledge base, generates TICKETS tickets over the
last 365 days with ``bench/bulk_tickets.generate_city`` (typed cases, citizens, every channel,
handoffs, callbacks), then gives them what the figures read: first answers and closings
(three in ten resolved at first contact), knowledge items given for half of them, feedback on
the handoffs, a rating for one request in ten, about 3,000 calls and 150 counter visits a
day. Measures the full rebuild and the
worker's frequent one (the last 62 days), then in-process (Django test client) as the
service-center lead: server time p50/p95 and SQL queries per request. Target (issue 14): the
dashboard and the CSV export for one year p95 ≤ 500 ms.

    DEBUG=false SECRET_KEY=x SECURE_SSL_REDIRECT=false \
        .venv/bin/python bench/kpi.py [TICKETS] [RUNS] [--keep] [--reuse] [--slow]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["ULM_DB_NAME"] = "ulm_bench_kpi"  # test_ulm_bench_kpi: made and dropped here

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Permission  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import timing  # noqa: E402
from bench.bulk_tickets import generate_city  # noqa: E402
from ulm_knowledge import services as knowledge  # noqa: E402
from ulm_kpi import services as kpi  # noqa: E402
from ulm_routing import services as routing  # noqa: E402
from ulm_servicepoint import services  # noqa: E402

RESULTS: list[str] = []

FACTS = [
    # first answers and closings: minutes drawn from the ticket's id; every third at first contact
    """
    UPDATE ulm_servicepoint_caserecord c SET
        resolved_at_first_contact = (c.ticket_id %% 10 < 3),
        first_contact_resolved_at = CASE WHEN c.ticket_id %% 10 < 3
            THEN c.received_at + interval '4 minutes' END,
        first_answer_at = CASE WHEN c.ticket_id %% 10 >= 3 AND c.ticket_id %% 17 <> 0
            THEN c.received_at + (c.ticket_id %% 2900) * interval '1 minute' END,
        closed_at = CASE WHEN NOT c.is_open
            THEN c.received_at + (c.ticket_id %% 9000 + 5) * interval '1 minute' END
    WHERE c.ticket_id > %(base)s
    """,
    # the handoffs' feedback: nine in ten before their due time
    """
    UPDATE ulm_routing_handoff h SET
        feedback_at = h.forwarded_at + CASE WHEN h.ticket_id %% 10 = 0
            THEN interval '4 days' ELSE interval '20 hours' END,
        state = CASE WHEN h.ticket_id %% 40 = 0 THEN 'rejected' ELSE h.state END
    WHERE h.state = 'answered' AND h.ticket_id > %(base)s
    """,
    # half the requests answered with one of the knowledge base's items
    """
    INSERT INTO ulm_knowledge_answeruse (ticket_id, kbitem_id, version, created_at, updated_at)
    SELECT c.ticket_id, (%(items)s::int[])[1 + c.ticket_id %% %(ni)s], 1, c.received_at, now()
    FROM ulm_servicepoint_caserecord c WHERE c.ticket_id %% 2 = 0 AND c.ticket_id > %(base)s
    """,
    # about 3,000 calls a day, answered after 0–59 s, one in twenty abandoned
    """
    INSERT INTO ulm_channels_call (call_id, direction, caller, caller_normalised, called,
        hangup_cause, started_at, answered_at, ended_at, created_at, updated_at)
    SELECT 'bench-' || g, 'in', '', '', '', '',
        now() - (g %% 365) * interval '1 day' - (g %% 600) * interval '1 minute',
        CASE WHEN g %% 20 <> 0 THEN now() - (g %% 365) * interval '1 day'
            - (g %% 600) * interval '1 minute' + (g %% 60) * interval '1 second' END,
        now() - (g %% 365) * interval '1 day' - (g %% 600) * interval '1 minute'
            + interval '3 minutes', now(), now()
    FROM generate_series(1, %(calls)s) AS g
    """,
    # one request in ten rated after its answer, one rating in seven with a comment
    """
    INSERT INTO ulm_channels_satisfactionrating (ticket_id, level, comment, created_at,
        updated_at)
    SELECT c.ticket_id, 1 + c.ticket_id %% 5,
        CASE WHEN c.ticket_id %% 7 = 0 THEN 'Danke' ELSE '' END,
        least(now(), c.received_at + interval '2 days'), now()
    FROM ulm_servicepoint_caserecord c
    WHERE c.ticket_id %% 10 = 0 AND NOT c.is_open AND c.ticket_id > %(base)s
    """,
    # about 150 counter visits a day
    """
    INSERT INTO ulm_servicepoint_countervisit (request_type_id, minutes, created_at, updated_at)
    SELECT (%(types)s::int[])[1 + g %% %(nt)s], 3,
        now() - (g %% 365) * interval '1 day' - (g %% 500) * interval '1 minute', now()
    FROM generate_series(1, %(visits)s) AS g
    """,
]


def generate(tickets: int) -> None:
    services.load_demo_data()
    routing.load_demo_routing()
    knowledge.load_demo_knowledge()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM helpdesk_ticket")
        base = cursor.fetchone()[0]
        print("generated", generate_city(cursor, tickets=tickets, days=365), flush=True)
        cursor.execute("SELECT array_agg(id) FROM helpdesk_kbitem")
        items = cursor.fetchone()[0]
        cursor.execute("SELECT array_agg(id) FROM ulm_servicepoint_requesttype")
        types = cursor.fetchone()[0]
        params = {
            "base": base,
            "items": items,
            "ni": len(items),
            "types": types,
            "nt": len(types),
            "calls": 3000 * 365,
            "visits": 150 * 365,
        }
        for statement in FACTS:
            started = time.perf_counter()
            cursor.execute(statement, params)
            print(f"  {cursor.rowcount:>9} rows in {time.perf_counter() - started:5.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def run(runs: int) -> None:
    started = time.perf_counter()
    kpi.refresh()
    full = time.perf_counter() - started
    started = time.perf_counter()
    kpi.refresh_recent()
    recent = time.perf_counter() - started
    RESULTS.append(
        f"rebuild of every daily figure: {full:.1f} s; of the last 62 days: {recent:.1f} s"
    )
    print(RESULTS[-1], flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ulm_kpi_dailyfigure")
        rows = cursor.fetchone()[0]
    RESULTS.append(f"daily-figure rows: {rows}")
    print(RESULTS[-1], flush=True)

    users = get_user_model()
    lead, _new = users.objects.get_or_create(username="kpi.leitung", defaults={"is_staff": True})
    lead.user_permissions.add(Permission.objects.get(codename="view_kpis"))
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(lead)
    today = timezone.localdate()
    year = {"von": today.replace(year=today.year - 1).isoformat(), "bis": today.isoformat()}
    url = "/helpdesk/kennzahlen/"
    RESULTS.append(timing.measure("dashboard: one year", lambda: client.get(url, year), runs))
    RESULTS.append(
        timing.measure(
            "dashboard: one year, one department",
            lambda: client.get(url, {**year, "abteilung": "kfz-zulassung"}),
            runs,
        )
    )
    RESULTS.append(
        timing.measure(
            "dashboard: one year, phone only",
            lambda: client.get(url, {**year, "kanal": "phone"}),
            runs,
        )
    )
    RESULTS.append(timing.measure("dashboard: last 30 days", lambda: client.get(url), runs))
    RESULTS.append(
        timing.measure("CSV export: one year", lambda: client.get(f"{url}export.csv", year), runs)
    )
    RESULTS.append(
        timing.measure("XLSX export: one year", lambda: client.get(f"{url}export.xlsx", year), runs)
    )


def main(tickets: int, runs: int) -> None:
    """``--keep`` leaves the database for a later ``--reuse`` (which skips the generation)."""
    creation = connection.creation
    reuse = "--reuse" in sys.argv
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=reuse, serialize=False)
    try:
        if not reuse:
            generate(tickets)
        run(runs)
    finally:
        connection.close()
        if "--keep" not in sys.argv:
            creation.destroy_test_db("test_ulm_bench_kpi", verbosity=0)
    print("\nsummary")
    for line in RESULTS:
        print(line)


if __name__ == "__main__":
    numbers = [int(a) for a in sys.argv[1:] if a.isdigit()]
    main(
        numbers[0] if numbers else 1_000_000,
        numbers[1] if len(numbers) > 1 else 30,
    )
