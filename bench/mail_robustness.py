"""Robustness run and benchmark of the e-mail gateway over a mail corpus.

    .venv/bin/python bench/mail_robustness.py [/work/shared/data/emails]

Reads the corpus from its path (MANIFEST.tsv lists the messages; nothing is copied into the
project), on a fresh database (``test_bench_mail`` on the project's PostgreSQL, dropped at the
end), and prints:

- outcomes of ``manage.py ingest_mail`` over every message, and that each has exactly one;
- exceptions (quarantined with a traceback) and messages per second;
- a second run: new tickets (must be 0);
- tickets with U+FFFD whose source has none; umlauts, ß and € of the subject kept in the title;
- peak memory (tracemalloc) on the largest message, ours and the host's;
- the host's ``helpdesk.email.extract_email_metadata`` on the same messages (each in a rolled
  back transaction): time, exceptions and U+FFFD, for the ratio.
"""

from __future__ import annotations

import io
import json
import logging
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DEBUG", "false")
os.environ["ULM_DB_NAME"] = "bench_mail"
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
os.environ["LOG_LEVEL"] = "ERROR"

import django  # noqa: E402

django.setup()
logging.disable(logging.CRITICAL)

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

SPECIAL = set("äöüÄÖÜß€")


def corpus(root: Path) -> list[tuple[Path, dict]]:
    lines = (root / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"), strict=False)) for line in lines[1:]]
    return [(root / row["path"], row) for row in rows]


def ingest(paths: list[Path], report: Path) -> tuple[dict, float]:
    out = io.StringIO()
    started = time.perf_counter()
    call_command("ingest_mail", *map(str, paths), "--report", str(report), stdout=out)
    return json.loads(out.getvalue()), time.perf_counter() - started


class Rollback(Exception):
    pass


def peak(function) -> int:
    """Peak Python memory of one call, rolled back."""
    tracemalloc.start()
    try:
        with transaction.atomic():
            function()
            raise Rollback
    except Rollback:
        pass
    finally:
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return top


def main(root: Path) -> None:
    from django.utils.encoding import force_str
    from helpdesk.email import extract_email_metadata
    from helpdesk.models import FollowUp, Ticket

    from ulm_channels.mail import intake
    from ulm_channels.mail.text import clean_title
    from ulm_channels.models import InboundMail
    from ulm_servicepoint import services as servicepoint

    messages = corpus(root)
    paths = [path for path, _ in messages]
    servicepoint.load_demo_data()
    queue = servicepoint.service_center_queue()
    host_log = logging.getLogger("bench.host")
    tmp = Path(tempfile.mkdtemp(prefix="bench-mail-"))

    largest = max(paths, key=lambda p: p.stat().st_size)
    raw_largest = largest.read_bytes()
    ours_peak = peak(lambda: intake.ingest(raw_largest, str(largest)))
    host_peak = peak(
        lambda: extract_email_metadata(force_str(raw_largest, errors="replace"), queue, host_log)
    )

    # --- first run ---------------------------------------------------------------------------
    tickets_before = Ticket.objects.count()
    summary, seconds = ingest(paths, tmp / "run1.jsonl")
    report = [json.loads(line) for line in (tmp / "run1.jsonl").read_text().splitlines()]
    outcomes = {}
    for line in report:
        outcomes[line["outcome"]] = outcomes.get(line["outcome"], 0) + 1
    counted = sum(summary[k] for k in summary if k != "messages")
    errors = InboundMail.objects.exclude(error="").count()

    # --- second run --------------------------------------------------------------------------
    tickets_after_first = Ticket.objects.count()
    summary2, seconds2 = ingest(paths, tmp / "run2.jsonl")
    new_tickets_second = Ticket.objects.count() - tickets_after_first

    # --- text quality ------------------------------------------------------------------------
    by_source = {str(path): row for path, row in messages}
    fffd_ours = lost_special = checked_special = 0
    fffd_examples: list[str] = []
    for line in report:
        if line["ticket"] is None or line["outcome"] != "ticket":
            continue
        source = Path(line["source"])
        if b"\xef\xbf\xbd" in source.read_bytes():
            continue  # the source itself carries U+FFFD
        ticket = Ticket.objects.get(pk=line["ticket"])
        texts = [ticket.title, ticket.description]
        texts += FollowUp.objects.filter(ticket=ticket).values_list("comment", flat=True)
        if any("\ufffd" in text for text in texts):
            fffd_ours += 1
            fffd_examples.append(line["source"])
        subject = clean_title(by_source[line["source"]].get("subject_decoded", ""))
        wanted = {ch for ch in subject if ch in SPECIAL}
        if wanted and "\ufffd" not in subject:
            checked_special += 1
            if not wanted <= set(ticket.title):
                lost_special += 1

    # --- the host on the same messages -------------------------------------------------------
    host_errors = host_fffd = 0
    host_seconds = 0.0
    for path in paths:
        raw = path.read_bytes()
        started = time.perf_counter()
        try:
            with transaction.atomic():
                ticket = extract_email_metadata(force_str(raw, errors="replace"), queue, host_log)
                host_seconds += time.perf_counter() - started
                if (
                    ticket is not None
                    and b"\xef\xbf\xbd" not in raw
                    and ("\ufffd" in ticket.title or "\ufffd" in ticket.description)
                ):
                    host_fffd += 1
                raise Rollback
        except Rollback:
            pass
        except Exception:
            host_seconds += time.perf_counter() - started
            host_errors += 1

    n = len(paths)
    print(f"corpus: {root} ({n} messages, largest {largest.name}: {len(raw_largest)} bytes)")
    print(f"run 1: {json.dumps(summary)}")
    print(f"  report lines {len(report)}, outcomes {outcomes}")
    print(f"  accounted: {counted}/{n} = {100 * counted / n:.1f} %")
    print(f"  exceptions caught and quarantined with traceback: {errors}")
    print("  unhandled exceptions: 0 (the command completed)")
    reasons: dict[str, int] = {}
    for line in report:
        if line["outcome"] in ("quarantined", "ignored"):
            key = f"{line['outcome']}: {line['reason'].split(':')[0][:40]}"
            reasons[key] = reasons.get(key, 0) + 1
    for key, count in sorted(reasons.items(), key=lambda item: -item[1]):
        print(f"    {count:4d} {key}")
    print(f"  time {seconds:.1f} s = {n / seconds:.1f} messages/s (parse, store, classify, thread)")
    print(f"  tickets created: {tickets_after_first - tickets_before}")
    print(f"run 2: {json.dumps(summary2)} in {seconds2:.1f} s; new tickets: {new_tickets_second}")
    print(f"U+FFFD in tickets whose source has none: {fffd_ours} {fffd_examples[:5]}")
    print(f"subjects with umlauts/ß/€: {checked_special}, titles that lost any: {lost_special}")
    print(f"peak memory on the largest message: ours {ours_peak / 1e6:.1f} MB, "
          f"host {host_peak / 1e6:.1f} MB")  # fmt: skip
    print(f"host extract_email_metadata: {host_seconds:.1f} s = {n / host_seconds:.1f} msg/s, "
          f"{host_errors} exceptions, {host_fffd} tickets with U+FFFD (source clean)")  # fmt: skip
    print(f"ratio ours/host time: {seconds / host_seconds:.2f}")


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/emails")
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        main(root)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
