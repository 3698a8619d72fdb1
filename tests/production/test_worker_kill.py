"""A worker is SIGKILLed in the middle of the outbox's delivery (its SMTP transaction to the
mail server begun, not finished): the job it held is taken up again once its heartbeat is
stale (``ulm_servicepoint.retry_stalled_jobs``), no job stays "doing" for ever, and every mail
reaches the citizen exactly once — none lost, none twice."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tests.production.citizens import submit_contact_form
from tests.support.wait import wait_for

FORMS = 8


def doing_outbox_jobs(topology) -> list[tuple[int, str]]:
    return topology.sql(
        "SELECT id, task_name FROM procrastinate_jobs "
        "WHERE status = 'doing' AND queue_name = 'outbox'"
    )


def test_worker_killed_mid_delivery_resumes_and_sends_each_mail_once(topology):
    run = uuid.uuid4().hex[:8]
    smtp = topology.smtp
    # both workers away (gracefully): the confirmations wait in the outbox with their jobs
    for index in (0, 1):
        topology.stop_worker(index)
    with ThreadPoolExecutor(4) as pool:
        forms = list(
            pool.map(
                lambda n: submit_contact_form(
                    topology.web_urls[n % 2],
                    subject=f"Abbruch {run} {n}",
                    email=f"abbruch{n}.{run}@example.org",
                ),
                range(FORMS),
            )
        )
    assert all(f.acknowledged for f in forms), [f.error for f in forms]
    # a slow mail server: each delivery stays inside its SMTP transaction for a while
    smtp.handler.rcpt_delay = 2.0
    begun_before, abandoned_before = smtp.handler.begun, smtp.abandoned
    topology.start_worker(0)
    mid_send = wait_for(
        lambda: doing_outbox_jobs(topology) and smtp.handler.begun > smtp.handler.completed,
        timeout=90,
        every=0.05,
    )
    assert mid_send, topology.log("worker-0")
    stalled = doing_outbox_jobs(topology)
    topology.kill_worker(0)
    killed_at = time.monotonic()
    smtp.handler.rcpt_delay = 0.0
    topology.start_worker(0)
    topology.start_worker(1)

    # the killed worker's job leaves "doing" (retried once its heartbeat is 30 s old)
    stalled_ids = [job_id for job_id, _ in stalled]
    resumed = wait_for(
        lambda: (
            not topology.sql(
                "SELECT 1 FROM procrastinate_jobs WHERE id = ANY(%s) AND status = 'doing'",
                [stalled_ids],
            )
        ),
        timeout=150,
        every=1,
    )
    resumed_after = time.monotonic() - killed_at
    jobs = topology.sql(
        "SELECT task_name, status, attempts FROM procrastinate_jobs WHERE id = ANY(%s)",
        [stalled_ids],
    )
    # every confirmation delivered, each exactly once
    addresses = [f.email for f in forms]
    delivered = wait_for(lambda: all(smtp.to(a) for a in addresses), timeout=120, every=0.5)
    time.sleep(2)  # a second copy would come right behind
    print(
        f"\n[worker kill] killed with {len(stalled)} outbox job(s) doing "
        f"({smtp.handler.begun - begun_before} SMTP transactions begun, "
        f"{smtp.abandoned - abandoned_before} abandoned); "
        f"job(s) {jobs} {resumed_after:.1f} s after the kill; "
        f"restarts by the supervisor {dict(topology.restarts)}"
    )
    assert resumed, (jobs, topology.logs())
    assert delivered, ([a for a in addresses if not smtp.to(a)], topology.logs())
    counts = Counter(a for a in addresses for _ in smtp.to(a))
    assert all(n == 1 for n in counts.values()), counts
    assert all(smtp.message_ids()[str(m["Message-ID"])] == 1 for a in addresses for m in smtp.to(a))
    # the mail the killed worker was sending was not half-sent: the server discarded it
    assert smtp.abandoned > abandoned_before
    assert not topology.sql(
        "SELECT id FROM procrastinate_jobs j WHERE status = 'doing' AND NOT EXISTS "
        "(SELECT 1 FROM procrastinate_workers w WHERE w.id = j.worker_id "
        "AND w.last_heartbeat > now() - interval '40 seconds')"
    )
