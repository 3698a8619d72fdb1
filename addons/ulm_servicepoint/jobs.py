"""Background jobs of ulm_servicepoint (procrastinate). Each is one call into services."""

from procrastinate.contrib.django import app

from ulm_servicepoint import services


@app.task(name="ulm_servicepoint.ping", queue="default")
def ping(token: str) -> None:
    """Proves that a job enqueued by the web process runs in a worker process."""
    services.record_heartbeat("ping", token=token)


@app.periodic(cron="40 2 * * *", periodic_id="retention")
@app.task(name="ulm_servicepoint.apply_retention", queue="default", queueing_lock="retention")
def apply_retention(timestamp: int) -> None:
    """Nightly: closed requests past their type's retention period lose their personal data
    (archive-worthy ones after the city archive's answer)."""
    services.apply_retention()


@app.periodic(cron="* * * * *", periodic_id="heartbeat")
@app.task(name="ulm_servicepoint.heartbeat", queue="default", queueing_lock="heartbeat")
def heartbeat(timestamp: int) -> None:
    """Every minute: a sign of life for /healthz, and yesterday's signs removed."""
    services.record_heartbeat("periodic")
    services.prune_heartbeats()


@app.periodic(cron="* * * * *", periodic_id="retry_stalled_jobs")
@app.task(
    name="ulm_servicepoint.retry_stalled_jobs", queue="default", queueing_lock="retry_stalled_jobs"
)
def retry_stalled_jobs(timestamp: int) -> None:
    """Every minute: jobs of a worker that died mid-job (no heartbeat for 30 s) run again."""
    services.retry_stalled_jobs()
