"""Background jobs of ulm_kpi (procrastinate). Each is one call into the addon's modules."""

from procrastinate.contrib.django import app

from ulm_kpi import quality, report, services


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


@app.task(name="ulm_kpi.build_monthly_report", queue="default")
def build_monthly_report(report_id: int) -> None:
    """Makes one requested monthly report (its PDF); a failure is recorded on the report."""
    report.run_monthly_report(report_id)


@app.periodic(cron="0 6 1 * *", periodic_id="kpi_monthly_report")
@app.task(
    name="ulm_kpi.request_monthly_report",
    queue="default",
    queueing_lock="kpi_monthly_report",
)
def request_monthly_report(timestamp: int) -> None:
    """On the 1st of every month at 06:00: last month's report for the whole city (once)."""
    report.request_last_months_report(report.month_of_timestamp(timestamp))


@app.periodic(cron="30 4 * * 1", periodic_id="kpi_quality_sample")
@app.task(name="ulm_kpi.quality_sample", queue="default", queueing_lock="kpi_quality_sample")
def quality_sample(timestamp: int) -> None:
    """Mondays early in the morning: the quality sample of the week before (once per week; a
    week drawn before, e.g. by ``manage.py quality_sample``, stays as it was)."""
    quality.draw_week()
