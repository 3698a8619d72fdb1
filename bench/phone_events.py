"""Phone: SQL queries and server time per PBX call event, and for the agents' calls page.

    .venv/bin/python bench/phone_events.py [--calls 500]

Runs in-process (Django's test client, no network) against its own database ``ulm_bench_phone``
on the embedded PostgreSQL (migrated, demo city): posts ``--calls`` calls as a PBX would
(newCall, answer, hangup; a quarter missed), then opens ``/telefon/`` as the service-center
agent with a call ringing from a known caller. Prints queries and p50/p95 time per event, and
queries and time of the calls page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["ULM_DB_NAME"] = "ulm_bench_phone"
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
TOKEN = "bench-pbx-token-0123456789abcdef"  # noqa: S105 - a throwaway for this run
os.environ["ULM_CHANNELS_PHONE_TOKEN"] = TOKEN


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone
    from helpdesk.models import Ticket

    from ulm_channels import services
    from ulm_channels.models import Call
    from ulm_servicepoint.services import load_demo_data

    call_command("migrate", verbosity=0)
    load_demo_data()
    Call.objects.all().delete()
    pbx = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}", SERVER_NAME="localhost")
    url = reverse("ulm_channels:phone_event")
    times: list[float] = []
    queries: list[int] = []
    start = timezone.now() - timedelta(hours=3)
    for n in range(args.calls):
        began = start + timedelta(seconds=20 * n)
        events = [{"event": "newCall", "from": f"0731 {100000 + n % 50}", "to": "07311610"}]
        if n % 4:
            answered = began + timedelta(seconds=5 + n % 40)
            events.append({"event": "answer", "user": "anna.agentin", "at": answered})
            events.append({"event": "hangup", "at": answered + timedelta(seconds=90)})
        else:
            events.append({"event": "hangup", "at": began + timedelta(seconds=35)})
        for event in events:
            at = event.pop("at", began)
            data = {**event, "callId": f"bench-{n}", "timestamp": at.isoformat()}
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                response = pbx.post(url, data)
                times.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.content
            queries.append(len(captured.captured_queries))
    known = Call.objects.get(call_id="bench-1")
    services.link_call_to_ticket(known, Ticket.objects.filter(status=Ticket.OPEN_STATUS).first())
    pbx.post(url, {"event": "newCall", "callId": "ringing", "from": known.caller})

    agent = Client(SERVER_NAME="localhost")
    agent.force_login(get_user_model().objects.get(username="anna.agentin"))
    page_times = []
    for _ in range(10):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            page = agent.get(reverse("ulm_channels:calls"))
            page_times.append(time.perf_counter() - t0)
        assert page.status_code == 200
    ordered = sorted(times)
    print(f"calls {args.calls}, events {len(times)}")
    print(
        f"PBX event: queries min {min(queries)} max {max(queries)}; "
        f"time p50 {statistics.median(times) * 1000:.1f} ms "
        f"p95 {ordered[int(0.95 * (len(ordered) - 1))] * 1000:.1f} ms"
    )
    print(
        f"/telefon/ with {Call.objects.count()} calls logged: {len(captured.captured_queries)} "
        f"queries, p50 {statistics.median(page_times) * 1000:.1f} ms"
    )
    figures = services.reachability(start - timedelta(hours=1), timezone.now())
    print(f"reachability {figures.answered_in_time}/{figures.calls} = {figures.share:.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
