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
