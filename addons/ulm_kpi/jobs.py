"""Background jobs of ulm_kpi (procrastinate). Each is one call into the addon's logic."""

from procrastinate.contrib.django import app

from ulm_kpi import quality


@app.periodic(cron="30 4 * * 1", periodic_id="kpi_quality_sample")
@app.task(name="ulm_kpi.quality_sample", queue="default", queueing_lock="kpi_quality_sample")
def quality_sample(timestamp: int) -> None:
    """Mondays early in the morning: the quality sample of the week before (once per week; a
    week drawn before, e.g. by ``manage.py quality_sample``, stays as it was)."""
    quality.draw_week()
