"""Capture of a phone request: SQL queries per request and server time for the capture screen.

Runs the agent's requests in-process (Django test client, no network) against the project's
database with the demo city loaded, inside a transaction that is rolled back at the end, so the
database is left as it was. Prints the figures.

    DEBUG=false SECRET_KEY=x SECURE_SSL_REDIRECT=false .venv/bin/python bench/capture_screen.py [N]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from ulm_knowledge import services as knowledge  # noqa: E402
from ulm_servicepoint import services  # noqa: E402


class Rollback(Exception):
    pass


def measure(label: str, call, runs: int) -> None:
    call()  # warm-up: templates, caches
    timings, queries = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = call()
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 302), response.status_code
        queries.append(len(captured))
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(
        f"{label:<42} queries/request: {max(queries):>3}   "
        f"server time p50 {statistics.median(timings):6.1f} ms   p95 {p95:6.1f} ms   (n={runs})"
    )


def main(runs: int) -> None:
    try:
        with transaction.atomic():
            services.load_demo_data()
            knowledge.load_demo_knowledge()  # the screen shows the type's linked answers
            agent = get_user_model().objects.get(username="anna.agentin")
            client = Client(SERVER_NAME="127.0.0.1")
            client.force_login(agent)
            known = services.capture_request(
                services.RequestType.objects.get(slug="hundesteuer"),
                {"vorgang": "Anmeldung", "datum": "2026-11-01"},
                channel="email",
                citizen=services.CitizenData(name="Fritz Hund", phone="0731 777888"),
            )
            url = reverse("ulm_servicepoint:capture", args=["sperrmuell-abholung"])
            measure("capture screen (empty)", lambda: client.get(url), runs)
            measure(
                "capture screen, known caller (?telefon=)",
                lambda: client.get(url, {"telefon": "+49731777888"}),
                runs,
            )
            data = {
                "channel": "phone",
                "f-abholadresse__street": "Frauenstraße",
                "f-abholadresse__house_number": "12",
                "f-abholadresse__postcode": "89073",
                "f-abholadresse__city": "Ulm",
                "f-gegenstaende": "1 Sofa",
                "f-elektro": "no",
                "c-citizen": str(known.citizen.uuid),
                "outcome": "forward",
            }
            measure(
                "capture POST → Weiterleiten (ticket saved)", lambda: client.post(url, data), runs
            )
            measure(
                "ticket page with case record",
                lambda: client.get(reverse("helpdesk:view", args=[known.ticket_id])),
                runs,
            )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
