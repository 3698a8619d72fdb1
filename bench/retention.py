"""The retention run at a city's scale: 1,000,000 tickets of which 100,000 are due.

Creates a database of its own (``test_ulm_bench_retention`` on the project's PostgreSQL,
migrated), loads the demo city (its request types carry the demo's periods: 3, 12 and 24
months), generates TICKETS tickets over two years with ``bench/generate.generate_city``
(typed cases with values, citizens, references, search words, handoffs), then makes DUE of the
closed ones old enough for any period (last changed 800 days ago), spread over the ids. The
rest changed today: not due (the generator's own times would make a third of them due). Measures

- the due query alone (``retention.erasable_tickets``: the set-based rule with each type's
  period, ``count()``),
- the full run (``services.apply_retention``: receipts, offers, anonymisation in batches of
  ``retention.BATCH``, the channels' erasure, orphaned citizens): seconds and tickets per
  second,
- a second run (nothing due: the cost of the nightly run on a quiet night),
- the hand-over: OFFERS archive-worthy due cases offered to the archive (PDF/A, JSON and
  directory per case) in a temporary directory: packages per second.

No archive-worthy type takes part in the main run (the demo's "Baumfällung" is switched off
for it), so the figure is the anonymisation's; the hand-over is measured on its own.

    DEBUG=false SECRET_KEY=x SECURE_SSL_REDIRECT=false \
        .venv/bin/python bench/retention.py [TICKETS] [DUE] [OFFERS] [--keep] [--reuse]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["ULM_DB_NAME"] = "ulm_bench_retention"  # test_ulm_bench_retention: made and dropped

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench.generate import generate_city  # noqa: E402
from ulm_servicepoint import retention, services  # noqa: E402
from ulm_servicepoint.models import AnonymisedTicket, RequestType  # noqa: E402

RESULTS: list[str] = []


def note(line: str) -> None:
    RESULTS.append(line)
    print(line, flush=True)


def generate(tickets: int, due: int) -> None:
    services.load_demo_data()
    RequestType.objects.update(archive_worthy=False)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM helpdesk_ticket")
        base = cursor.fetchone()[0]
        print("generated", generate_city(cursor, tickets=tickets, days=730), flush=True)
        started = time.perf_counter()
        # the generator's tickets last changed when they were closed; here DUE of the closed
        # ones changed 800 days ago, the rest today
        cursor.execute(
            """
            UPDATE helpdesk_ticket t SET modified = CASE WHEN d.id IS NULL THEN now()
                ELSE now() - interval '800 days' END
            FROM helpdesk_ticket u LEFT JOIN (
                SELECT id FROM helpdesk_ticket WHERE id > %(base)s AND status = 4
                ORDER BY (id::bigint * 7919) %% 1000003 LIMIT %(due)s) d ON d.id = u.id
            WHERE t.id = u.id AND u.id > %(base)s
            """,
            {"base": base, "due": due},
        )
        print(f"  {due} made due in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def run(due: int, offers: int) -> None:
    started = time.perf_counter()
    count = retention.erasable_tickets().count()
    note(f"due query (count of {count} due tickets): {time.perf_counter() - started:.2f} s")
    assert count == due, (count, due)

    started = time.perf_counter()
    result = services.apply_retention()
    seconds = time.perf_counter() - started
    note(
        f"retention run: {result.tickets} tickets anonymised, {result.citizens} citizens "
        f"deleted in {seconds:.1f} s = {result.tickets / seconds:,.0f} tickets/s"
    )
    assert result.tickets == due, result
    assert AnonymisedTicket.objects.count() == due

    started = time.perf_counter()
    again = services.apply_retention()
    seconds = time.perf_counter() - started
    note(f"second run (nothing due): {again.tickets} tickets in {seconds:.1f} s")

    if not offers:
        return
    # the hand-over: OFFERS more due cases of an archive-worthy type
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE helpdesk_ticket SET modified = now() - interval '800 days'
            WHERE id IN (SELECT t.id FROM helpdesk_ticket t
                         JOIN ulm_servicepoint_caserecord c ON c.ticket_id = t.id
                         WHERE t.status = 4 AND c.request_type_id IS NOT NULL
                           AND t.modified > now() - interval '1 day' LIMIT %s)
            """,
            [offers],
        )
        cursor.execute(
            """UPDATE ulm_servicepoint_caserecord SET archive_worthy = true WHERE ticket_id IN
               (SELECT id FROM helpdesk_ticket WHERE modified < now() - interval '799 days')"""
        )
    with tempfile.TemporaryDirectory() as folder:
        settings.ULM_SERVICEPOINT_ARCHIVE_DIR = folder
        started = time.perf_counter()
        result = services.apply_retention()
        seconds = time.perf_counter() - started
        packages = len(list(Path(folder).iterdir()))
        size = sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file())
        note(
            f"archive hand-over: {result.offered} cases offered ({packages} packages, "
            f"{size / packages / 1024:.0f} KiB each) in {seconds:.1f} s = "
            f"{result.offered / seconds:.1f} packages/s; {result.tickets} anonymised meanwhile"
        )
        assert result.offered == offers, result
        assert result.tickets == 0, result


def main(tickets: int, due: int, offers: int) -> None:
    """``--keep`` leaves the database for a later ``--reuse`` (which skips the generation)."""
    creation = connection.creation
    reuse = "--reuse" in sys.argv
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=reuse, serialize=False)
    try:
        if not reuse:
            started = time.perf_counter()
            generate(tickets, due)
            note(f"generated {tickets} tickets in {time.perf_counter() - started:.0f} s")
        run(due, offers)
    finally:
        connection.close()
        if "--keep" not in sys.argv:
            creation.destroy_test_db("test_ulm_bench_retention", verbosity=0)
    print("\nsummary")
    for line in RESULTS:
        print(line)


if __name__ == "__main__":
    numbers = [int(a) for a in sys.argv[1:] if a.isdigit()]
    main(
        numbers[0] if numbers else 1_000_000,
        numbers[1] if len(numbers) > 1 else 100_000,
        numbers[2] if len(numbers) > 2 else 200,
    )
