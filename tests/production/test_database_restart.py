"""The PostgreSQL server is stopped and started again while citizens use the web: while it is
down both instances answer 503 with a German page (no traceback, no English error page); after
it is back they serve again by themselves, and the workers deliver the mail queued before."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tests.production.citizens import submit_contact_form
from tests.support.wait import wait_for

PAGES = ["/kontakt/", "/healthz", "/anliegen/"]


def outbox_waiting(topology) -> int:
    return topology.sql(
        "SELECT count(*) FROM ulm_channels_outboundmail WHERE status IN ('queued', 'failed')"
    )[0][0]


def test_database_restart_is_answered_in_german_and_survived(topology):
    run = uuid.uuid4().hex[:8]
    # mail waiting in the outbox when the server goes down: the mail server is away at first
    topology.smtp.stop()
    with ThreadPoolExecutor(4) as pool:
        before = list(
            pool.map(
                lambda n: submit_contact_form(
                    topology.web_urls[n % 2],
                    subject=f"Neustart {run} vorher {n}",
                    email=f"vorher{n}.{run}@example.org",
                ),
                range(4),
            )
        )
    assert all(r.acknowledged for r in before), [r.error for r in before]
    topology.smtp.start()

    # readers keep asking both instances during the whole restart
    answers: list[tuple[float, int, int, str]] = []  # (time, instance, status, body)
    stop = threading.Event()
    started = time.monotonic()

    def reader(instance: int) -> None:
        while not stop.is_set():
            for path in PAGES:
                status, body = topology.get(instance, path, timeout=10)
                answers.append((time.monotonic() - started, instance, status, body))
            time.sleep(0.05)

    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in (0, 1)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    down_at = time.monotonic() - started
    topology.postgres.stop()
    down_pages = {}
    for instance in (0, 1):
        for path in PAGES:
            down_pages[(instance, path)] = topology.get(instance, path)
    time.sleep(3)
    topology.postgres.start()
    up_at = time.monotonic() - started
    # the web recovers by itself: both instances serve every page again
    recovered = wait_for(
        lambda: all(topology.get(i, p)[0] == 200 for i in (0, 1) for p in PAGES), timeout=60
    )
    recovered_after = time.monotonic() - started - up_at
    stop.set()
    for thread in threads:
        thread.join(timeout=30)

    print(
        f"\n[database restart] down {down_at:.1f}–{up_at:.1f} s, web recovered "
        f"{recovered_after:.1f} s after the start; answers by status: "
        f"{Counter(status for _, _, status, _ in answers)}; after the start: "
        f"{Counter(status for t, _, status, _ in answers if t > up_at + 0.5)}"
    )
    assert recovered, topology.logs()
    for (instance, path), (status, body) in down_pages.items():
        assert status == 503, (instance, path, status, body[:500])
        assert "Traceback" not in body, body[:500]
        assert "Server Error" not in body, body[:500]
        if path != "/healthz":
            assert 'lang="de"' in body
            assert "vorübergehend nicht erreichbar" in body.lower()
    # nothing but 200 and the German 503 during the whole restart
    odd = [(t, i, s, b[:200]) for t, i, s, b in answers if s not in (200, 503)]
    assert not odd, odd[:5]
    assert all("Traceback" not in b for *_, b in answers)

    # a quick restart (pg_ctlcluster restart) with the web's kept connections open: the next
    # requests answer 200 or the German 503, and the web serves again by itself
    quick: list[int] = []
    topology.postgres.restart()
    restarted = time.monotonic()
    assert wait_for(
        lambda: (
            quick.extend(topology.get(i, p)[0] for i in (0, 1) for p in PAGES)
            or quick[-6:] == [200] * 6
        ),
        timeout=60,
    ), Counter(quick)
    print(
        f"[database restart] quick restart: {Counter(quick)}, "
        f"served again after {time.monotonic() - restarted:.1f} s"
    )
    assert set(quick) <= {200, 503}, Counter(quick)

    # the workers resume: the mail queued before the restart goes out, once each
    assert wait_for(lambda: outbox_waiting(topology) == 0, timeout=180), topology.logs()
    for result in before:
        assert len(topology.smtp.to(result.email)) == 1, (
            result,
            [m["Subject"] for m in topology.smtp.to(result.email)],
            topology.sql(
                "SELECT status, attempts, last_error, sent_at FROM ulm_channels_outboundmail "
                "WHERE %s = ANY(recipients)",
                [result.email],
            ),
        )
    # a worker ends after 30 s without its database; started again like systemd's
    # Restart=always does (the production guide's unit), it picks up where it was
    print(f"[database restart] workers restarted by the supervisor: {dict(topology.restarts)}")
    for name in ("worker-0", "worker-1"):
        lines = topology.log(name).splitlines()
        ends = [line for line in lines if "ERROR" in line or "===" in line]
        print(f"[database restart] {name}: " + " | ".join(line[:160] for line in ends[-4:]))
    assert all(topology.running(f"worker-{i}") for i in (0, 1)), topology.logs()
    # and new submissions are acknowledged again on both instances, their mail delivered
    after = [
        submit_contact_form(
            topology.web_urls[i],
            subject=f"Neustart {run} nachher {i}",
            email=f"nachher{i}.{run}@example.org",
        )
        for i in (0, 1)
    ]
    assert all(r.acknowledged for r in after), [r.error for r in after]
    assert wait_for(lambda: all(len(topology.smtp.to(r.email)) == 1 for r in after), timeout=60), (
        topology.logs()
    )
