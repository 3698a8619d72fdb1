"""The mail gateway polls one IMAP mailbox (Dovecot on loopback) from both workers and from
operators' ``manage.py poll_mail`` runs at the same time, while new mail keeps arriving: every
message becomes exactly one ticket, and its sender gets at most one confirmation."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections import Counter
from email.message import EmailMessage
from email.utils import make_msgid

from tests.production.topology import BASE_DIR
from tests.support.wait import wait_for

FIRST, SECOND = 20, 10


def mail(run: str, number: int, with_id: bool = True) -> tuple[str, bytes]:
    message = EmailMessage()
    message["From"] = f"Absender {number} <absender{number}.{run}@example.org>"
    message["To"] = "servicecenter@ulm.example"
    message["Subject"] = f"Postfach {run} Nr. {number}"
    if with_id:  # some mail programs send none: then the content decides
        message["Message-ID"] = make_msgid(domain="example.org")
    message["Date"] = "Thu, 03 Dec 2026 08:00:00 +0100"
    message.set_content(f"Guten Tag,\n\nich habe eine Frage zu meinem Anliegen Nr. {number}.\n")
    return str(message["Subject"]), bytes(message)


def start_poll(topology) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(BASE_DIR / "manage.py"), "poll_mail"],
        cwd=BASE_DIR, env=topology.env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip


def test_one_mailbox_polled_everywhere_at_once_gives_one_ticket_per_message(topology, imap_server):
    run = uuid.uuid4().hex[:8]
    settings = imap_server.mailbox_settings(name=f"Servicecenter {run}")
    topology.manage(
        "shell", "-c",
        f"from ulm_channels.models import Mailbox; Mailbox.objects.create(**{settings!r})",
    )  # fmt: skip
    messages = [mail(run, n, with_id=n % 7 != 3) for n in range(FIRST + SECOND)]
    subjects = [subject for subject, _ in messages]
    imap_server.deliver(*(raw for _, raw in messages[:FIRST]))

    started = time.monotonic()
    # three operators run the command, while both workers poll too: the periodic job is due
    # every minute, an operator's "fetch now" and a second run of the periodic job deferred by
    # hand make both workers poll at once; more mail arrives in the middle
    polls = [start_poll(topology) for _ in range(3)]
    topology.manage(
        "shell", "-c", "from ulm_channels import services; services.request_mail_poll()"
    )
    topology.manage(
        "procrastinate", "defer", "ulm_channels.poll_mail", '{"timestamp": 1}', check=False
    )
    imap_server.deliver(*(raw for _, raw in messages[FIRST:]))
    polls += [start_poll(topology) for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0] for p in polls]
    assert all(p.returncode == 0 for p in polls), outputs

    def tickets() -> Counter[str]:
        rows = topology.sql(
            "SELECT title FROM helpdesk_ticket WHERE title LIKE %s", [f"Postfach {run} %"]
        )
        return Counter(title for (title,) in rows)

    # the periodic job takes whatever the runs above left (it runs every minute)
    everything = wait_for(lambda: set(tickets()) == set(subjects), timeout=150, every=1)
    took = time.monotonic() - started
    found = tickets()
    outcomes = Counter(
        outcome
        for (outcome,) in topology.sql(
            "SELECT i.outcome FROM ulm_channels_inboundmail i JOIN ulm_channels_mailbox b "
            "ON b.id = i.mailbox_id WHERE b.name = %s",
            [settings["name"]],
        )
    )
    print(
        f"\n[mail gateway] {len(subjects)} messages, 2 workers + 5 concurrent poll_mail runs: "
        f"{sum(found.values())} tickets after {took:.1f} s; intake outcomes {dict(outcomes)}; "
        f"polls handled {[o.strip().splitlines()[-1] if o.strip() else '' for o in outputs]}"
    )
    assert everything, (sorted(set(subjects) - set(found)), topology.logs())
    assert all(count == 1 for count in found.values()), found.most_common(3)
    assert outcomes["ticket"] == len(subjects), outcomes
    # every message is marked done on the server: the next poll has nothing to do
    flags = imap_server.flags()
    assert sum("$UlmProcessed" in f for f in flags) >= len(subjects), flags[-3:]
    # a sender is confirmed at most once (never twice for one message)
    assert wait_for(
        lambda: (
            topology.sql(
                "SELECT count(*) FROM ulm_channels_outboundmail "
                "WHERE status IN ('queued', 'failed')"
            )[0][0]
            == 0
        ),
        timeout=120,
    )
    for number in range(FIRST + SECOND):
        assert len(topology.smtp.to(f"absender{number}.{run}@example.org")) <= 1
