"""The task queue: a job enqueued by the web process runs in a real worker process."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support.processes import start_manage
from tests.support.wait import wait_for
from ulm_servicepoint.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db(transaction=True)


def test_job_from_web_request_runs_in_worker_process(client, admin_user):
    # given a worker process on the same PostgreSQL
    worker = start_manage("procrastinate", "worker", PROCRASTINATE_LOG_LEVEL="INFO")
    try:
        # when an operator asks for a worker check through the web
        client.force_login(admin_user)
        response = client.post(reverse("ulm_servicepoint:worker_ping"))
        assert response.status_code == 202
        token = response.json()["token"]
        # then the worker, another process, writes the heartbeat with that token
        assert wait_for(lambda: WorkerHeartbeat.objects.filter(token=token).exists()), (
            "no heartbeat from the worker"
        )
        beat = WorkerHeartbeat.objects.get(token=token)
        assert beat.worker_pid == worker.pid
        # and its periodic job reports it alive on /healthz
        assert wait_for(lambda: client.get("/healthz").json()["worker"]["ok"], timeout=70)
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output[-2000:]


def test_worker_ping_is_for_staff_only(client):
    response = client.post(reverse("ulm_servicepoint:worker_ping"))
    assert response.status_code == 302  # to the login page
