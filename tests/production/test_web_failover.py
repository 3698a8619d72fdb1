"""Citizens send the contact form to both web instances while one of them is killed (SIGKILL,
master and workers at once) and started again: every submission that was acknowledged (the
confirmation page with its reference) is stored exactly once and gets exactly one confirmation
mail; none is stored twice, none confirmed twice."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tests.production.citizens import Submission, submit_contact_form
from tests.support.wait import wait_for

CITIZENS = 8  # at the same time
ROUNDS = 5  # forms each of them sends, one after another


def outbox_waiting(topology) -> int:
    return topology.sql(
        "SELECT count(*) FROM ulm_channels_outboundmail WHERE status IN ('queued', 'failed')"
    )[0][0]


def test_killed_web_instance_loses_and_doubles_nothing(topology):
    run = uuid.uuid4().hex[:8]
    results: list[Submission] = []
    lock = threading.Lock()

    def citizen(number: int) -> None:
        for round_ in range(ROUNDS):
            instance = (number + round_) % 2
            result = submit_contact_form(
                topology.web_urls[instance],
                subject=f"Failover {run} {number}-{round_}",
                email=f"buerger{number}.{round_}.{run}@example.org",
            )
            with lock:
                results.append(result)

    started = time.monotonic()
    kills: list[tuple[float, float]] = []  # (killed at, answering again after) in seconds
    with ThreadPoolExecutor(CITIZENS) as pool:
        futures = [pool.submit(citizen, n) for n in range(CITIZENS)]
        # the citizens send their forms about 3.3 s after opening them: kill instance 0 right
        # then, while forms are in flight, and once more in a later round
        for kill_at in (3.6, 11.0):
            time.sleep(max(0.0, kill_at - (time.monotonic() - started)))
            killed = time.monotonic()
            topology.kill_web(0)
            time.sleep(1)
            topology.start_web(0)
            topology.wait_web_ready(0)
            kills.append((killed - started, time.monotonic() - killed))
        for future in futures:
            future.result()
    acknowledged = [r for r in results if r.acknowledged]
    lost = [r for r in results if not r.acknowledged]
    print(
        f"\n[web failover] {len(results)} forms, {len(acknowledged)} acknowledged, "
        f"{len(lost)} not (instance 0 killed at / answering again after, s: "
        f"{[(round(a, 1), round(b, 1)) for a, b in kills]}; total "
        f"{time.monotonic() - started:.1f} s): {Counter(r.error[:60] for r in lost)}"
    )
    # the instance that was not killed answered every form sent to it
    assert all(r.acknowledged for r in results if r.base_url == topology.web_urls[1]), [
        (r.subject, r.error) for r in results if r.base_url == topology.web_urls[1]
    ]
    # and the killed instance, started again, served forms once more
    assert any(r.acknowledged for r in results if r.base_url == topology.web_urls[0]), Counter(
        r.error for r in lost
    )
    # stored exactly once: one ticket per acknowledged form, under the reference it showed
    rows = topology.sql(
        "SELECT t.title, r.reference FROM helpdesk_ticket t "
        "LEFT JOIN ulm_servicepoint_ticketreference r ON r.ticket_id = t.id "
        "WHERE t.title LIKE %s",
        [f"Failover {run} %"],
    )
    stored = Counter(title for title, _ in rows)
    assert all(count == 1 for count in stored.values()), stored.most_common(3)
    reference_of = dict(rows)
    for result in acknowledged:
        assert reference_of.get(result.subject) == result.reference, result
    # one confirmation mail each, once the workers have emptied the outbox
    assert wait_for(lambda: outbox_waiting(topology) == 0, timeout=120), topology.logs()
    for result in acknowledged:
        mails = topology.smtp.to(result.email)
        assert len(mails) == 1, (result.subject, [m["Subject"] for m in mails])
        assert result.reference in str(mails[0]["Subject"])
    # a form whose answer was lost with the killed instance may be stored, but only once and
    # then also confirmed once by mail
    for result in lost:
        assert stored.get(result.subject, 0) <= 1
        assert len(topology.smtp.to(result.email)) == stored.get(result.subject, 0)
