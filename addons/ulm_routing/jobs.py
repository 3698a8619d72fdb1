"""Background jobs of ulm_routing (procrastinate). Each is one call into services."""

from procrastinate.contrib.django import app

from ulm_routing import services


@app.periodic(cron="*/5 * * * *", periodic_id="routing_escalation")
@app.task(name="ulm_routing.escalate", queue="default", queueing_lock="routing_escalation")
def escalate(timestamp: int) -> None:
    """Every five minutes: overdue handoffs and callbacks take their next escalation step."""
    services.escalate_overdue()
