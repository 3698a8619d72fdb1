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


@app.task(name="ulm_channels.send_outbound_mail", queue="outbox")
def send_outbound_mail(outbound_id: int) -> None:
    """Sends one mail from the outbox. A failure is recorded on the mail, which schedules its
    own retry (back-off); the job itself never fails."""
    services.send_outbound_mail(outbound_id)


@app.periodic(cron="* * * * *", periodic_id="outbox")
@app.task(name="ulm_channels.send_due_mail", queue="outbox", queueing_lock="send_due_mail")
def send_due_mail(timestamp: int) -> None:
    """Every minute: the outbox's sweep sends what is due (retries, and mail whose job was
    lost, e.g. to a worker killed mid-send)."""
    services.send_due_mail()


@app.periodic(cron="* * * * *", periodic_id="mail")
@app.task(name="ulm_channels.poll_mail", queue="mail", queueing_lock="poll_mail")
def poll_mail(timestamp: int) -> None:
    """Every minute: fetch from every mailbox."""
    services.poll_mailboxes()


@app.task(name="ulm_channels.poll_mail_now", queue="mail", queueing_lock="poll_mail_now")
def poll_mail_now() -> None:
    """On demand (admin): fetch now."""
    services.poll_mailboxes()


@app.periodic(cron="17 3 * * *", periodic_id="mail_retention")
@app.task(name="ulm_channels.prune_received_mail", queue="mail")
def prune_received_mail(timestamp: int) -> None:
    services.prune_received_mail()
