"""The triage list (Sichtung) with 1,000,000 tickets in the database, every 50th of them
untyped: server time p50/p95 and SQL queries per page, for the service center's agent (every
department) and a department's clerk (Abfallwirtschaft), first page and page 4.

Creates a database of its own (``test_ulm_bench`` on the project's PostgreSQL, migrated), loads
the demo city, generates the tickets over two years with their case records, citizens and
search words (``bench/generate.generate_city``), commits and VACUUM ANALYZEs them, then
measures in-process (Django test client) and drops the database.

    DEBUG=false SECRET_KEY=x SECURE_SSL_REDIRECT=false \
        .venv/bin/python bench/triage.py [TICKETS] [RUNS] [--slow] [--explain]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["ULM_DB_NAME"] = "ulm_bench"  # test_ulm_bench: made and dropped here

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.generate import generate_city  # noqa: E402
from bench.timing import measure  # noqa: E402
from ulm_servicepoint import services  # noqa: E402

UNTYPED_EVERY = 50


def rows(content: bytes) -> int:
    return content.count(b'class="triage-row"')


def main(tickets: int, runs: int) -> None:
    creation = connection.creation
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        services.load_demo_data()
        with transaction.atomic(), connection.cursor() as cursor:
            made = generate_city(cursor, tickets, untyped_every=UNTYPED_EVERY)
            print("generated", made, flush=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        run(runs)
    finally:
        connection.close()
        creation.destroy_test_db("test_ulm_bench", verbosity=0)


def run(runs: int) -> None:
    users = get_user_model()
    url = reverse("ulm_servicepoint:triage")
    for username, label in (("anna.agentin", "agent"), ("berta.abfall", "clerk")):
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(users.objects.get(username=username))
        cases = services.untyped_cases(users.objects.get(username=username))
        print(f"{label}: {cases.count()} untyped tickets visible", flush=True)
        if "--explain" in sys.argv:
            print(cases[:25].explain(analyze=True), flush=True)
            print(cases.order_by().values("pk")[:1001].explain(analyze=True), flush=True)
        measure(f"triage list ({label}), first page", lambda c=client: c.get(url), runs, rows)
        measure(
            f"triage list ({label}), page 4",
            lambda c=client: c.get(url, {"seite": "4"}),
            runs,
            rows,
        )


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 30,
    )
