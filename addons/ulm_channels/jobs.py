"""Background jobs of ulm_channels (procrastinate). Each is one call into services."""

from procrastinate.contrib.django import app

from ulm_channels import services


@app.periodic(cron="17 * * * *", periodic_id="prune_web_submissions")
@app.task(
    name="ulm_channels.prune_web_submissions",
    queue="default",
    queueing_lock="prune_web_submissions",
)
def prune_web_submissions(timestamp: int) -> None:
    """Hourly: the rate limit's log (e-mail and IP addresses) is kept no longer than it counts."""
    services.prune_web_submissions()
