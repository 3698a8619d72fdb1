"""Delivery throughput of the outbox to a real SMTP server on loopback, in mails per second.

    .venv/bin/python bench/outbox_throughput.py [--mails 1000] [--workers 1,2]

Records ``--mails`` mails (one recipient each, a short German text) in one transaction through
Django's mail API, as the pages do, then measures:

- ``sweep``: the worker's sweep (``services.send_due_mail``) in this process: one SMTP
  connection for the whole batch, each mail still in its own transaction with the two-phase
  end (claim with SKIP LOCKED, MAIL/RCPT/DATA, mark sent, COMMIT + final dot, reply);
- ``worker ×N``: N real procrastinate worker processes running the per-mail jobs deferred at
  the commit (a new SMTP connection per mail), timed from the first mail's arrival at the server
  to the last (worker start-up not counted).

Uses its own database ``ulm_bench_throughput`` on the embedded PostgreSQL; traffic stays on
127.0.0.1. Each run checks that every mail arrived exactly once (by Message-ID).
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.update(
    DJANGO_SETTINGS_MODULE="config.settings",
    ULM_DB_NAME="ulm_bench_throughput",
    DEBUG="false",
    SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(40),
    SECURE_SSL_REDIRECT="false",
    LOG_LEVEL="WARNING",
)
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.core.mail import EmailMessage, get_connection  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from tests.support.smtp import SmtpServer  # noqa: E402
from ulm_channels import services  # noqa: E402
from ulm_channels.models import OutboundMail  # noqa: E402


def record(count: int, tag: str) -> set[str]:
    messages = [
        EmailMessage(
            f"Ihr Anliegen {tag}-{n}",
            "Guten Tag,\n\nIhr Anliegen ist bei uns eingegangen.\n\nFreundliche Grüße",
            None,
            [f"buerger{n}@example.org"],
        )
        for n in range(count)
    ]
    with transaction.atomic():
        get_connection().send_messages(messages)
    return set(
        OutboundMail.objects.filter(subject__startswith=f"Ihr Anliegen {tag}-").values_list(
            "message_id", flat=True
        )
    )


def forget_jobs() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs WHERE status = 'todo'")


def check(smtp: SmtpServer, recorded: set[str]) -> str:
    arrived = smtp.message_ids()
    missing = len(recorded - set(arrived))
    twice = sum(1 for n in arrived.values() if n > 1)
    return f"missing {missing}, twice {twice}"


def sweep(count: int) -> str:
    smtp = SmtpServer().start()
    try:
        from django.conf import settings

        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
        recorded = record(count, f"sweep-{secrets.token_hex(3)}")
        forget_jobs()  # the sweep alone sends them
        started = time.monotonic()
        counts = services.send_due_mail()
        elapsed = time.monotonic() - started
        return (
            f"sweep (one connection)   {count} mails in {elapsed:5.2f} s = "
            f"{count / elapsed:6.1f} mails/s  {counts}  {check(smtp, recorded)}"
        )
    finally:
        smtp.stop()


def workers(count: int, number: int) -> str:
    smtp = SmtpServer().start()
    processes = []
    try:
        recorded = record(count, f"w{number}-{secrets.token_hex(3)}")
        env = dict(os.environ, EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp.port))
        processes = [
            subprocess.Popen(
                [sys.executable, str(BASE_DIR / "manage.py"), "procrastinate", "worker"],
                cwd=BASE_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(number)
        ]
        deadline = time.monotonic() + 600
        while not smtp.messages and time.monotonic() < deadline:
            time.sleep(0.01)
        first = time.monotonic()
        while len(smtp.messages) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        elapsed = time.monotonic() - first
        return (
            f"worker x{number} (job per mail) {count} mails in {elapsed:5.2f} s = "
            f"{(count - 1) / elapsed:6.1f} mails/s  {check(smtp, recorded)}"
        )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        smtp.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=1000)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    OutboundMail.objects.all().delete()
    forget_jobs()
    print(f"{os.cpu_count()} cores; SMTP: aiosmtpd on 127.0.0.1 in this process")
    print(sweep(args.mails), flush=True)
    for number in (int(n) for n in args.workers.split(",") if n):
        print(workers(args.mails, number), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
