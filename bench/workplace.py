"""The agents' workplace at a city's scale: our work list, its search and the ticket page
against the host's list, search and API, measured in the same run on the same database.

Creates a database of its own (``test_ulm_bench`` on the project's PostgreSQL, migrated), loads
the demo city with its routing, adds four departments (twelve in all), generates TICKETS
tickets over two years with ``bench/generate.generate_city`` (typed cases, citizens, every
channel, plates, German text; 5 % untyped, 4 % open), commits and VACUUM ANALYZEs them, gives
one ticket 5 and one 300 follow-ups, then measures in-process (Django test client) as the
service center's agent Anna and as Berta (Abfallwirtschaft): server time p50/p95 and SQL
queries per request. Targets (issue 13): work list p95 ≤ 150 ms at constant queries, search
p95 ≤ 300 ms, ticket page p95 ≤ 150 ms at constant queries. Drops the database at the end.

    DEBUG=false SECRET_KEY=x SECURE_SSL_REDIRECT=false \
        .venv/bin/python bench/workplace.py [TICKETS] [RUNS] [--slow] [--no-host-api] \
        [--keep] [--reuse]
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
from helpdesk.models import FollowUp, Ticket  # noqa: E402
from helpdesk.query import query_to_base64  # noqa: E402

from bench import timing  # noqa: E402
from bench.generate import generate_city  # noqa: E402
from ulm_routing import services as routing  # noqa: E402
from ulm_servicepoint import services  # noqa: E402
from ulm_servicepoint.models import CaseRecord  # noqa: E402

EXTRA_DEPARTMENTS = [
    ("Jugendamt", "jugendamt"),
    ("Stadtplanung", "stadtplanung"),
    ("Grünflächen", "gruenflaechen"),
    ("Ausländerbehörde", "auslaenderbehoerde"),
]
RESULTS: list[str] = []


def measure(label: str, call, runs: int, row: bytes = b"") -> None:
    RESULTS.append(
        timing.measure(label, call, runs, rows=(lambda c: c.count(row)) if row else None)
    )


def main(tickets: int, runs: int) -> None:
    """``--keep`` leaves the database for a later ``--reuse`` (which skips the generation)."""
    creation = connection.creation
    reuse = "--reuse" in sys.argv
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=reuse, serialize=False)
    try:
        if not reuse:
            services.load_demo_data()
            routing.load_demo_routing()
            for title, slug in EXTRA_DEPARTMENTS:
                services.setup_department(title, slug, email=f"{slug}@ulm.example")
            with transaction.atomic(), connection.cursor() as cursor:
                print("generated", generate_city(cursor, tickets=tickets), flush=True)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        run(runs)
    finally:
        connection.close()
        if "--keep" not in sys.argv:
            creation.destroy_test_db("test_ulm_bench", verbosity=0)
    print("\nsummary")
    for line in RESULTS:
        print(line)


def with_followups(count: int) -> Ticket:
    case = CaseRecord.objects.filter(is_open=True, request_type__isnull=False).first()
    assert case is not None
    ticket = case.ticket
    FollowUp.objects.bulk_create(
        FollowUp(ticket=ticket, title=f"Notiz {n}", comment="Rückruf vereinbart.", public=False)
        for n in range(count)
    )
    # a different ticket next time
    CaseRecord.objects.filter(pk=case.pk).update(request_type=None)
    return ticket


def host_list(client: Client, search: str = "") -> object:
    query = query_to_base64(
        {
            "filtering": {"status__in": [1, 2]},
            "sorting": "created",
            "sortreverse": False,
            "search_string": search,
        }
    )
    return client.get(
        f"/helpdesk/datatables_ticket_list/{query}",
        {"draw": "1", "start": "0", "length": "25", "search[value]": search},
    )


def run(runs: int) -> None:
    users = get_user_model()
    anna = Client(SERVER_NAME="127.0.0.1")
    anna.force_login(users.objects.get(username="anna.agentin"))
    berta = Client(SERVER_NAME="127.0.0.1")
    berta.force_login(users.objects.get(username="berta.abfall"))
    url = "/helpdesk/arbeitsliste/"
    row = b'class="worklist-row"'
    plates = CaseRecord.objects.filter(values__has_key="kennzeichen", citizen__isnull=False)
    sample = plates.select_related("ticket__stable_reference", "citizen").order_by("-received_at")[
        min(5000, plates.count() - 1)
    ]
    reference = sample.ticket.stable_reference.reference
    name = sample.citizen.name
    plate = sample.values["kennzeichen"]

    measure("work list: first page (service center)", lambda: anna.get(url), runs, row)
    measure(
        "work list: filtered (e-mail, unassigned, all states)",
        lambda: anna.get(url, {"kanal": "email", "bearbeitung": "niemand", "zustand": "alle"}),
        runs,
        row,
    )
    measure("work list: department (Berta)", lambda: berta.get(url), runs, row)
    measure(
        "work list: page 400 (all states)",
        lambda: anna.get(url, {"zustand": "alle", "seite": "400"}),
        runs,
        row,
    )
    measure("work list: untyped (triage)", lambda: anna.get(url, {"art": "ohne"}), runs, row)
    measure("work list: overdue", lambda: anna.get(url, {"ueberfaellig": "1"}), runs)
    search = {"zustand": "alle"}
    measure("search: reference", lambda: anna.get(url, {**search, "q": reference}), runs, row)
    measure("search: citizen name", lambda: anna.get(url, {**search, "q": name}), runs, row)
    measure("search: plate", lambda: anna.get(url, {**search, "q": plate}), runs, row)
    measure(
        "search: full text (Klettergerüst)",
        lambda: anna.get(url, {**search, "q": "Klettergerüst"}),
        runs,
        row,
    )
    measure(
        "search: full text, two words (Laterne defekt)",
        lambda: anna.get(url, {**search, "q": "Straßenlaterne defekt"}),
        runs,
        row,
    )
    few, many = with_followups(5), with_followups(300)
    measure("ticket page, 5 follow-ups", lambda: anna.get(f"/helpdesk/tickets/{few.pk}/"), runs)
    measure("ticket page, 300 follow-ups", lambda: anna.get(f"/helpdesk/tickets/{many.pk}/"), runs)
    host_runs = max(3, runs // 5)
    measure("host: ticket list page", lambda: anna.get("/helpdesk/tickets/"), host_runs)
    measure("host: list data, first 25 open", lambda: host_list(anna), host_runs)
    measure("host: list data, search by name", lambda: host_list(anna, name), host_runs)
    if "--no-host-api" not in sys.argv:
        measure(
            "host: API /helpdesk/api/tickets/?page=1",
            lambda: anna.get("/helpdesk/api/tickets/", {"page": "1"}),
            1,
        )


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(args[0]) if args else 1_000_000, int(args[1]) if len(args) > 1 else 40)
