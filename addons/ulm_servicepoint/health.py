"""The worker's health: heartbeats it records, a ping the web process sends it, and what
/healthz reports."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta

from django.utils import timezone
from procrastinate.contrib.django import app

from ulm_servicepoint import conf
from ulm_servicepoint.models import WorkerHeartbeat


def record_heartbeat(source: str, token: str = "") -> WorkerHeartbeat:
    """Called by the worker: proves that it runs and reaches the database."""
    return WorkerHeartbeat.objects.create(source=source, token=token, worker_pid=os.getpid())


def request_worker_ping() -> str:
    """Enqueues a ping job for the worker; returns the token its heartbeat will carry. The job is
    named, not imported: jobs call into this module, never the other way round."""
    token = secrets.token_hex(16)
    app.configure_task(name="ulm_servicepoint.ping", allow_unknown=False).defer(token=token)
    return token


def worker_status() -> dict[str, object]:
    """What /healthz reports about the worker."""
    last = WorkerHeartbeat.objects.filter(source=WorkerHeartbeat.Source.PERIODIC).first()
    stale_after = timedelta(seconds=conf.get("ULM_SERVICEPOINT_WORKER_STALE_SECONDS"))
    return {
        "last_seen": last.created_at.isoformat() if last else None,
        "ok": bool(last and timezone.now() - last.created_at <= stale_after),
    }


def prune_heartbeats(keep: timedelta = timedelta(days=1)) -> int:
    deleted, _ = WorkerHeartbeat.objects.filter(created_at__lt=timezone.now() - keep).delete()
    return deleted


# A worker killed mid-job (SIGKILL, out of memory, a lost machine) leaves its job "doing" for
# ever: procrastinate only notices that its heartbeat stopped. Its own recipe is a periodic job
# that retries such stalled jobs; a job whose queueing lock is already taken by a successor
# waiting to run (the next run of a periodic sweep) is closed as failed instead, the successor
# does the work. Every job we run is safe to run again (the outbox sends a mail at most once,
# retention and escalation skip what is done).
STALLED_AFTER_SECONDS = 30  # procrastinate's worker: heartbeat every 10 s, stalled after 30 s


def retry_stalled_jobs(seconds_since_heartbeat: float = STALLED_AFTER_SECONDS) -> dict[str, int]:
    """Puts the jobs of workers without a heartbeat for ``seconds_since_heartbeat`` back in
    the queue; returns how many were retried and how many closed (a successor waits)."""
    from django.db import IntegrityError, connection, transaction
    from procrastinate import sql

    with connection.cursor() as cursor:
        cursor.execute(
            sql.queries["select_stalled_jobs_by_heartbeat"],
            {"queue": None, "task_name": None, "seconds_since_heartbeat": seconds_since_heartbeat},
        )
        stalled = [row[0] for row in cursor.fetchall()]
    done = {"retried": 0, "closed": 0}
    for job_id in stalled:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT procrastinate_retry_job_v2(%s, now(), NULL, NULL, NULL)", [job_id]
                )
            done["retried"] += 1
        except IntegrityError:  # the same queueing lock waits already: that job does the work
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT procrastinate_finish_job_v1(%s, 'failed', false)", [job_id])
            done["closed"] += 1
    return done
