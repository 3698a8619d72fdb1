"""A worker killed in the middle of a job leaves it "doing" for ever; the periodic
``retry_stalled_jobs`` puts it back in the queue once the worker's heartbeat is 30 s old."""

from __future__ import annotations

import pytest
from django.db import connection

from ulm_servicepoint import services

pytestmark = pytest.mark.django_db


def worker(seconds_since_heartbeat: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat) "
            "VALUES (now() - make_interval(secs => %s)) RETURNING id",
            [seconds_since_heartbeat],
        )
        return cursor.fetchone()[0]


def job(status: str, worker_id: int | None = None, queueing_lock: str | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, queueing_lock, args, status, "
            "worker_id) VALUES ('default', 'ulm_servicepoint.apply_retention', %s, "
            "'{\"timestamp\": 1}', %s, %s) RETURNING id",
            [queueing_lock, status, worker_id],
        )
        return cursor.fetchone()[0]


def state(job_id: int) -> tuple[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT status, attempts FROM procrastinate_jobs WHERE id = %s", [job_id])
        return cursor.fetchone()


def test_job_of_a_dead_worker_runs_again_and_a_living_workers_job_is_left_alone():
    dead, alive = worker(120), worker(2)
    stalled, running = job("doing", dead), job("doing", alive)
    assert services.retry_stalled_jobs() == {"retried": 1, "closed": 0}
    assert state(stalled) == ("todo", 1)  # a worker takes it again
    assert state(running) == ("doing", 0)
    assert services.retry_stalled_jobs() == {"retried": 0, "closed": 0}  # nothing twice


def test_stalled_periodic_run_is_closed_when_its_next_run_already_waits():
    dead = worker(120)
    stalled = job("doing", dead, queueing_lock="retention")
    waiting = job("todo", queueing_lock="retention")
    assert services.retry_stalled_jobs() == {"retried": 0, "closed": 1}
    assert state(stalled)[0] == "failed"
    assert state(waiting) == ("todo", 0)  # the next run does the work, once
