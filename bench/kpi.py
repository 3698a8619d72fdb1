"""The key figures at a city's scale: the dashboard and its CSV export for one year at
1,000,000 tickets, from the daily pre-aggregates, and the worker's rebuild of those.

Creates a database of its own (``test_ulm_bench_kpi`` on the project's PostgreSQL, migrated),
loads the demo city with its routing and knowledge base, generates TICKETS tickets over the
last 365 days with ``bench/generate.generate_city`` (typed cases, citizens, every channel,
handoffs with their feedback, callbacks, first answers and closings — phone and counter
requests often resolved at first contact —, knowledge items given for about four in ten
answered requests, a rating for one closed request in ten, about 3,000 calls and 150 counter
visits a day). Measures the full rebuild and the
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
from bench.generate import generate_city  # noqa: E402
from ulm_knowledge import services as knowledge  # noqa: E402
from ulm_kpi import services as kpi  # noqa: E402
from ulm_routing import services as routing  # noqa: E402
from ulm_servicepoint import services  # noqa: E402

RESULTS: list[str] = []


def generate(tickets: int) -> None:
    """The demo city with its routing and knowledge base, then the shared generator's year:
    first answers and closings, knowledge items given, the handoffs' feedback, ratings, about
    3,000 calls and 150 counter visits a day."""
    services.load_demo_data()
    routing.load_demo_routing()
    knowledge.load_demo_knowledge()
    with transaction.atomic(), connection.cursor() as cursor:
        made = generate_city(
            cursor, tickets=tickets, days=365, calls_per_day=3000, counter_visits_per_day=150
        )
        print("generated", made, flush=True)
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
