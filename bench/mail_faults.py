"""Fault test of the IMAP intake: SIGKILL the fetching process at random points during a
200-message batch, 20 times, restart the IMAP server once in mid-batch, then let it finish.

    .venv/bin/python bench/mail_faults.py [--messages 200] [--kills 20] [--seed N]

The process killed is ``manage.py poll_mail``: the same call (``services.poll_mailboxes``) the
worker's periodic job makes, started as its own process so it can be killed at any point
(between fetch, commit and flag). It runs against a real Dovecot on loopback (TLS) and a fresh
database (``test_bench_faults``, dropped at the end). Checks at the end: every message has
exactly one received record and one ticket, one acknowledgement each, none pending, every
message flagged on the server. Exit status 1 if any check fails.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DEBUG", "false")
os.environ["ULM_DB_NAME"] = "bench_faults"
os.environ["LOG_LEVEL"] = "ERROR"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from tests.support.imap import ImapServer  # noqa: E402
from tests.support.processes import project_env  # noqa: E402


def citizen_mail(number: int) -> bytes:
    """A German citizen's mail, varied a little: charsets, an attachment now and then."""
    charset = ["utf-8", "iso-8859-15", "windows-1252"][number % 3]
    body = (
        f"Guten Tag,\n\nich habe eine Frage zur Müllabfuhr in der Straße Nr. {number}: "
        f"Die Gebühr von {number},50 € ist mir zu hoch.\n\nGrüße\nJürgen Weiß\n"
    )
    head = (
        f"From: Jürgen Weiß <buerger{number}@example.org>\n"
        "To: servicecenter@ulm.example\n"
        f"Subject: Anfrage {number}: Müllgebühr\n"
        f"Message-ID: <fault-{number:04d}@example.org>\n"
        "Date: Tue, 24 Nov 2026 10:00:00 +0100\nMIME-Version: 1.0\n"
    )
    if number % 5 == 0:
        return (
            (
                head + 'Content-Type: multipart/mixed; boundary="X"\n\n--X\n'
                f"Content-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: 8bit\n\n"
                + body
                + "--X\nContent-Type: application/pdf\n"
                "Content-Disposition: attachment; filename*=UTF-8''Geb%C3%BChrenbescheid.pdf\n"
                "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--X--\n"
            )
            .encode(charset)
            .replace(b"\n", b"\r\n")
        )
    return (
        (
            head + f"Content-Type: text/plain; charset={charset}\n"
            "Content-Transfer-Encoding: 8bit\n\n" + body
        )
        .encode(charset)
        .replace(b"\n", b"\r\n")
    )


def poll_process(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(BASE / "manage.py"), "poll_mail"],
        cwd=BASE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def main(messages: int, kills: int, seed: int) -> int:
    from helpdesk.models import Ticket

    from ulm_channels.models import InboundMail, Mailbox, OutboundMail
    from ulm_servicepoint import services as servicepoint

    rng = random.Random(seed)
    servicepoint.load_demo_data()
    tickets_before = Ticket.objects.count()
    server = ImapServer().start()
    try:
        server.deliver(*(citizen_mail(n) for n in range(messages)))
        Mailbox.objects.create(**server.mailbox_settings())
        env = project_env(SSL_CERT_FILE=server.cafile, LOG_LEVEL="ERROR")

        def progress() -> int:
            return InboundMail.objects.exclude(outcome="pending").count()

        started = time.perf_counter()
        killed_mid_batch = 0
        restart_at = kills // 2
        for round_ in range(kills):
            before = progress()
            process = poll_process(env)
            # kill at a random point: after 1-12 more messages, plus 0-80 ms into the next one
            target = min(before + rng.randint(1, 12), messages)
            while process.poll() is None and progress() < target:
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.08))
            if round_ == restart_at:
                server.restart()  # the IMAP server goes away under the running poll
                output, _ = process.communicate(timeout=120)
                print(f"IMAP restart during poll at {progress()}: exit {process.returncode}, "
                      f"{output.strip()[-200:]}")  # fmt: skip
                continue
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
            process.wait()
            after = progress()
            pending = InboundMail.objects.filter(outcome="pending").count()
            killed_mid_batch += before < after < messages
            print(f"kill {round_ + 1:2d}: processed {before:3d} -> {after:3d}, pending {pending}")
        rounds = 0
        while True:  # then let it finish
            rounds += 1
            output = subprocess.run(
                [sys.executable, str(BASE / "manage.py"), "poll_mail"],
                cwd=BASE,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            if output.endswith('{"Servicecenter": 0}') or rounds > 10:
                break
        seconds = time.perf_counter() - started

        records = InboundMail.objects.count()
        distinct = InboundMail.objects.values("message_id").distinct().count()
        tickets = Ticket.objects.count() - tickets_before
        per_message = set(InboundMail.objects.values_list("ticket", flat=True))
        pending = InboundMail.objects.filter(outcome="pending").count()
        acks = OutboundMail.objects.count()
        flags = server.flags()
        flagged = sum("$UlmProcessed" in line for line in flags)
        checks = {
            f"received records == {messages}": records == messages,
            f"distinct Message-IDs == {messages}": distinct == messages,
            f"tickets == {messages}": tickets == messages,
            "one ticket per message": len(per_message) == messages and None not in per_message,
            "none pending": pending == 0,
            f"acknowledgements == {messages}": acks == messages,
            f"flagged on the server == {messages}": flagged == messages == len(flags),
        }
        print(
            f"{kills} rounds ({killed_mid_batch} kills while messages were being processed, "
            f"one IMAP restart), then {rounds} finishing polls; {seconds:.0f} s in all"
        )
        print(f"records {records}, tickets {tickets}, acks {acks}, pending {pending}, "
              f"flagged {flagged}/{len(flags)}")  # fmt: skip
        for name, ok in checks.items():
            print(f"  {'OK  ' if ok else 'FAIL'} {name}")
        return 0 if all(checks.values()) else 1
    finally:
        server.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    print(f"seed {args.seed}")
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        status = main(args.messages, args.kills, args.seed)
    finally:
        connection.close()
        connection.creation.destroy_test_db(name, verbosity=0)
    sys.exit(status)
