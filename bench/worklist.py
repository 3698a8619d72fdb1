"""A department's work list with 1,000,000 tickets in the database: server time p50/p95 and
SQL queries per page (target: p95 ≤ 150 ms, a constant number of queries).

Creates a database of its own (``test_ulm_bench`` on the project's PostgreSQL, migrated),
loads the demo city, generates a city's tickets over two years with ``bench/generate.py``
(``generate_city``: every channel, handoffs to the departments with due times and feedback, a
few percent open, callbacks for phone requests; INSERT … SELECT generate_series), commits
and VACUUM ANALYZEs them as a live database would have them, measures
Berta's (Abfallwirtschaft) work list in-process (Django test client) — handoffs sorted by due
time, the overdue filter, page 2, a search by reference, the callbacks — and the service
center's list of all open handoffs, then drops the database. (Measured inside one uncommitted
transaction instead, PostgreSQL's planner spends ~350 ms per query probing index ends full of
not-yet-settled tuples: an artefact, not what a live system sees.)

    DEBUG=false SECRET_KEY=x SECURE_SSL_REDIRECT=false \
        .venv/bin/python bench/worklist.py [TICKETS] [RUNS] [--slow]
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

from bench import timing  # noqa: E402
from bench.generate import generate_city  # noqa: E402
from ulm_routing import services as routing  # noqa: E402
from ulm_routing.models import Handoff  # noqa: E402
from ulm_servicepoint import services  # noqa: E402


def measure(label: str, call, runs: int) -> None:
    timing.measure(
        label,
        call,
        runs,
        rows=lambda content: (
            content.count(b'class="handoff-row"') + content.count(b'class="callback-row"')
        ),
    )


def main(tickets: int, runs: int) -> None:
    creation = connection.creation
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        services.load_demo_data()
        routing.load_demo_routing()
        with transaction.atomic(), connection.cursor() as cursor:
            print("generated", generate_city(cursor, tickets=tickets), flush=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        run(runs)
    finally:
        connection.close()
        creation.destroy_test_db("test_ulm_bench", verbosity=0)


def run(runs: int) -> None:
    users = get_user_model()
    berta = users.objects.get(username="berta.abfall")
    agent = users.objects.get(username="anna.agentin")
    clerk = Client(SERVER_NAME="127.0.0.1")
    clerk.force_login(berta)
    lead = Client(SERVER_NAME="127.0.0.1")
    lead.force_login(agent)
    url = reverse("ulm_routing:worklist")
    some = routing.handoff_list(departments=routing.member_departments(berta)).first()
    if some is None:  # a small run: no open handoff in Berta's department, search another
        some = Handoff.objects.select_related("ticket__stable_reference").first()
    reference = some.ticket.stable_reference.reference
    measure("work list, handoffs by due time", lambda: clerk.get(url), runs)
    measure("work list, overdue only", lambda: clerk.get(url, {"ueberfaellig": "1"}), runs)
    measure(
        "work list, page 2, newest forwarded first",
        lambda: clerk.get(url, {"seite": "2", "sortierung": "-eingang"}),
        runs,
    )
    measure("work list, search by reference", lambda: clerk.get(url, {"q": reference}), runs)
    measure("work list, callbacks", lambda: clerk.get(url, {"art": "rueckrufe"}), runs)
    overview = reverse("ulm_routing:overview")
    measure("service center: all open handoffs", lambda: lead.get(overview), runs)


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 50,
    )
