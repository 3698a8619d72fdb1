"""Background jobs of ulm_kpi (procrastinate). Each is one call into services."""

from procrastinate.contrib.django import app

from ulm_kpi import services


@app.periodic(cron="*/10 * * * *", periodic_id="kpi_refresh")
@app.task(name="ulm_kpi.refresh_recent", queue="default", queueing_lock="kpi_refresh")
def refresh_recent(timestamp: int) -> None:
    """Every ten minutes: the daily figures of the last weeks rebuilt from the raw rows."""
    services.refresh_recent()


@app.periodic(cron="10 3 * * *", periodic_id="kpi_refresh_all")
@app.task(name="ulm_kpi.refresh_all", queue="default", queueing_lock="kpi_refresh")
def refresh_all(timestamp: int) -> None:
    """Nightly: every daily figure rebuilt (older requests change too, e.g. a late closing)."""
    services.refresh()
