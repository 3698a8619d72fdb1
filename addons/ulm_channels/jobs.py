"""Background jobs of ulm_channels (procrastinate). Each is one call into services."""

from procrastinate import RetryStrategy
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


@app.task(
    name="ulm_channels.send_outbound_mail",
    queue="mail",
    retry=RetryStrategy(max_attempts=10, exponential_wait=2),
)
def send_outbound_mail(outbound_id: int) -> None:
    """Sends one mail to a citizen; a failure raises and is retried."""
    services.send_outbound_mail(outbound_id)


@app.periodic(cron="* * * * *", periodic_id="mail")
@app.task(name="ulm_channels.poll_mail", queue="mail", queueing_lock="poll_mail")
def poll_mail(timestamp: int) -> None:
    """Every minute: fetch from every mailbox, then send what waits or failed before."""
    services.poll_mailboxes()
    services.send_pending_mail()


@app.task(name="ulm_channels.poll_mail_now", queue="mail", queueing_lock="poll_mail_now")
def poll_mail_now() -> None:
    """On demand (admin): fetch now."""
    services.poll_mailboxes()


@app.periodic(cron="17 3 * * *", periodic_id="mail_retention")
@app.task(name="ulm_channels.prune_received_mail", queue="mail")
def prune_received_mail(timestamp: int) -> None:
    services.prune_received_mail()
