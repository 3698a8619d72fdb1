"""Background jobs of ulm_privacy (procrastinate). Each is one call into the addon's services."""

from procrastinate.contrib.django import app

from ulm_privacy import services


@app.periodic(cron="45 3 * * *", periodic_id="audit_retention")
@app.task(name="ulm_privacy.audit_retention", queue="default", queueing_lock="audit_retention")
def audit_retention(timestamp: int) -> None:
    """Nightly: audit events older than ULM_PRIVACY_AUDIT_RETENTION_MONTHS deleted, in batches."""
    services.purge_expired_audit_events()
