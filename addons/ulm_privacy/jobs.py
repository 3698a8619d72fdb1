"""Background jobs of ulm_privacy (procrastinate). Each is one call into the addon's modules."""

from procrastinate.contrib.django import app

from ulm_privacy import rights, services


@app.task(name="ulm_privacy.build_access_package", queue="default")
def build_access_package(request_id: int) -> None:
    """Makes one requested Art. 15 package (its ZIP); a failure is recorded on the request."""
    rights.run_access_package(request_id)


@app.periodic(cron="45 3 * * *", periodic_id="audit_retention")
@app.task(name="ulm_privacy.audit_retention", queue="default", queueing_lock="audit_retention")
def audit_retention(timestamp: int) -> None:
    """Nightly: audit events older than ULM_PRIVACY_AUDIT_RETENTION_MONTHS deleted, in batches."""
    services.purge_expired_audit_events()
